// The pure ping classifier and client-info parsing.
import { describe, expect, it } from "vitest";
import { classifyEmail, classifyPing, matchKeywords, normaliseRid } from "../../src/checks/classify";
import { remoteAddress } from "../../src/ping/client-info";
import { matchPingRoute } from "../../src/ping/routes";

const base = { methods: "" as const, filter_http_body: false, filter_default_fail: false, start_kw: "", success_kw: "", failure_kw: "" };
const empty = new Uint8Array();

describe("matchKeywords", () => {
  it("matches case-sensitive substrings of trimmed comma-separated keywords", () => {
    expect(matchKeywords("all OK here", " foo , OK ")).toBe(true);
    expect(matchKeywords("all ok here", "OK")).toBe(false);
  });
  it("never matches empty keywords", () => expect(matchKeywords("anything", " , ,")).toBe(false));
});

describe("classifyPing", () => {
  it("a non-zero exit status fails, zero succeeds", () => {
    expect(classifyPing(base, "success", 3, "GET", empty)).toBe("fail");
    expect(classifyPing(base, "success", 0, "GET", empty)).toBe("success");
  });
  it("HEAD is not POST for methods=POST", () =>
    expect(classifyPing({ ...base, methods: "POST" }, "success", null, "HEAD", empty)).toBe("ign"));
  it("failure keywords win over success and start", () => {
    const cfg = { ...base, filter_http_body: true, failure_kw: "F", success_kw: "S", start_kw: "T" };
    expect(classifyPing(cfg, "success", null, "POST", new TextEncoder().encode("F S T"))).toBe("fail");
    expect(classifyPing(cfg, "success", null, "POST", new TextEncoder().encode("S T"))).toBe("success");
  });
  it("a body cut inside a multi-byte character is still classified", () => {
    const cfg = { ...base, filter_http_body: true, success_kw: "done" };
    expect(classifyPing(cfg, "success", null, "POST", new Uint8Array([100, 111, 110, 101, 0xe2, 0x82]))).toBe("success");
  });
});

describe("normaliseRid", () => {
  it("accepts any case and lowercases", () =>
    expect(normaliseRid("684E2E73-017E-465F-8149-D70B7C5AAA49")).toBe("684e2e73-017e-465f-8149-d70b7c5aaa49"));
  it("rejects a trailing newline (Healthchecks answers 500 there)", () =>
    expect(normaliseRid("684e2e73-017e-465f-8149-d70b7c5aaa49\n")).toBeUndefined());
});

describe("remoteAddress", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it("ignores junk instead of storing it", () => expect(remoteAddress(h({ "X-Forwarded-For": "unknown" }))).toBeNull());
  it("looks only at the first entry", () => expect(remoteAddress(h({ "X-Forwarded-For": "junk, 1.1.1.1" }))).toBeNull());
  it("falls back to X-Forwarded-For when CF-Connecting-IP is junk", () =>
    expect(remoteAddress(h({ "CF-Connecting-IP": "x", "X-Forwarded-For": "2.2.2.2" }))).toBe("2.2.2.2"));
});

describe("matchPingRoute", () => {
  const u = "07c2f548-9850-4b27-af5d-6c9dc157ec02";
  it("follows Healthchecks' route order", () => {
    expect(matchPingRoute(`/ping/${u}`)).toMatchObject({ kind: "uuid", action: "success" });
    expect(matchPingRoute(`/ping/${u}/`)).toMatchObject({ kind: "uuid", action: "success" });
    expect(matchPingRoute(`/ping/${u}/log`)).toMatchObject({ kind: "uuid", action: "log" });
    expect(matchPingRoute(`/ping/${u}/42`)).toMatchObject({ kind: "uuid", exitStatus: 42 });
    expect(matchPingRoute(`/ping/${u}/foo`)).toMatchObject({ kind: "slug", pingKey: u, slug: "foo" });
    expect(matchPingRoute(`/ping/${u.toUpperCase()}/fail`)).toMatchObject({ kind: "slug", slug: "fail" });
  });
  it("has no route for trailing slashes after an action or slug", () => {
    expect(matchPingRoute(`/ping/${u}/fail/`)).toBeNull();
    expect(matchPingRoute("/ping/key/slug/")).toBeNull();
    expect(matchPingRoute(`/ping/${u.toUpperCase()}`)).toBeNull();
  });
});

describe("classifyEmail", () => {
  const kw = { filter_default_fail: false, start_kw: "", success_kw: "OK", failure_kw: "ERROR" };
  it("is a success when no email filter is on", () =>
    expect(classifyEmail({ ...kw, filter_subject: false, filter_body: false }, "ERROR", "ERROR")).toBe("success"));
  it("matches keywords in the subject only when filter_subject is on", () => {
    expect(classifyEmail({ ...kw, filter_subject: true, filter_body: false }, "backup ERROR", "OK")).toBe("fail");
    expect(classifyEmail({ ...kw, filter_subject: true, filter_body: false }, "backup", "ERROR")).toBe("ign");
  });
  it("matches keywords in the body when filter_body is on", () =>
    expect(classifyEmail({ ...kw, filter_subject: false, filter_body: true }, "ERROR", "all OK")).toBe("success"));
  it("fails with default-fail when nothing matches", () =>
    expect(classifyEmail({ ...kw, filter_default_fail: true, filter_subject: true, filter_body: true }, "x", "y")).toBe("fail"));
});
