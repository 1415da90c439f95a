// Links in alerts are always absolute (docs/alerts.md, "Links in alerts"): email needs SITE_ROOT,
// other kinds fall back to the check's own absolute origin, and without any the link is left out.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCheck } from "../../src/checks/client";
import { parseEmail, splitHeaders } from "../../src/ping/mime";
import { consume, flipped, loopbackEnv, received, receiver } from "./alert-helpers";
import { receivedMail, smtpVars } from "./email-helpers";
import { api, fetchWithVars, makeProject, recordAlerts, type TestProject } from "./helpers";

afterEach(() => vi.restoreAllMocks());

const address = () => `ops-${crypto.randomUUID()}@example.com`;

/** A verified email channel (verification off), attached to a new check created through the API at `host`. */
async function mailedCheck(p: TestProject, to: string, host = "http://localhost") {
  const post = (path: string, body: unknown) =>
    fetchWithVars({ EMAIL_USE_VERIFICATION: "false" }, `${host}/api/v3${path}`, {
      method: "POST",
      headers: { "X-Api-Key": p.api_key, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  const channel = (await (await post("/channels/", { name: "mail", kind: "email", value: to })).json<{ id: string }>()).id;
  const uuid = (await (await post("/checks/", { name: "backup", channels: channel })).json<{ uuid: string }>()).uuid;
  return { uuid, rec: await recordAlerts(uuid, false) };
}

const mailEnv = (vars: Record<string, string>): Env => ({ ...env, ...smtpVars(vars) }) as Env;

describe("email alerts", () => {
  it("without SITE_ROOT carry neither links nor List-Unsubscribe", async () => {
    const p = await makeProject();
    const to = address();
    const { uuid, rec } = await mailedCheck(p, to);
    await consume(await flipped(uuid, rec, "/fail"), { env: mailEnv({ SITE_ROOT: "" }) });
    const [mail] = await receivedMail(to);
    const { headers } = splitHeaders(mail!.raw);
    expect(headers.has("list-unsubscribe")).toBe(false);
    const parsed = parseEmail(new TextEncoder().encode(mail!.raw));
    expect(parsed.plain).not.toMatch(/\/checks\/|\/integrations\/|View in/);
    expect(mail!.raw).not.toMatch(/href="\//);
  });

  it("with SITE_ROOT link the dashboard page <SITE_ROOT>/checks/<uuid>/details/, whatever origin the check was created under", async () => {
    const p = await makeProject();
    const to = address();
    const { uuid, rec } = await mailedCheck(p, to, "http://internal.example:8787");
    await consume(await flipped(uuid, rec, "/fail"), { env: mailEnv({ SITE_ROOT: "https://checks.example.com/" }) });
    const [mail] = await receivedMail(to);
    expect(parseEmail(new TextEncoder().encode(mail!.raw)).plain).toContain(`View in edgechecks: https://checks.example.com/checks/${uuid}/details/`);
    expect(splitHeaders(mail!.raw).headers.get("list-unsubscribe")).toMatch(/^<https:\/\/checks\.example\.com\/integrations\/[^>]+\/unsubscribe\/[^>]+\/>$/);
    expect(mail!.raw).not.toContain("internal.example");
  });
});

describe("other alerts", () => {
  /** A Slack-format channel posting to the receiver, and a check attached to it whose object was configured with `origin`. */
  async function slackCheck(p: TestProject, box: string, origin: string) {
    const res = await api(p, "/channels/", { body: { name: "chat", kind: "mattermost", value: `${receiver}/${box}` } });
    expect(res.status).toBe(201);
    const channel = (await res.json<{ id: string }>()).id;
    // What an email ping or the sweeper leaves when SITE_ROOT is unset: an object configured without an origin.
    const row = await createCheck(env, p.id, { name: "backup" }, origin, [channel]);
    return { uuid: row.id, rec: await recordAlerts(row.id, false) };
  }

  it("with no absolute root known leave the link out instead of a relative one", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const { uuid, rec } = await slackCheck(p, box, "");
    await consume(await flipped(uuid, rec, "/fail"), { env: { ...loopbackEnv, SITE_ROOT: "" } as Env });
    const [req] = await received(box);
    const attachment = JSON.parse(req!.body).attachments[0];
    expect(attachment.title).toContain("backup");
    expect(attachment).not.toHaveProperty("title_link");
    expect(req!.body).not.toMatch(/"\/checks\//);
  });

  it("without SITE_ROOT use the check's own absolute origin", async () => {
    const p = await makeProject();
    const box = crypto.randomUUID();
    const { uuid, rec } = await slackCheck(p, box, "http://localhost:8787");
    await consume(await flipped(uuid, rec, "/fail"), { env: { ...loopbackEnv, SITE_ROOT: "" } as Env });
    const [req] = await received(box);
    expect(JSON.parse(req!.body).attachments[0].title_link).toBe(`http://localhost:8787/checks/${uuid}/details/`);
  });
});

describe("the SITE_ROOT warning", () => {
  // A fresh copy of the Worker's modules: a new isolate, whose first invocations this test sees.
  async function freshWorker() {
    vi.resetModules();
    return (await import("../../src/index")).default;
  }
  const status = async (worker: Awaited<ReturnType<typeof freshWorker>>, vars: Record<string, string>) => {
    const ctx = createExecutionContext();
    await worker.fetch(new Request("http://localhost/api/v3/status/"), { ...env, ...vars } as Env, ctx);
    await waitOnExecutionContext(ctx);
  };
  const warnings = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter((c) => String(c[0]).includes("SITE_ROOT is not set")).length;

  it("is logged once per isolate when SMTP_HOST is set and SITE_ROOT is empty", async () => {
    const worker = await freshWorker();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await status(worker, { SMTP_HOST: "smtp.example.com", SITE_ROOT: "" });
    await status(worker, { SMTP_HOST: "smtp.example.com", SITE_ROOT: "" });
    expect(warnings(warn)).toBe(1);
  });

  it("is logged when only PING_EMAIL_DOMAIN is set", async () => {
    const worker = await freshWorker();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await status(worker, { PING_EMAIL_DOMAIN: "mail.example.com", SITE_ROOT: "" });
    expect(warnings(warn)).toBe(1);
  });

  it("is not logged with SITE_ROOT set, nor without email", async () => {
    const worker = await freshWorker();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await status(worker, { SMTP_HOST: "smtp.example.com", PING_EMAIL_DOMAIN: "mail.example.com", SITE_ROOT: "https://checks.example.com" });
    await status(worker, { SMTP_HOST: "", PING_EMAIL_DOMAIN: "", SITE_ROOT: "" });
    expect(warnings(warn)).toBe(0);
  });
});
