// Email channels confirm their address by link before they get alerts, and alert emails carry a
// one-click unsubscribe: through the Worker's own fetch and queue handlers, with the verification
// and alert mails going to the real SMTP server of test/setup/smtp.ts.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { unsubscribeToken, verifyToken } from "../../src/alerts/email-links";
import { config } from "../../src/config";
import { parseEmail, splitHeaders } from "../../src/ping/mime";
import { checkWith, consume, flipped } from "./alert-helpers";
import { receivedMail, smtpVars as sharedSmtpVars } from "./email-helpers";
import { api, call, fetchWithVars, makeProject, openVerifyLink, type TestProject } from "./helpers";

const FROM = "alerts@edgechecks.test";
const SECRET = config(env).secretKey;
const received = receivedMail;
const smtpVars = (o: Record<string, string> = {}) => sharedSmtpVars({ DEFAULT_FROM_EMAIL: FROM, ...o });
const smtpEnv = (): Env => ({ ...env, ...smtpVars() });

const address = (prefix = "ops") => `${prefix}-${crypto.randomUUID()}@example.com`;
const text = (raw: string) => parseEmail(new TextEncoder().encode(raw));

/** A Management API POST through the Worker with SMTP configured; background mail is sent before it returns. */
function apiWithSmtp(key: string, path: string, body: unknown, vars: Record<string, string> = {}): Promise<Response> {
  return fetchWithVars(smtpVars(vars), `/api/v3${path}`, {
    method: "POST",
    headers: { "X-Api-Key": key, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function createEmail(p: TestProject, to: string, vars: Record<string, string> = {}): Promise<string> {
  const res = await apiWithSmtp(p.api_key, "/channels/", { name: "mail", kind: "email", value: to }, vars);
  expect(res.status).toBe(201);
  const created = await res.json<{ id: string; name: string; kind: string }>();
  expect(created).toEqual({ id: expect.any(String), name: "mail", kind: "email" });
  return created.id;
}

const channel = (id: string) =>
  env.DB.prepare("SELECT email_verified, disabled, value FROM channels WHERE id = ?").bind(id).first<{ email_verified: number; disabled: number; value: string }>();

const verified = async (id: string) => (await channel(id))!.email_verified;

const log = async (flipId: string) =>
  (await env.DB.prepare("SELECT status, error FROM notifications WHERE flip_id = ?").bind(flipId).all<{ status: string; error: string }>()).results;

const verifyPath = async (id: string, to: string) => `/integrations/${id}/verify/${await verifyToken(SECRET, id, to)}/`;
const unsubscribePath = async (id: string) => `/integrations/${id}/unsubscribe/${await unsubscribeToken(SECRET, id)}/`;

describe("verification links", () => {
  it("creating an email channel mails one verification link to the address; opening it confirms the address", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    expect(await verified(id)).toBe(0);
    const got = await received(to);
    expect(got).toHaveLength(1);
    const mail = text(got[0]!.raw);
    expect(mail.subject).toBe("Verify email address for notifications");
    const link = `http://localhost${await verifyPath(id, to)}`;
    expect(mail.plain).toContain(link);
    expect(splitHeaders(got[0]!.raw).headers.has("list-unsubscribe")).toBe(false);

    const res = await call(new URL(link).pathname);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.text()).toContain(`${to} will now receive alerts`);
    expect(await verified(id)).toBe(1);
  });

  it("an alert before verification is logged as failed with 'Email not verified' and sends nothing; after the link the next one arrives with List-Unsubscribe", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    const { uuid, rec } = await checkWith(p, id, "nightly backup");

    const down = await flipped(uuid, rec, "/fail");
    expect((await consume(down, { env: smtpEnv() })).explicitAcks).toEqual(["m1"]);
    expect(await log(down.flip_id)).toEqual([{ status: "failed", error: "Email not verified" }]);
    expect(await received(to)).toHaveLength(1); // the verification mail only

    expect((await openVerifyLink(id, to)).status).toBe(200);
    const up = await flipped(uuid, rec, "");
    await consume(up, { env: smtpEnv() });
    expect(await log(up.flip_id)).toEqual([{ status: "sent", error: "" }]);
    const got = await received(to);
    expect(got).toHaveLength(2);
    expect(text(got[1]!.raw).subject).toBe("UP | nightly backup");
    const h = splitHeaders(got[1]!.raw).headers;
    expect(h.get("list-unsubscribe")).toBe(`<http://localhost${await unsubscribePath(id)}>`);
    expect(h.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
  });

  it("a test notification to an unverified address fails with 'Email not verified'", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    const res = await apiWithSmtp(p.api_key, `/channels/${id}/test`, {});
    expect(await res.json()).toEqual({ ok: false, error: "Email not verified" });
    expect(await received(to)).toHaveLength(1);
  });

  it("wrong tokens, another channel's token, an unsubscribe token and unknown or malformed ids get 400 and change nothing", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    const other = await createEmail(p, address());
    const paths = [
      `/integrations/${id}/verify/${"A".repeat(43)}/`,
      `/integrations/${id}/verify/short/`,
      `/integrations/${id}/verify/${await verifyToken(SECRET, other, to)}/`,
      `/integrations/${id}/verify/${await unsubscribeToken(SECRET, id)}/`,
      `/integrations/${id}/verify/${await verifyToken("another-secret", id, to)}/`,
      (await verifyPath(id, to)).replace(id, crypto.randomUUID()),
      `/integrations/not-a-uuid/verify/${await verifyToken(SECRET, "not-a-uuid", to)}/`,
    ];
    for (const path of paths) {
      const res = await call(path);
      expect(res.status, path).toBe(400);
      expect(await res.text()).toContain("Invalid or expired link");
    }
    expect(await verified(id)).toBe(0);
  });

  it("the link only works for a channel's current address", async () => {
    const p = await makeProject();
    const [first, second] = [address(), address()];
    const id = await createEmail(p, first);
    const stale = await verifyPath(id, first);

    const res = await apiWithSmtp(p.api_key, `/channels/${id}`, { value: second });
    expect(await res.json()).toEqual({ id, name: "mail", kind: "email" });
    expect((await call(stale)).status).toBe(400);
    expect(await verified(id)).toBe(0);
  });
});

