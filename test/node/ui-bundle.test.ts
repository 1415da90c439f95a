// The dashboard's first page stays within its budget: at most 200 KB of gzipped JavaScript before
// anything renders (issue 12). Sizes, not times: the same build always gives the same answer.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { firstPageScripts } from "../../scripts/ui-size.mjs";

const BUDGET = 200 * 1000;

describe("the SPA's first page", () => {
  it("loads at most 200 KB of gzipped JavaScript, and only what index.html names", () => {
    // npm test builds the UI before vitest runs.
    expect(existsSync(path.join(import.meta.dirname, "..", "..", "ui", "dist", "index.html"))).toBe(true);
    const { scripts, total } = firstPageScripts();
    expect(scripts.length).toBeGreaterThan(0);
    // The pages other than sign-in, the projects and the checks list are separate chunks.
    expect(scripts.map((s) => s.file).join(" ")).not.toMatch(/assets\/(check|log|integrations|badges|settings|account|schedule-editor)-/);
    expect(total).toBeLessThanOrEqual(BUDGET);
  });
});
