// Accounts beyond sign-up (issue 11): the operator's sign-in link, magic links and password reset
// through the real SMTP test server, password and email change, two-factor with a computed TOTP
// code, sessions, account deletion. Real D1, HTTP through the Worker.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { base32Decode, totp } from "./totp";
import { ADMIN, call, fetchWithVars, view } from "./helpers";
import { receivedMail, smtpVars } from "./email-helpers";

const ORIGIN = "http://localhost";
let ip = 0;

interface Req {
  method?: string;
  body?: unknown;
  cookie?: string;
  vars?: Record<string, string>;
}

/** A request from a page of the site (its Origin), each from its own client address. */
function req(path: string, o: Req = {}): Promise<Response> {
  const headers: Record<string, string> = { Origin: ORIGIN, "cf-connecting-ip": `198.51.100.${++ip % 250}` };
  if (o.body !== undefined) headers["Content-Type"] = "application/json";
  if (o.cookie !== undefined) headers.Cookie = o.cookie;
  return fetchWithVars(o.vars ?? {}, path, {
    method: o.method ?? (o.body === undefined ? "GET" : "POST"),
    headers,
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
    redirect: "manual",
  });
}

function cookieOf(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.includes("session_token=") && !/session_token=;/.test(c));
  return set === undefined ? null : set.split(";")[0]!;
}

const newEmail = () => `${crypto.randomUUID().slice(0, 12)}@example.org`;
const PASSWORD = "correct horse battery";

async function signUp(email = newEmail(), vars?: Record<string, string>) {
  const res = await req("/app/api/auth/sign-up/email", { body: { email, password: PASSWORD, name: "Ann" }, vars });
  expect(res.status).toBe(200);
  return { email, cookie: cookieOf(res)!, id: (await res.json<{ user: { id: string } }>()).user.id };
}

const me = (cookie: string) => req("/app/api/me", { cookie });