describe("changing the address", () => {
  it("makes a verified channel unverified again and mails the new address", async () => {
    const p = await makeProject();
    const [first, second] = [address(), address()];
    const id = await createEmail(p, first);
    expect((await openVerifyLink(id, first)).status).toBe(200);

    const res = await apiWithSmtp(p.api_key, `/channels/${id}`, { value: { value: second, up: true, down: true } });
    expect(res.status).toBe(200);
    expect(await verified(id)).toBe(0);
    const got = await received(second);
    expect(got).toHaveLength(1);
    expect(text(got[0]!.raw).plain).toContain(await verifyPath(id, second));
    expect((await openVerifyLink(id, first)).status).toBe(400);
    expect((await openVerifyLink(id, second)).status).toBe(200);
    expect(await verified(id)).toBe(1);
  });

  it("the same address with other flags, or a new name, keeps a verified channel verified and sends nothing", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    await openVerifyLink(id, to);
    await apiWithSmtp(p.api_key, `/channels/${id}`, { value: { value: to, up: false, down: true } });
    await apiWithSmtp(p.api_key, `/channels/${id}`, { name: "renamed" });
    expect(await verified(id)).toBe(1);
    expect(JSON.parse((await channel(id))!.value)).toEqual({ value: to, up: false, down: true });
    expect(await received(to)).toHaveLength(1);
  });

  it("posting the value of a still unverified channel sends the link again", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    await apiWithSmtp(p.api_key, `/channels/${id}`, { value: to });
    const got = await received(to);
    expect(got).toHaveLength(2);
    expect(text(got[1]!.raw).plain).toContain(await verifyPath(id, to));
    expect(await verified(id)).toBe(0);
  });
});

describe("configuration", () => {
  it("EMAIL_USE_VERIFICATION=false: verified at once, also after a change of address, and no mail", async () => {
    const p = await makeProject();
    const [first, second] = [address(), address()];
    const off = { EMAIL_USE_VERIFICATION: "false" };
    const id = await createEmail(p, first, off);
    expect(await verified(id)).toBe(1);
    await apiWithSmtp(p.api_key, `/channels/${id}`, { value: second }, off);
    expect(await verified(id)).toBe(1);
    expect(await received(first)).toEqual([]);
    expect(await received(second)).toEqual([]);
  });

  it("without SMTP the link cannot go out: a warning is logged and the channel stays unverified", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const p = await makeProject();
      const res = await fetchWithVars({}, "/api/v3/channels/", {
        method: "POST",
        headers: { "X-Api-Key": p.api_key, "Content-Type": "application/json" },
        body: JSON.stringify({ kind: "email", value: address() }),
      });
      const { id } = await res.json<{ id: string }>();
      expect(await verified(id)).toBe(0);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("SMTP is not configured"));
    } finally {
      warn.mockRestore();
    }
  });

  it("other kinds of channel count as verified", async () => {
    const p = await makeProject();
    const res = await api(p, "/channels/", { body: { kind: "matrix", value: "!a:b.c" } });
    expect(await verified((await res.json<{ id: string }>()).id)).toBe(1);
  });
});

