// Issue 13 hardening: request bodies that are not UTF-8, and inputs longer than the schemas and
// columns accept — each answered with a clean 4xx that leaves stored data as it was.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api, call, makeCheck, makeProject, type TestProject } from "./helpers";

/** POSTs raw bytes to the Management API with the project's read-write key. */
function postBytes(p: TestProject, path: string, body: Uint8Array): Promise<Response> {
  return call(`/api/v3${path}`, { method: "POST", headers: { "X-Api-Key": p.api_key, "Content-Type": "application/json" }, body });
}

/** `{"name": "<bytes>"}` where the name holds a byte sequence that is not UTF-8 (a lone 0xff). */
function nonUtf8Json(field = "name"): Uint8Array {
  const enc = new TextEncoder();
  return new Uint8Array([...enc.encode(`{"${field}": "a`), 0xff, 0xfe, ...enc.encode(`b"}`)]);
}

describe("JSON bodies that are not valid UTF-8", () => {
  it("creating a check answers 400 could not parse request body and creates nothing", async () => {
    const p = await makeProject();
    const res = await postBytes(p, "/checks/", nonUtf8Json());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "could not parse request body" });
    const list = (await (await api(p, "/checks/")).json()) as { checks: unknown[] };
    expect(list.checks).toEqual([]);
  });

  it("updating a check answers 400 and leaves its name as it was", async () => {
    const { id, project } = await makeCheck({ name: "before" });
    const res = await postBytes(project, `/checks/${id}`, nonUtf8Json());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "could not parse request body" });
    expect(((await (await api(project, `/checks/${id}`)).json()) as { name: string }).name).toBe("before");
  });

  it("creating a channel answers 400", async () => {
    const p = await makeProject();
    const res = await postBytes(p, "/channels/", nonUtf8Json());
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "could not parse request body" });
  });

  it("the admin API answers 400 too", async () => {
    const res = await call("/admin/v1/projects", { method: "POST", headers: ADMIN, body: nonUtf8Json() });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "could not parse request body" });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM projects WHERE name LIKE 'a%b'").first("n")).toBe(0);
  });
});
