// Without SECRET_KEY the Worker would sign and hash with a constant anyone can read in the source:
// off loopback it then serves nothing but the readiness probe.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config } from "../../src/config";
import { handleEmail } from "../../src/ping/email";
import { fetchWithVars, makeCheck, makeProject, pings } from "./helpers";

const NO_KEY = { SECRET_KEY: "" };
const PUBLIC = "https://checks.example.com";

describe("SECRET_KEY unset, request to a public host", () => {
  it("the Management API answers 503 with a JSON error naming SECRET_KEY", async () => {
    const p = await makeProject();
    const res = await fetchWithVars(NO_KEY, `${PUBLIC}/api/v3/checks/`, { headers: { "X-Api-Key": p.api_key } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/^SECRET_KEY is not set; /);
  });

  it("a ping URL answers 503 in plain text and records nothing", async () => {
    const { id } = await makeCheck();
    const res = await fetchWithVars(NO_KEY, `${PUBLIC}/ping/${id}`);
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^SECRET_KEY is not set/);
    expect(await pings(id)).toEqual([]);
  });

  it("the admin API answers 503", async () => {
    const res = await fetchWithVars(NO_KEY, `${PUBLIC}/admin/v1/projects`, {
      method: "POST",
      headers: { Authorization: "Bearer test-admin-token", "Content-Type": "application/json" },
      body: JSON.stringify({ name: "x" }),
    });
    expect(res.status).toBe(503);
  });

  it("a client-supplied Host or X-Forwarded-For header does not make it loopback", async () => {
    const res = await fetchWithVars(NO_KEY, `${PUBLIC}/api/v3/checks/`, {
      headers: { Host: "localhost", "X-Forwarded-For": "127.0.0.1", "CF-Connecting-IP": "127.0.0.1" },
    });
    expect(res.status).toBe(503);
  });

  it("the readiness probe /api/v3/status/ still answers 200", async () => {
    const res = await fetchWithVars(NO_KEY, `${PUBLIC}/api/v3/status/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });
});

describe("SECRET_KEY unset, local runs", () => {
  for (const host of ["localhost", "127.0.0.1", "[::1]", "localhost:8787"]) {
    it(`a request to http://${host} is served (wrangler dev)`, async () => {
      const { id } = await makeCheck();
      const res = await fetchWithVars(NO_KEY, `http://${host}/ping/${id}`);
      expect(res.status).toBe(200);
      expect(await pings(id)).toHaveLength(1);
    });
  }
});

describe("SECRET_KEY unset, email pings on a public deployment", () => {
  it("are rejected and not recorded", async () => {
    const { id } = await makeCheck();
    let rejected: string | null = null;
    const raw = new Response("Subject: hi\r\n\r\nbody\r\n").body!;
    await handleEmail(
      { from: "cron@example.org", to: `${id}@mail.example.com`, raw, setReject: (r: string) => void (rejected = r) },
      { ...env, SECRET_KEY: "", SITE_ROOT: PUBLIC, PING_EMAIL_DOMAIN: "mail.example.com" } as Env,
    );
    expect(rejected).toMatch(/SECRET_KEY/);
    expect(await pings(id)).toEqual([]);
  });

  it("are accepted when SECRET_KEY is set (the same message)", async () => {
    const { id } = await makeCheck();
    let rejected: string | null = null;
    const raw = new Response("Subject: hi\r\n\r\nbody\r\n").body!;
    await handleEmail(
      { from: "cron@example.org", to: `${id}@mail.example.com`, raw, setReject: (r: string) => void (rejected = r) },
      { ...env, SITE_ROOT: PUBLIC, PING_EMAIL_DOMAIN: "mail.example.com" } as Env,
    );
    expect(rejected).toBeNull();
    expect(await pings(id)).toHaveLength(1);
  });
});

describe("the key the queue and email handlers sign with when SECRET_KEY is unset", () => {
  const PUBLIC_CONSTANT = "edgechecks-insecure-local-secret-key";

  it("on a public deployment (SITE_ROOT public) it is not the constant from the source, and stays the same", () => {
    const e = { ...env, SECRET_KEY: "", SITE_ROOT: PUBLIC } as Env;
    const key = config(e).secretKey;
    expect(key).not.toBe(PUBLIC_CONSTANT);
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(config(e).secretKey).toBe(key);
  });

  it("on a local run (SITE_ROOT empty or loopback) it is the constant, so local links keep working", () => {
    for (const SITE_ROOT of ["", "http://localhost:8787", "http://127.0.0.1:8787"]) {
      expect(config({ ...env, SECRET_KEY: "", SITE_ROOT } as Env).secretKey, SITE_ROOT).toBe(PUBLIC_CONSTANT);
    }
  });
});
