// Reference §5 cases 1-32: the ping protocol by uuid, through the Worker's HTTP interface.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, fetchWithVars, makeCheck, patchState, pings, stub, view } from "./helpers";

const HOUR = 3600_000;
const bytes = (s: string) => new TextEncoder().encode(s);


async function body(id: string, n: number): Promise<string | null> {
  const b = await stub(id).pingBody(n);
  return b === null ? null : new TextDecoder().decode(b as Uint8Array);
}

describe("ping by uuid", () => {
  it("1. works on a new check: 200 OK, CORS, body limit header, state and ping row", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Ping-Body-Limit")).toBe("10000");
    const v = await view(id);
    expect(v.state).toMatchObject({ n_pings: 1, status: "up" });
    expect(v.alert_after).toBe(v.state.last_ping! + 25 * HOUR);
    const [p] = await pings(id);
    expect(p).toMatchObject({ n: 1, scheme: "http", kind: "success", created: v.state.last_ping, exitstatus: null });
  });

  it("2. changes the status of a paused check", async () => {
    const { id, stub: s } = await makeCheck();
    await s.pause();
    await call(`/ping/${id}`);
    expect((await view(id)).state.status).toBe("up");
  });

  it("3. clears last_start", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start`);
    expect((await view(id)).state.last_start).not.toBeNull();
    await call(`/ping/${id}`);
    expect((await view(id)).state.last_start).toBeNull();
  });

  it("4. POST stores the method and body", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`, { method: "POST", body: "hello world", headers: { "Content-Type": "text/plain" } });
    const [p] = await pings(id);
    expect(p!.method).toBe("POST");
    expect(await body(id, 1)).toBe("hello world");
  });

  it("5. HEAD works and stores exactly one ping", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await pings(id)).toHaveLength(1);
    expect((await pings(id))[0]!.method).toBe("HEAD");
  });

  it("5b. any other method (OPTIONS, PUT, DELETE) is an ordinary ping", async () => {
    const { id } = await makeCheck();
    for (const method of ["OPTIONS", "PUT", "DELETE", "PATCH"]) {
      expect((await call(`/ping/${id}`, { method })).status).toBe(200);
    }
    expect((await pings(id)).map((p) => p.method)).toEqual(["PATCH", "DELETE", "PUT", "OPTIONS"]);
  });

  it("6. rejects malformed and dashless uuids", async () => {
    expect((await call("/ping/not-uuid/")).status).toBe(404);
    expect((await call("/ping/07c2f54898504b27af5d6c9dc157ec02/")).status).toBe(404);
  });

  it("a check whose object lost its configuration is configured from the catalog on its next ping", async () => {
    const { id } = await makeCheck({ name: "nightly", timeout: 3600 });
    await runInDurableObject(stub(id), (_instance, state) => state.storage.deleteAll());
    await evictDurableObject(stub(id));
    expect(await stub(id).state()).toBeNull();
    const res = await call(`/ping/${id}`);
    expect(res.status).toBe(200);
    const v = await view(id);
    expect(v.config).toMatchObject({ id, name: "nightly", timeout: 3600 });
    expect(v.state).toMatchObject({ status: "up", n_pings: 1 });
  });

  it("7. answers 404 `not found` for an unknown uuid", async () => {
    const res = await call(`/ping/${crypto.randomUUID()}/`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe("not found");
    expect(res.headers.get("Cache-Control")).toContain("no-cache");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("8. truncates a long user agent to 200 chars and keeps a short one", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`, { headers: { "User-Agent": "a".repeat(330) } });
    await call(`/ping/${id}`, { headers: { "User-Agent": "b".repeat(120) } });
    const [second, first] = await pings(id);
    expect(first!.ua).toBe("a".repeat(200));
    expect(second!.ua).toBe("b".repeat(120));
  });

  it("9. reads X-Forwarded-For as Healthchecks does", async () => {
    const { id } = await makeCheck();
    const cases: [string, string][] = [
      ["1.1.1.1, 2.2.2.2", "1.1.1.1"],
      ["1.1.1.1:1234", "1.1.1.1"],
      ["::ffff:1.1.1.1", "::ffff:1.1.1.1"],
      ["2001::1", "2001::1"],
    ];
    for (const [header] of cases) await call(`/ping/${id}`, { headers: { "X-Forwarded-For": header } });
    const stored = (await pings(id)).reverse().map((p) => p.remote_addr);
    expect(stored).toEqual(cases.map(([, expected]) => expected));
  });

  it("9b. prefers CF-Connecting-IP over X-Forwarded-For", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`, { headers: { "CF-Connecting-IP": "9.9.9.9", "X-Forwarded-For": "1.1.1.1" } });
    expect((await pings(id))[0]!.remote_addr).toBe("9.9.9.9");
  });

  it("10. reads X-Forwarded-Proto into the scheme", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`, { headers: { "X-Forwarded-Proto": "https" } });
    expect((await pings(id))[0]!.scheme).toBe("https");
  });

  it("11. never caches", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}`);
    expect(res.headers.get("Cache-Control")).toBe("max-age=0, no-cache, no-store, must-revalidate, private");
    expect(res.headers.get("Expires")).not.toBeNull();
  });

  it("12. sets has_confirmation_link from the body", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`, { method: "POST", body: "Please Confirm ..." });
    expect((await view(id)).state.has_confirmation_link).toBe(true);
    await call(`/ping/${id}`, { method: "POST", body: "nothing here" });
    expect((await view(id)).state.has_confirmation_link).toBe(false);
  });

  it("13. /fail makes a new check down with a `fail` flip", async () => {
    const { id, stub: s } = await makeCheck();
    const res = await call(`/ping/${id}/fail`);
    expect(res.status).toBe(200);
    const v = await view(id);
    expect(v.state.status).toBe("down");
    expect(v.alert_after).toBeNull();
    expect((await pings(id))[0]!.kind).toBe("fail");
    const flips = (await s.flips())!;
    expect(flips).toHaveLength(1);
    expect(flips[0]).toMatchObject({ old_status: "new", new_status: "down", reason: "fail" });
  });

  it("14. /start sets last_start and leaves last_ping alone", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}`);
    const twoHoursAgo = Date.now() - 2 * HOUR;
    await patchState(id, { last_ping: twoHoursAgo });
    await call(`/ping/${id}/start`);
    const v = await view(id);
    expect(v.state.last_start).not.toBeNull();
    expect(v.state.last_ping).toBe(twoHoursAgo);
    expect((await pings(id))[0]!.kind).toBe("start");
  });

  it("15. /start does not change the status of a paused check", async () => {
    const { id, stub: s } = await makeCheck();
    await s.pause();
    await call(`/ping/${id}/start`);
    const v = await view(id);
    expect(v.state.last_start).not.toBeNull();
    expect(v.state.status).toBe("paused");
  });

  it("16. /start?rid stores the run id, uppercase accepted and normalised", async () => {
    const { id } = await makeCheck();
    const rid = crypto.randomUUID();
    await call(`/ping/${id}/start?rid=${rid.toUpperCase()}`);
    expect((await view(id)).state.last_start_rid).toBe(rid);
    expect((await pings(id))[0]!.rid).toBe(rid);
  });

  it("17. sets last_duration from a start without rids", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start`);
    await patchState(id, { last_start: Date.now() - 10_000 });
    await call(`/ping/${id}`);
    expect((await view(id)).state.last_duration).toBeGreaterThanOrEqual(10_000);
  });

  it("18. keeps the run going when a success carries another rid", async () => {
    const { id } = await makeCheck();
    const a = crypto.randomUUID();
    await call(`/ping/${id}/start?rid=${a}`);
    const started = (await view(id)).state.last_start;
    await call(`/ping/${id}?rid=${crypto.randomUUID()}`);
    const v = await view(id);
    expect(v.state.last_start).toBe(started);
    expect(v.state.last_duration).toBeNull();
  });

  it("19. ends the run and sets the duration when the rid matches", async () => {
    const { id } = await makeCheck();
    const a = crypto.randomUUID();
    await call(`/ping/${id}/start?rid=${a}`);
    await patchState(id, { last_start: Date.now() - 10_000 });
    await call(`/ping/${id}?rid=${a}`);
    const v = await view(id);
    expect(v.state.last_start).toBeNull();
    expect(v.state.last_duration).toBeGreaterThanOrEqual(10_000);
  });

  it("20. ends the run without a duration when the success has no rid", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start?rid=${crypto.randomUUID()}`);
    await call(`/ping/${id}`);
    const v = await view(id);
    expect(v.state.last_start).toBeNull();
    expect(v.state.last_duration).toBeNull();
  });

  it("21. a failure with another rid ends the run without a duration", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/start?rid=${crypto.randomUUID()}`);
    await call(`/ping/${id}/fail?rid=${crypto.randomUUID()}`);
    const v = await view(id);
    expect(v.state.last_start).toBeNull();
    expect(v.state.last_duration).toBeNull();
  });

  it("22. methods=POST ignores a GET", async () => {
    const { id } = await makeCheck({ methods: "POST" });
    expect((await call(`/ping/${id}`)).status).toBe(200);
    const v = await view(id);
    expect(v.state.status).toBe("new");
    expect(v.state.last_ping).toBeNull();
    expect((await pings(id))[0]!.kind).toBe("ign");
  });

  it("23. truncates the body to PING_BODY_LIMIT and announces it", async () => {
    const { id } = await makeCheck();
    const res = await fetchWithVars({ PING_BODY_LIMIT: "5" }, `/ping/${id}`, { method: "POST", body: "hello world" });
    expect(res.headers.get("Ping-Body-Limit")).toBe("5");
    expect(await body(id, 1)).toBe("hello");
  });

  it("23b. PING_BODY_LIMIT=none stores a 20000-byte body whole and sends no header", async () => {
    const { id } = await makeCheck();
    const res = await fetchWithVars({ PING_BODY_LIMIT: "none" }, `/ping/${id}`, { method: "POST", body: "x".repeat(20_000) });
    expect(res.headers.get("Ping-Body-Limit")).toBeNull();
    expect(await body(id, 1)).toHaveLength(20_000);
  });

  it("23c. drains a body far above the limit and keeps only the limit", async () => {
    const { id } = await makeCheck();
    const res = await call(`/ping/${id}`, { method: "POST", body: new Uint8Array(2_000_000).fill(65) });
    expect(res.status).toBe(200);
    expect((await pings(id))[0]!.body_size).toBe(10_000);
  });

  it("24. manual_resume keeps a paused check paused, even with a success keyword", async () => {
    const { id, stub: s } = await makeCheck({ manual_resume: true, filter_http_body: true, success_kw: "SUCCESS" });
    await s.pause();
    await call(`/ping/${id}`);
    await call(`/ping/${id}`, { method: "POST", body: "SUCCESS" });
    expect((await view(id)).state.status).toBe("paused");
    expect((await pings(id)).map((p) => p.kind)).toEqual(["ign", "ign"]);
  });

  it("25. exit status 0 is success, 1-255 failure, above 255 is refused", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/0`);
    let v = await view(id);
    expect(v.state.status).toBe("up");
    expect((await pings(id))[0]).toMatchObject({ kind: "success", exitstatus: 0 });
    await call(`/ping/${id}/123`);
    v = await view(id);
    expect(v.state.status).toBe("down");
    expect((await pings(id))[0]).toMatchObject({ kind: "fail", exitstatus: 123 });
    const res = await call(`/ping/${id}/256`);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("invalid url format");
    expect((await view(id)).state.n_pings).toBe(2);
  });

  it("25b. leading zeros in the exit status are read as a number", async () => {
    const { id } = await makeCheck();
    await call(`/ping/${id}/007`);
    expect((await pings(id))[0]).toMatchObject({ kind: "fail", exitstatus: 7 });
  });

  it("26. accepts and stores invalid UTF-8 verbatim", async () => {
    const { id } = await makeCheck();
    const raw = new Uint8Array([...bytes("Hello "), 0xe9, ...bytes(" World")]);
    expect((await call(`/ping/${id}`, { method: "POST", body: raw })).status).toBe(200);
    expect(Array.from((await stub(id).pingBody(1)) as Uint8Array)).toEqual(Array.from(raw));
  });

  it("27. /log records a ping without changing status", async () => {
    const { id, stub: s } = await makeCheck();
    await call(`/ping/${id}/log`, { method: "POST", body: "hello" });
    const v = await view(id);
    expect(v.state.status).toBe("new");
    expect(v.alert_after).toBeNull();
    expect(v.state.last_ping).toBeNull();
    expect((await pings(id))[0]!.kind).toBe("log");
    expect(await body(id, 1)).toBe("hello");
    expect(await s.flips()).toEqual([]);
  });

  it("28. rejects invalid run ids with 400 `invalid uuid format`", async () => {
    const { id } = await makeCheck();
    for (const rid of ["12345", "684e2e73-017e-465f-8149-d70b7c5aaa490", ""]) {
      const res = await call(`/ping/${id}/start?rid=${rid}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toBe("invalid uuid format");
    }
    expect((await view(id)).state.n_pings).toBe(0);
  });

  it("28b. uses the last of repeated rid parameters", async () => {
    const { id } = await makeCheck();
    const rid = crypto.randomUUID();
    await call(`/ping/${id}/start?rid=bad&rid=${rid}`);
    expect((await view(id)).state.last_start_rid).toBe(rid);
  });

  it("29. success keyword: a match succeeds, a miss is ignored", async () => {
    const { id } = await makeCheck({ filter_http_body: true, success_kw: "SUCCESS" });
    await call(`/ping/${id}`, { method: "POST", body: "SUCCESS!" });
    await call(`/ping/${id}`, { method: "POST", body: "hello world" });
    expect((await pings(id)).map((p) => p.kind)).toEqual(["ign", "success"]);
  });

  it("30. failure and start keywords", async () => {
    const { id } = await makeCheck({ filter_http_body: true, failure_kw: "FAIL", start_kw: "START" });
    await call(`/ping/${id}`, { method: "POST", body: "FAIL!" });
    await call(`/ping/${id}`, { method: "POST", body: "---" });
    await call(`/ping/${id}`, { method: "POST", body: "STARTING" });
    expect((await pings(id)).map((p) => p.kind)).toEqual(["start", "ign", "fail"]);
  });

  it("30b. keywords are comma-separated, trimmed and case-sensitive; they override the URL action", async () => {
    const { id } = await makeCheck({ filter_http_body: true, failure_kw: " oops , ERROR " });
    await call(`/ping/${id}/start`, { method: "POST", body: "an ERROR happened" });
    await call(`/ping/${id}/log`, { method: "POST", body: "error in lowercase" });
    expect((await pings(id)).map((p) => p.kind)).toEqual(["ign", "fail"]);
  });

  it("31. methods beat keywords; default-fail fails a body without keywords", async () => {
    const a = await makeCheck({ filter_http_body: true, filter_default_fail: true, methods: "POST" });
    await call(`/ping/${a.id}`);
    expect((await pings(a.id))[0]!.kind).toBe("ign");
    const b = await makeCheck({ filter_http_body: true, filter_default_fail: true, success_kw: "SUCCESS" });
    await call(`/ping/${b.id}`, { method: "POST", body: "no keywords" });
    expect((await pings(b.id))[0]!.kind).toBe("fail");
  });

  it("32. email filters are ignored for HTTP pings", async () => {
    const { id } = await makeCheck({ filter_subject: true, success_kw: "SUCCESS", filter_default_fail: true });
    await call(`/ping/${id}`);
    expect((await pings(id))[0]!.kind).toBe("success");
  });
});
