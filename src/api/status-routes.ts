// Readiness probe (no key), as Healthchecks' /api/v3/status/; with ?full=1 it also names what is
// degraded. And Healthchecks' operator endpoint metrics/ (X-Metrics-Key).
import { Hono } from "hono";
import { secretMatches } from "../auth/keys";
import { degradations, pipelineFigures } from "../metrics/pipeline";
import type { ApiEnv } from "./auth";

export const statusApi = new Hono<ApiEnv>();

// Readiness, as Healthchecks: answers OK only when the database answers (a D1 failure is a 500).
statusApi.get("/status/", async (c) => {
  if (c.req.query("full") === "1") {
    const found = await degradations(c.env.DB);
    // 503 so a probe that only looks at the status code sees it too.
    return found.length === 0 ? c.text("OK") : c.text(`degraded: ${found.join("; ")}`, 503);
  }
  await c.env.DB.prepare("SELECT 1").first();
  return c.text("OK");
});

// Healthchecks answers 403 whether the key is unset or wrong; compared without leaking its length.
statusApi.get("/metrics/", async (c) => {
  const expected = c.env.METRICS_KEY ?? "";
  const presented = c.req.header("X-Metrics-Key") ?? "";
  if (expected === "" || !(await secretMatches(presented, expected))) return c.json({ error: "wrong or missing X-Metrics-Key" }, 403);
  return c.json(await pipelineFigures(c.env.DB), 200, { "Cache-Control": "no-store" });
});
