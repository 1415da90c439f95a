// Reference §6 and malformed ping URLs: each gets its 4xx (or a safe 200) and changes nothing.
import { describe, expect, it } from "vitest";
import { call, makeCheck, pings, view } from "./helpers";

describe("malformed ping URLs change nothing", () => {
  it("answers each malformed form with its status and body", async () => {
    const { id, project } = await makeCheck({ slug: "job" });
    const cases: [string, number, string | null][] = [
      ["/ping/not-uuid/", 404, null],
      [`/ping/${id.replaceAll("-", "")}/`, 404, null],
      [`/ping/${id.toUpperCase()}`, 404, null],
      [`/ping/${id.toUpperCase()}/fail`, 404, "not found"],
      [`/ping/${id}/fail/`, 404, null],
      [`/ping/${id}/foo`, 404, "not found"],
      [`/ping/${id}/256`, 400, "invalid url format"],
      [`/ping/${id}/99999999999999999999`, 400, "invalid url format"],
      [`/ping/${id}/-1`, 404, "not found"],
      [`/ping/${id}?rid=12345`, 400, "invalid uuid format"],
      [`/ping/${id}?rid=${crypto.randomUUID()}%0A`, 400, "invalid uuid format"],
      [`/ping/${project.ping_key}/job/`, 404, null],
      [`/ping/${project.ping_key}/JOB`, 400, "invalid url format"],
      [`/ping/${project.ping_key}/job/300`, 400, "invalid url format"],
      [`/ping/${project.ping_key}/job?rid=x`, 400, "invalid uuid format"],
      [`/ping/${project.ping_key}/j%20b`, 404, null],
      ["/ping/", 404, null],
      ["/ping", 404, null],
    ];
    for (const [path, status, body] of cases) {
      const res = await call(path);
      expect({ path, status: res.status }).toEqual({ path, status });
      const text = await res.text();
      if (body !== null) expect({ path, text }).toEqual({ path, text: body });
    }
    const v = await view(id);
    expect(v.state.n_pings).toBe(0);
    expect(v.state.status).toBe("new");
  });

  it("refuses a declared Content-Length above 2.5 MB with 413 without storing anything", async () => {
    const { id } = await makeCheck();
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(10));
        c.close();
      },
    });
    const res = await call(`/ping/${id}`, { method: "POST", body: stream, headers: { "Content-Length": "3000000" } });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe("request body too large");
    expect((await view(id)).state.n_pings).toBe(0);
  });

  it("refuses a streamed body above 2.5 MB with 413", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}`, { method: "POST", body: new Uint8Array(2_700_000) });
    expect(res.status).toBe(413);
    expect((await view(id)).state.n_pings).toBe(0);
  });
});

describe("inputs Healthchecks answers with a 500", () => {
  it("stores no address for a junk X-Forwarded-For instead of failing", async () => {
    const { id } = await makeCheck();
    expect((await call(`/ping/${id}`, { headers: { "X-Forwarded-For": "unknown" } })).status).toBe(200);
    expect((await pings(id))[0]!.remote_addr).toBeNull();
  });

  it("truncates a long X-Forwarded-Proto and method to 10 characters", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`, { headers: { "X-Forwarded-Proto": "https-but-much-longer" } });
    expect((await pings(id))[0]!.scheme).toBe("https-but-");
  });

  it("classifies a body cut inside a UTF-8 character instead of failing", async () => {
    const { id } = await makeCheck({ filter_http_body: true, success_kw: "ok" });
    const body = new Uint8Array([...new TextEncoder().encode("ok "), 0xe2, 0x82]);
    expect((await call(`/ping/${id}`, { method: "POST", body })).status).toBe(200);
    expect((await pings(id))[0]!.kind).toBe("success");
  });
});
