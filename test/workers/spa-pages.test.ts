// The SPA's pages under /projects/ (a Worker-owned prefix, see src/http/spa-pages.ts), through the
// Worker's fetch with the real ASSETS binding (ui/dist, built before the tests by `npm test`).
import { describe, expect, it } from "vitest";
import { call } from "./helpers";

const HTML = { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
const PROJECT = "5f0c1d7e-0c7a-4f59-9a43-4b0c5e1b2c3d";

describe("SPA pages under /projects/", () => {
  it("answers a browser's GET of a project page with the SPA's index.html (200)", async () => {
    for (const path of [`/projects/${PROJECT}`, `/projects/${PROJECT}/`, `/projects/${PROJECT}/settings`]) {
      const res = await call(path, { headers: HTML });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("Content-Type"), path).toMatch(/^text\/html/);
      const body = await res.text();
      expect(body, path).toContain('<div id="root">');
      expect(body, path).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
    }
  });

  it("answers HEAD like GET, without a body", async () => {
    const res = await call(`/projects/${PROJECT}/settings`, { method: "HEAD", headers: HTML });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await res.text()).toBe("");
  });

  it("keeps the JSON 404 for a request that does not ask for HTML", async () => {
    for (const accept of [undefined, "application/json", "*/*"]) {
      const res = await call(`/projects/${PROJECT}/settings`, accept === undefined ? {} : { headers: { Accept: accept } });
      expect(res.status, String(accept)).toBe(404);
      expect(await res.json(), String(accept)).toEqual({ error: "not found" });
    }
  });

  it("keeps the JSON 404 for other methods and for other prefixes", async () => {
    const post = await call(`/projects/${PROJECT}/settings`, { method: "POST", headers: HTML });
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({ error: "not found" });
    for (const path of ["/api/v3/no-such-thing", "/integrations/no-such-thing", "/projectsx/settings"]) {
      const res = await call(path, { headers: HTML });
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: "not found" });
    }
  });

  it("leaves the Worker's own routes under /projects/ to the Worker (Prometheus metrics)", async () => {
    const res = await call(`/projects/${PROJECT}/metrics/`, { headers: HTML });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "missing bearer token" });
  });
});