describe("unsubscribe", () => {
  it("the link from an alert shows a form; the one-click POST disables the channel and later alerts skip it", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    await openVerifyLink(id, to);
    const { uuid, rec } = await checkWith(p, id);
    await consume(await flipped(uuid, rec, "/fail"), { env: smtpEnv() });
    const alert = (await received(to))[1]!;
    const url = new URL(/^<(.*)>$/.exec(splitHeaders(alert.raw).headers.get("list-unsubscribe")!)![1]!);

    const form = await call(url.pathname);
    expect(form.status).toBe(200);
    expect(form.headers.get("cache-control")).toContain("no-store");
    expect(await form.text()).toContain(`<form method="post" action="${url.pathname}">`);
    expect((await channel(id))!.disabled).toBe(0);

    const res = await call(url.pathname, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Unsubscribed");
    expect((await channel(id))!.disabled).toBe(1);

    const up = await flipped(uuid, rec, "");
    await consume(up, { env: smtpEnv() });
    expect(await log(up.flip_id)).toEqual([]);
    expect(await received(to)).toHaveLength(2);
  });

  it("a bad token, another channel's token or a verification token gets 400 and changes nothing", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    const other = await createEmail(p, address());
    const paths = [
      `/integrations/${id}/unsubscribe/${"A".repeat(43)}/`,
      `/integrations/${id}/unsubscribe/${await unsubscribeToken(SECRET, other)}/`,
      `/integrations/${id}/unsubscribe/${await verifyToken(SECRET, id, to)}/`,
      (await unsubscribePath(id)).replace(id, "not-a-uuid"),
    ];
    for (const path of paths) {
      expect((await call(path)).status, path).toBe(400);
      expect((await call(path, { method: "POST", body: "List-Unsubscribe=One-Click" })).status, path).toBe(400);
    }
    expect((await channel(id))!.disabled).toBe(0);
  });

  it("posting the channel's value through the API subscribes it again", async () => {
    const p = await makeProject();
    const to = address();
    const id = await createEmail(p, to);
    await openVerifyLink(id, to);
    await call(await unsubscribePath(id), { method: "POST" });
    expect((await channel(id))!.disabled).toBe(1);
    await apiWithSmtp(p.api_key, `/channels/${id}`, { value: to });
    expect(await channel(id)).toMatchObject({ disabled: 0, email_verified: 1 });
  });
});

describe("tenancy", () => {
  it("another project's key can neither readdress, re-send to nor test the channel", async () => {
    const [a, b] = [await makeProject(), await makeProject()];
    const to = address();
    const id = await createEmail(a, to);
    await openVerifyLink(id, to);
    const intruder = address();
    expect((await apiWithSmtp(b.api_key, `/channels/${id}`, { value: intruder })).status).toBe(404);
    expect((await apiWithSmtp(b.api_key, `/channels/${id}/test`, {})).status).toBe(404);
    expect(await channel(id)).toMatchObject({ email_verified: 1, disabled: 0 });
    expect(JSON.parse((await channel(id))!.value).value).toBe(to);
    expect(await received(intruder)).toEqual([]);
    expect(await received(to)).toHaveLength(1);
  });

  it("a link made for B's channel does not verify A's", async () => {
    const [a, b] = [await makeProject(), await makeProject()];
    const to = address();
    const mine = await createEmail(a, to);
    const theirs = await createEmail(b, to);
    expect((await call(`/integrations/${mine}/verify/${await verifyToken(SECRET, theirs, to)}/`)).status).toBe(400);
    expect((await openVerifyLink(theirs, to)).status).toBe(200);
    expect(await verified(mine)).toBe(0);
  });
});
