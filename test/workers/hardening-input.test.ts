// Issue 13 hardening: request bodies that are not UTF-8, and inputs longer than the schemas and
// columns accept — each answered with a clean 4xx that leaves stored data as it was.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api, call, makeCheck, makeProject, pings, type TestProject } from "./helpers";

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

describe("inputs longer than the stored columns accept", () => {
  const long = (n: number) => "a".repeat(n);
  const listNames = async (p: TestProject) =>
    ((await (await api(p, "/checks/")).json()) as { checks: { name: string }[] }).checks.map((c) => c.name);

  it("a slug ping with create=1 and a slug over 100 characters is 400 invalid url format and creates nothing", async () => {
    const p = await makeProject();
    for (const n of [101, 150, 5000]) {
      const res = await call(`/ping/${p.ping_key}/${long(n)}?create=1`);
      expect({ n, status: res.status, text: await res.text() }).toEqual({ n, status: 400, text: "invalid url format" });
    }
    expect(await listNames(p)).toEqual([]);
  });

  it("a slug ping with create=1 and a 100-character slug creates the check", async () => {
    const p = await makeProject();
    const res = await call(`/ping/${p.ping_key}/${long(100)}?create=1`);
    expect([res.status, await res.text()]).toEqual([201, "Created"]);
    expect(await listNames(p)).toEqual([long(100)]);
  });

  it("a slug ping without create and a slug over 100 characters is 404 not found", async () => {
    const p = await makeProject();
    const res = await call(`/ping/${p.ping_key}/${long(5000)}/fail`);
    expect([res.status, await res.text()]).toEqual([404, "not found"]);
  });

  it("a long User-Agent is stored cut, the ping still recorded", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}`, { headers: { "User-Agent": "u".repeat(100_000) } });
    expect(res.status).toBe(200);
    const [ping] = await pings(id);
    expect(ping!.ua.length).toBeLessThanOrEqual(200);
  });

  it("a long rid is 400 invalid uuid format and records nothing", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}?rid=${long(5000)}`);
    expect([res.status, await res.text()]).toEqual([400, "invalid uuid format"]);
    expect(await pings(id)).toEqual([]);
  });

  it("a long exit status is 400 invalid url format", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}/${"9".repeat(5000)}`);
    expect([res.status, await res.text()]).toEqual([400, "invalid url format"]);
  });

  it("a long ping key is 404 not found, with or without create", async () => {
    for (const q of ["", "?create=1"]) {
      const res = await call(`/ping/${"k".repeat(5000)}/job${q}`);
      expect([res.status, await res.text()]).toEqual([404, "not found"]);
    }
  });

  it("API fields over their limits are 400 and leave the check as it was", async () => {
    const { id, project } = await makeCheck({ name: "kept", tags: "t", desc: "d" });
    const cases: [Record<string, string>, string][] = [
      [{ name: long(101) }, "name is too long"],
      [{ slug: long(101) }, "slug is too long"],
      [{ tags: long(501) }, "tags is too long"],
      [{ desc: long(10_001) }, "desc is too long"],
      [{ schedule: long(101) }, "schedule is too long"],
      [{ tz: long(37) }, "tz is too long"],
      [{ channels: long(10_001) }, "channels is too long"],
      [{ success_kw: long(201) }, "success_kw is too long"],
    ];
    for (const [body, message] of cases) {
      for (const path of ["/checks/", `/checks/${id}`]) {
        const res = await api(project, path, { body });
        expect({ path, body: Object.keys(body), status: res.status, json: await res.json() }).toEqual({
          path,
          body: Object.keys(body),
          status: 400,
          json: { error: `json validation error: ${message}` },
        });
      }
    }
    const after = (await (await api(project, `/checks/${id}`)).json()) as Record<string, unknown>;
    expect([after.name, after.tags, after.desc]).toEqual(["kept", "t", "d"]);
    expect(await listNames(project)).toEqual(["kept"]);
  });

  it("a long channel name is 400 and creates no channel", async () => {
    const p = await makeProject();
    const res = await api(p, "/channels/", { body: { kind: "webhook", name: long(5000), value: { url_down: "https://x.test/" } } });
    expect(res.status).toBe(400);
    expect(((await (await api(p, "/channels/")).json()) as { channels: unknown[] }).channels).toEqual([]);
  });

  it("a long project name on the admin API is 400", async () => {
    const res = await call("/admin/v1/projects", { method: "POST", headers: ADMIN, body: JSON.stringify({ name: long(201) }) });
    expect([res.status, await res.json()]).toEqual([400, { error: "json validation error: name is too long" }]);
  });

  it("a long check id, API key or badge path is a clean 4xx", async () => {
    const p = await makeProject();
    expect((await api(p, `/checks/${long(5000)}`)).status).toBe(404);
    expect((await call("/api/v3/checks/", { headers: { "X-Api-Key": "k".repeat(100_000) } })).status).toBe(401);
    expect((await call(`/badge/${long(5000)}/${long(5000)}.svg`)).status).toBe(404);
  });
});