/** The first link into the site in the newest mail to `to`, waiting for it to arrive (sent in the background). */
async function linkMailedTo(to: string, count = 1): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const mails = await receivedMail(to);
    if (mails.length >= count) {
      const raw = mails[mails.length - 1]!.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const link = /http:\/\/localhost\/app\/api\/auth\/[^\s"<>]+/.exec(raw)?.[0];
      if (link === undefined) throw new Error(`no link in ${raw}`);
      return link.replace(/&amp;/g, "&");
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no mail to ${to}`);
}

/** Opens a link from an email (GET, no cookie), as the mailbox's owner would. */
const open = (link: string, vars?: Record<string, string>) => req(link.replace(ORIGIN, ""), { vars });

describe("npm run admin -- create-user: the first account's one-time sign-in link", () => {
  const createUser = (email: string) =>
    call("/admin/v1/users", { method: "POST", headers: ADMIN, body: JSON.stringify({ email }) });

  it("makes the account with its default project and answers a link that signs in once", async () => {
    const email = newEmail();
    const res = await createUser(email.toUpperCase());
    expect(res.status).toBe(201);
    const body = await res.json<{ email: string; created: boolean; sign_in_link: string; expires_at: string }>();
    expect(body).toMatchObject({ email, created: true });
    expect(Date.parse(body.expires_at) - Date.now()).toBeGreaterThan(14 * 60_000);

    const opened = await open(body.sign_in_link);
    expect(opened.status).toBe(302);
    expect(new URL(opened.headers.get("Location")!, ORIGIN).pathname).toBe("/");
    const cookie = cookieOf(opened)!;
    const account = await (await me(cookie)).json<{ email: string; projects: { name: string; role: string }[] }>();
    expect(account.email).toBe(email);
    expect(account.projects).toMatchObject([{ name: "My Project", role: "owner" }]);

    // One use only: the second visit signs nobody in.
    const again = await open(body.sign_in_link);
    expect(cookieOf(again)).toBeNull();
  });

  it("answers a fresh link for an existing account (200), with registration closed too", async () => {
    const { email } = await signUp();
    const res = await call("/admin/v1/users", { method: "POST", headers: ADMIN, body: JSON.stringify({ email }) });
    expect(res.status).toBe(200);
    const { created, sign_in_link } = await res.json<{ created: boolean; sign_in_link: string }>();
    expect(created).toBe(false);
    const opened = await open(sign_in_link, { REGISTRATION_OPEN: "false" });
    expect((await me(cookieOf(opened)!)).status).toBe(200);
  });

  it("needs the admin token and a valid email", async () => {
    expect((await call("/admin/v1/users", { method: "POST", body: JSON.stringify({ email: newEmail() }) })).status).toBe(401);
    const bad = await call("/admin/v1/users", { method: "POST", headers: ADMIN, body: JSON.stringify({ email: "nobody" }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "json validation error: email must be a valid email address" });
  });
});

describe("magic-link sign-in by email", () => {
  it("mails a link through SMTP that signs the account in", async () => {
    const { email } = await signUp();
    const vars = smtpVars();
    const res = await req("/app/api/auth/sign-in/magic-link", { body: { email, callbackURL: "/" }, vars });
    expect(res.status).toBe(200);
    const link = await linkMailedTo(email);
    expect(link).toContain("/app/api/auth/magic-link/verify?token=");
    const cookie = cookieOf(await open(link, vars))!;
    expect(await (await me(cookie)).json()).toMatchObject({ email });
  });

  it("makes no account for an unknown address when registration is closed", async () => {
    const email = newEmail();
    const vars = smtpVars({ REGISTRATION_OPEN: "false" });
    expect((await req("/app/api/auth/sign-in/magic-link", { body: { email }, vars })).status).toBe(200);
    const opened = await open(await linkMailedTo(email), vars);
    expect(cookieOf(opened)).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM user WHERE email = ?").bind(email).first()).toBeNull();
  });

  it("says plainly that links need SMTP when none is configured (400, same for every address)", async () => {
    const res = await req("/app/api/auth/sign-in/magic-link", { body: { email: newEmail() } });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: string }>()).error).toMatch(/no SMTP server configured/);
  });
});

describe("password reset and change", () => {
  it("resets by a mailed link: the new password works, the old one and every old session do not", async () => {
    const { email, cookie } = await signUp();
    const vars = smtpVars();
    const ask = await req("/app/api/auth/request-password-reset", { body: { email, redirectTo: "/reset-password" }, vars });
    expect(ask.status).toBe(200);
    const link = await linkMailedTo(email);
    const landing = await open(link, vars);
    expect(landing.status).toBe(302);
    const token = new URL(landing.headers.get("Location")!, ORIGIN).searchParams.get("token")!;
    expect(new URL(landing.headers.get("Location")!, ORIGIN).pathname).toBe("/reset-password");

    const reset = await req("/app/api/auth/reset-password", { body: { newPassword: "a brand new secret", token }, vars });
    expect(reset.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect((await req("/app/api/auth/sign-in/email", { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await req("/app/api/auth/sign-in/email", { body: { email, password: "a brand new secret" } })).status).toBe(200);
    // The token was used up.
    expect((await req("/app/api/auth/reset-password", { body: { newPassword: "yet another one!", token }, vars })).status).toBe(400);
  });

  it("answers an unknown address exactly as a known one, and mails nothing", async () => {
    const email = newEmail();
    const vars = smtpVars();
    const res = await req("/app/api/auth/request-password-reset", { body: { email, redirectTo: "/reset-password" }, vars });
    const { email: known } = await signUp();
    const knownRes = await req("/app/api/auth/request-password-reset", { body: { email: known, redirectTo: "/reset-password" }, vars });
    expect([res.status, await res.text()]).toEqual([knownRes.status, await knownRes.text()]);
    await linkMailedTo(known);
    expect(await receivedMail(email)).toEqual([]);
  });

  it("changes the password with the current one, and refuses a wrong current one", async () => {
    const { email, cookie } = await signUp();
    const wrong = await req("/app/api/auth/change-password", { cookie, body: { currentPassword: "not it at all", newPassword: "second password" } });
    expect(wrong.status).toBe(400);
    const ok = await req("/app/api/auth/change-password", { cookie, body: { currentPassword: PASSWORD, newPassword: "second password" } });
    expect(ok.status).toBe(200);
    expect((await req("/app/api/auth/sign-in/email", { body: { email, password: "second password" } })).status).toBe(200);
  });
});

describe("email change", () => {
  it("changes the address only once the new one is confirmed by a mailed link", async () => {
    const { cookie } = await signUp();
    const next = newEmail();
    const vars = smtpVars();
    const res = await req("/app/api/auth/change-email", { cookie, body: { newEmail: next, callbackURL: "/account" }, vars });
    expect(res.status).toBe(200);
    const link = await linkMailedTo(next);
    expect((await (await me(cookie)).json<{ email: string }>()).email).not.toBe(next);
    const confirmed = await open(link, vars);
    expect(confirmed.status).toBe(302);
    expect((await (await me(cookie)).json<{ email: string }>()).email).toBe(next);
  });
});

describe("two-factor (TOTP and backup codes)", () => {
  it("enables with a verified code, then asks for a code at sign-in; a backup code works once", async () => {
    const { email, cookie } = await signUp();
    const enable = await req("/app/api/auth/two-factor/enable", { cookie, body: { password: PASSWORD } });
    expect(enable.status).toBe(200);
    const { totpURI, backupCodes } = await enable.json<{ totpURI: string; backupCodes: string[] }>();
    expect(backupCodes.length).toBeGreaterThanOrEqual(10);
    const uri = new URL(totpURI);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("issuer")).toBe("edgechecks");
    const secret = base32Decode(uri.searchParams.get("secret")!);

    // Not on until a code proves the authenticator has the secret.
    const before = await req("/app/api/auth/sign-in/email", { body: { email, password: PASSWORD } });
    expect(await before.json()).not.toHaveProperty("twoFactorRedirect");
    const verify = await req("/app/api/auth/two-factor/verify-totp", { cookie, body: { code: await totp(secret) } });
    expect(verify.status).toBe(200);

    const signIn = await req("/app/api/auth/sign-in/email", { body: { email, password: PASSWORD } });
    expect(await signIn.json()).toMatchObject({ twoFactorRedirect: true });
    expect(cookieOf(signIn)).toBeNull();
    const pending = signIn.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ");

    const wrong = await req("/app/api/auth/two-factor/verify-totp", { cookie: pending, body: { code: "000000" === (await totp(secret)) ? "111111" : "000000" } });
    expect(wrong.status).toBe(401);
    const right = await req("/app/api/auth/two-factor/verify-totp", { cookie: pending, body: { code: await totp(secret) } });
    expect(right.status).toBe(200);
    expect((await me(cookieOf(right)!)).status).toBe(200);

    const viaBackup = async () => {
      const again = await req("/app/api/auth/sign-in/email", { body: { email, password: PASSWORD } });
      const c = again.headers.getSetCookie().map((x) => x.split(";")[0]!).join("; ");
      return req("/app/api/auth/two-factor/verify-backup-code", { cookie: c, body: { code: backupCodes[0] } });
    };
    expect((await viaBackup()).status).toBe(200);
    expect((await viaBackup()).status).toBe(401);
  });
});

describe("sessions", () => {
  it("lists the account's sessions and revokes another one", async () => {
    const { email, cookie } = await signUp();
    const other = cookieOf(await req("/app/api/auth/sign-in/email", { body: { email, password: PASSWORD } }))!;
    const list = await (await req("/app/api/auth/list-sessions", { cookie })).json<{ token: string; ipAddress: string }[]>();
    expect(list).toHaveLength(2);
    const otherToken = decodeURIComponent(other.split("=")[1]!).split(".")[0]!;
    expect(list.map((s) => s.token)).toContain(otherToken);
    expect((await req("/app/api/auth/revoke-session", { cookie, body: { token: otherToken } })).status).toBe(200);
    expect((await me(other)).status).toBe(401);
    expect((await me(cookie)).status).toBe(200);
  });
});

describe("account deletion", () => {
  it("deletes the account with its own projects and their checks", async () => {
    const { cookie, id } = await signUp();
    const project = await env.DB.prepare("SELECT id FROM projects WHERE owner_id = ?").bind(id).first<{ id: string }>();
    const check = await env.DB.prepare("SELECT id FROM checks WHERE project_id = ?").bind(project!.id).first<{ id: string }>();
    const res = await req("/app/api/auth/delete-user", { cookie, body: { password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(await env.DB.prepare("SELECT id FROM user WHERE id = ?").bind(id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM projects WHERE id = ?").bind(project!.id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM organization WHERE id = ?").bind(project!.id).first()).toBeNull();
    await expect(view(check!.id)).rejects.toThrow();
    expect((await me(cookie)).status).toBe(401);
  });

  it("is refused while the account owns a project with other members (nothing deleted)", async () => {
    const owner = await signUp();
    const mate = await signUp();
    const project = await env.DB.prepare("SELECT id, name FROM projects WHERE owner_id = ?").bind(owner.id).first<{ id: string }>();
    await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, 'member', ?)")
      .bind(crypto.randomUUID(), project!.id, mate.id, Date.now())
      .run();
    const res = await req("/app/api/auth/delete-user", { cookie: owner.cookie, body: { password: PASSWORD } });
    expect(res.status).toBe(400);
    expect((await res.json<{ message: string }>()).message).toMatch(/you own a project with other members \("My Project"\)/);
    expect(await env.DB.prepare("SELECT id FROM user WHERE id = ?").bind(owner.id).first()).not.toBeNull();
    expect((await me(owner.cookie)).status).toBe(200);
  });

  it("needs the password", async () => {
    const { cookie, id } = await signUp();
    expect((await req("/app/api/auth/delete-user", { cookie, body: { password: "wrong password" } })).status).toBe(400);
    expect(await env.DB.prepare("SELECT id FROM user WHERE id = ?").bind(id).first()).not.toBeNull();
  });
});

describe("account settings", () => {
  it("changes the name and time zone (PATCH /app/api/me), refusing an unknown zone", async () => {
    const { cookie } = await signUp();
    const ok = await req("/app/api/me", { method: "PATCH", cookie, body: { time_zone: "Europe/Riga", name: "Anna" } });
    expect(ok.status).toBe(200);
    expect(await (await me(cookie)).json()).toMatchObject({ name: "Anna", time_zone: "Europe/Riga" });
    const bad = await req("/app/api/me", { method: "PATCH", cookie, body: { time_zone: "europe/riga" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "json validation error: time_zone is not a known IANA time zone (e.g. Europe/Riga)" });
    expect(await (await me(cookie)).json()).toMatchObject({ time_zone: "Europe/Riga" });
  });
});

describe("sign-up input", () => {
  it("refuses an over-long name or email with a 400 and makes no account", async () => {
    const long = await req("/app/api/auth/sign-up/email", { body: { email: newEmail(), password: PASSWORD, name: "n".repeat(101) } });
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({ error: "json validation error: name is too long (at most 100 characters)" });
    const email = `${"e".repeat(250)}@example.org`;
    const longEmail = await req("/app/api/auth/sign-up/email", { body: { email, password: PASSWORD, name: "Ann" } });
    expect(longEmail.status).toBe(400);
    expect(await env.DB.prepare("SELECT 1 FROM user WHERE email = ?").bind(email).first()).toBeNull();
  });
});

describe("sign-up with SMTP configured", () => {
  it("adds a confirmed email channel to the user's address, assigned to My First Check", async () => {
    const { email, id } = await signUp(newEmail(), smtpVars());
    const channel = await env.DB.prepare(
      "SELECT c.id, c.kind, c.value, c.email_verified FROM channels c JOIN projects p ON p.id = c.project_id WHERE p.owner_id = ?",
    )
      .bind(id)
      .first<{ id: string; kind: string; value: string; email_verified: number }>();
    expect(channel).toMatchObject({ kind: "email", email_verified: 1 });
    expect(JSON.parse(channel!.value)).toEqual({ value: email, up: true, down: true });
    const assigned = await env.DB.prepare(
      "SELECT ck.name FROM check_channels cc JOIN checks ck ON ck.id = cc.check_id WHERE cc.channel_id = ?",
    )
      .bind(channel!.id)
      .all();
    expect(assigned.results).toEqual([{ name: "My First Check" }]);
  });
});
