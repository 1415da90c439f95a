// Teams (issue 11): every role × every capability of the dashboard API, invitations, ownership
// transfer, keys and the reminder period, and tenancy between projects. Real D1, HTTP through the Worker.
import { env, exports } from "cloudflare:workers";
import { hc } from "hono/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppType } from "../../src/app/routes";
import { hashApiKey } from "../../src/auth/keys";
import { projectNagPeriod } from "../../src/checks/object-store";
import { config } from "../../src/config";
import { rotateKey } from "../../src/projects/settings";
import { addMember, app, ORIGIN, ROLES, signUp, signUpRoles, teamProject, type Role, type SignedUp } from "./account-helpers";
import { receivedMail, smtpVars } from "./email-helpers";
import { call, fetchWithVars } from "./helpers";


const users = {} as Record<Role, SignedUp>;
/** Members whose role is changed or who are removed in the capability table. */
let target: SignedUp;

beforeAll(async () => {
  await signUpRoles(users);
  target = await signUp();
});


/** A fresh project owned by users.owner, with users.manager, .member, .readonly (and `target` as read-only). */
async function team(name = "Team"): Promise<string> {
  const id = await teamProject(users, name);
  await addMember(id, target.userId, "readonly");
  return id;
}

const row = (sql: string, ...args: unknown[]) => env.DB.prepare(sql).bind(...args).first<Record<string, unknown>>();
const rows = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).all<Record<string, unknown>>()).results;
const projectRow = (id: string) => row("SELECT * FROM projects WHERE id = ?", id);
const memberRows = (id: string) => rows("SELECT user_id, role FROM member WHERE organization_id = ? ORDER BY user_id", id);
const invitationRows = (id: string) => rows("SELECT id, email, role, status FROM invitation WHERE organization_id = ? ORDER BY id", id);

/** A pending invitation written straight to D1, made two days ago (so outside everyone's daily invitation limit). */
async function insertInvitation(projectId: string, email: string, o: { inviter?: string; expires?: number; created?: number } = {}): Promise<string> {
  const id = crypto.randomUUID();
  await env.DB.prepare(
    "INSERT INTO invitation (id, organization_id, email, role, status, expires_at, created_at, inviter_id) VALUES (?, ?, ?, 'member', 'pending', ?, ?, ?)",
  )
    .bind(id, projectId, email, o.expires ?? Date.now() + 86_400_000, o.created ?? Date.now() - 2 * 86_400_000, o.inviter ?? users.owner.userId)
    .run();
  return id;
}

const newAddress = () => `invitee-${crypto.randomUUID()}@example.org`;

interface Capability {
  name: string;
  allowed: readonly Role[];
  prepare?: (id: string) => Promise<void>;
  act: (id: string, actor: SignedUp) => Promise<Response>;
  /** The rows the action changes, compared before and after a refused attempt. */
  state: (id: string) => Promise<unknown>;
  /** What an allowed attempt must have done. */
  effect: (id: string, res: Response, actor: SignedUp) => Promise<void>;
}

const capabilities: Capability[] = [
  {
    name: "read the project",
    allowed: ROLES,
    act: (id, u) => app(`/projects/${id}`, u.cookie),
    state: projectRow,
    effect: async (id, res) => {
      const body = await res.json<{ id: string; owner: { id: string }; keys: Record<string, unknown> }>();
      expect(body).toMatchObject({ id, name: "Team", nag_period: 0, transfer: null, owner: { id: users.owner.userId, email: users.owner.email } });
      expect(body.keys).toEqual({ api_key: null, api_key_readonly: null, ping_key: null });
    },
  },
  {
    name: "read members (invitations only for roles that may invite)",
    allowed: ROLES,
    prepare: async (id) => void (await insertInvitation(id, newAddress())),
    act: (id, u) => app(`/projects/${id}/members`, u.cookie),
    state: memberRows,
    effect: async (_id, res, actor) => {
      const body = await res.json<{ members: { user_id: string; role: string }[]; invitations: unknown[] }>();
      expect(body.members.map((m) => m.role)).toEqual(["owner", "manager", "member", "readonly", "readonly"]);
      expect(body.members[0]!.user_id).toBe(users.owner.userId);
      const mayInvite = actor === users.owner || actor === users.manager;
      expect(body.invitations).toHaveLength(mayInvite ? 1 : 0);
    },
  },
  {
    name: "rename the project",
    allowed: ["owner", "manager", "member"],
    act: (id, u) => app(`/projects/${id}`, u.cookie, { method: "PATCH", body: { name: `renamed by ${u.userId}` } }),
    state: async (id) => [await projectRow(id), await row("SELECT name FROM organization WHERE id = ?", id)],
    effect: async (id, res, u) => {
      expect(res.status).toBe(200);
      expect(await row("SELECT name FROM projects WHERE id = ?", id)).toEqual({ name: `renamed by ${u.userId}` });
    },
  },
  {
    name: "set the reminder period",
    allowed: ["owner", "manager", "member"],
    act: (id, u) => app(`/projects/${id}/reminders`, u.cookie, { method: "PUT", body: { nag_period: 3600 } }),
    state: projectRow,
    effect: async (id, res) => {
      expect(await res.json()).toEqual({ id, nag_period: 3600 });
      // What check objects read when they look for their next reminder.
      expect(await projectNagPeriod(env.DB, id)).toBe(3600);
    },
  },
  {
    name: "create an API key",
    allowed: ["owner", "manager", "member"],
    act: (id, u) => app(`/projects/${id}/keys/api_key`, u.cookie, { method: "POST" }),
    state: projectRow,
    effect: async (id, res) => {
      const { kind, key } = await res.json<{ kind: string; key: string }>();
      expect(kind).toBe("api_key");
      expect(key).toMatch(/^hcw_[A-Za-z0-9]{28}$/);
      expect(await row("SELECT api_key FROM projects WHERE id = ?", id)).toEqual({ api_key: await hashApiKey(key, config(env).secretKey) });
      expect((await call("/api/v3/checks/", { headers: { "X-Api-Key": key } })).status).toBe(200);
    },
  },
  {
    name: "revoke the ping key",
    allowed: ["owner", "manager", "member"],
    prepare: async (id) => void (await rotateKey(env, id, "ping_key", config(env).secretKey)),
    act: (id, u) => app(`/projects/${id}/keys/ping_key`, u.cookie, { method: "DELETE" }),
    state: projectRow,
    effect: async (id, res) => {
      expect(await res.json()).toEqual({ kind: "ping_key", key: null });
      expect(await row("SELECT ping_key_hash FROM projects WHERE id = ?", id)).toEqual({ ping_key_hash: null });
    },
  },
  {
    name: "invite",
    allowed: ["owner", "manager"],
    act: (id, u) => app(`/projects/${id}/invitations`, u.cookie, { method: "POST", body: { email: `by-${u.userId}@example.org`, role: "member" } }),
    state: invitationRows,
    effect: async (id, res, u) => {
      expect(res.status).toBe(201);
      expect(await invitationRows(id)).toEqual([{ id: expect.any(String), email: `by-${u.userId}@example.org`, role: "member", status: "pending" }]);
    },
  },
  {
    name: "revoke an invitation",
    allowed: ["owner", "manager"],
    prepare: async (id) => void (await insertInvitation(id, newAddress())),
    act: async (id, u) => {
      const [inv] = await invitationRows(id);
      return app(`/projects/${id}/invitations/${inv!.id}`, u.cookie, { method: "DELETE" });
    },
    state: invitationRows,
    effect: async (id, res) => {
      expect(res.status).toBe(200);
      expect((await invitationRows(id)).map((i) => i.status)).toEqual(["canceled"]);
    },
  },
  {
    name: "change a member's role",
    allowed: ["owner", "manager"],
    act: (id, u) => app(`/projects/${id}/members/${target.userId}`, u.cookie, { method: "PATCH", body: { role: "manager" } }),
    state: memberRows,
    effect: async (id, res) => {
      expect(await res.json()).toEqual({ user_id: target.userId, role: "manager" });
      expect(await row("SELECT role FROM member WHERE organization_id = ? AND user_id = ?", id, target.userId)).toEqual({ role: "manager" });
    },
  },
  {
    name: "remove a member",
    allowed: ["owner", "manager"],
    act: (id, u) => app(`/projects/${id}/members/${target.userId}`, u.cookie, { method: "DELETE" }),
    state: memberRows,
    effect: async (id, res) => {
      expect(res.status).toBe(200);
      expect(await row("SELECT role FROM member WHERE organization_id = ? AND user_id = ?", id, target.userId)).toBeNull();
      expect(await memberRows(id)).toHaveLength(4);
    },
  },
  {
    name: "offer ownership",
    allowed: ["owner"],
    act: (id, u) => app(`/projects/${id}/transfer`, u.cookie, { method: "POST", body: { user_id: target.userId } }),
    state: projectRow,
    effect: async (id, res) => {
      expect(await res.json()).toMatchObject({ id, transfer: { to: { id: target.userId, email: target.email }, requested_at: expect.any(String) } });
      expect(await row("SELECT transfer_to FROM projects WHERE id = ?", id)).toEqual({ transfer_to: target.userId });
    },
  },
  {
    name: "cancel an ownership offer",
    allowed: ["owner"],
    prepare: async (id) => void (await env.DB.prepare("UPDATE projects SET transfer_to = ?, transfer_requested_at = ? WHERE id = ?").bind(target.userId, Date.now(), id).run()),
    act: (id, u) => app(`/projects/${id}/transfer`, u.cookie, { method: "DELETE" }),
    state: projectRow,
    effect: async (id, res) => {
      expect(res.status).toBe(200);
      expect(await row("SELECT transfer_to, transfer_requested_at FROM projects WHERE id = ?", id)).toEqual({ transfer_to: null, transfer_requested_at: null });
    },
  },
  {
    name: "delete the project",
    allowed: ["owner"],
    act: (id, u) => app(`/projects/${id}`, u.cookie, { method: "DELETE" }),
    state: async (id) => [await projectRow(id), await memberRows(id)],
    effect: async (id, res) => {
      expect(res.status).toBe(200);
      expect(await projectRow(id)).toBeNull();
      expect(await memberRows(id)).toEqual([]);
    },
  },
];

describe.each(capabilities)("$name", (cap) => {
  it.each(ROLES)("as %s", async (role) => {
    const id = await team();
    await cap.prepare?.(id);
    const before = await cap.state(id);
    const res = await cap.act(id, users[role]);
    if (cap.allowed.includes(role)) {
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      await cap.effect(id, res, users[role]);
    } else {
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: `your role (${role}) does not allow this` });
      expect(await cap.state(id)).toEqual(before);
    }
  });
});

describe("members and roles", () => {
  it("nobody changes the owner's role or removes the owner; roles are checked", async () => {
    const id = await team();
    for (const actor of [users.owner, users.manager]) {
      const patch = await app(`/projects/${id}/members/${users.owner.userId}`, actor.cookie, { method: "PATCH", body: { role: "member" } });
      expect(patch.status).toBe(400);
      expect(await patch.json()).toEqual({ error: "the owner's role cannot be changed: transfer the project instead" });
      const del = await app(`/projects/${id}/members/${users.owner.userId}`, actor.cookie, { method: "DELETE" });
      expect(del.status).toBe(400);
    }
    // Ownership moves only by transfer: "owner" is not a role one can give.
    const bad = await app(`/projects/${id}/members/${target.userId}`, users.owner.cookie, { method: "PATCH", body: { role: "owner" } });
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: string }>()).error).toMatch(/^json validation error: role must be one of "manager", "member", "readonly"/);
    const unknown = await app(`/projects/${id}/members/${crypto.randomUUID()}`, users.owner.cookie, { method: "PATCH", body: { role: "member" } });
    expect(unknown.status).toBe(404);
    expect(await row("SELECT role FROM member WHERE organization_id = ? AND user_id = ?", id, users.owner.userId)).toEqual({ role: "owner" });
  });

  it("any member but the owner may leave (POST leave, or DELETE of oneself)", async () => {
    const id = await team();
    const owner = await app(`/projects/${id}/leave`, users.owner.cookie, { method: "POST" });
    expect(owner.status).toBe(400);
    expect(await owner.json()).toEqual({ error: "the owner cannot leave or be removed: transfer the project first" });
    expect(await (await app(`/projects/${id}/leave`, users.readonly.cookie, { method: "POST" })).json()).toEqual({ id, left: true });
    expect((await app(`/projects/${id}/members/${users.member.userId}`, users.member.cookie, { method: "DELETE" })).status).toBe(200);
    expect((await app(`/projects/${id}/leave`, users.manager.cookie, { method: "POST" })).status).toBe(200);
    expect((await memberRows(id)).map((m) => m.user_id).sort()).toEqual([users.owner.userId, target.userId].sort());
    // Gone means gone: the project is a 404 to them now.
    expect((await app(`/projects/${id}`, users.readonly.cookie)).status).toBe(404);
  });

  it("lists members with email and name, and pending invitations with their inviter", async () => {
    const id = await team();
    await insertInvitation(id, "late@example.org", { expires: Date.now() - 1 });
    const inv = await insertInvitation(id, "soon@example.org");
    const body = await (await app(`/projects/${id}/members`, users.manager.cookie)).json<{ members: unknown[]; invitations: unknown[] }>();
    expect(body.members[0]).toEqual({ user_id: users.owner.userId, email: users.owner.email, name: "Alice", role: "owner" });
    expect(body.invitations).toEqual([{ id: inv, email: "soon@example.org", role: "member", expires_at: expect.any(String), inviter_email: users.owner.email }]);
  });
});

describe("keys", () => {
  it("creates, regenerates and revokes each kind; the API accepts only the current key; GET shows them masked", async () => {
    const id = await team();
    const make = async (kind: string) => (await (await app(`/projects/${id}/keys/${kind}`, users.member.cookie, { method: "POST" })).json<{ key: string }>()).key;
    const first = await make("api_key");
    const second = await make("api_key");
    const ro = await make("api_key_readonly");
    const ping = await make("ping_key");
    expect(ro).toMatch(/^hcr_[A-Za-z0-9]{28}$/);
    expect(ping).toMatch(/^[a-z0-9]{22}$/);
    expect((await call("/api/v3/checks/", { headers: { "X-Api-Key": first } })).status).toBe(401);
    expect((await call("/api/v3/checks/", { headers: { "X-Api-Key": second } })).status).toBe(200);
    const shown = await (await app(`/projects/${id}`, users.readonly.cookie)).json<{ keys: unknown }>();
    expect(shown.keys).toEqual({ api_key: "hcw_…", api_key_readonly: "hcr_…", ping_key: "…" });
    expect(JSON.stringify(shown)).not.toContain(second.slice(4));
    const pinged = await call(`/ping/${ping}/my-check?create=1`);
    expect(pinged.status).toBe(201);
    expect((await app(`/projects/${id}/keys/api_key`, users.member.cookie, { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/v3/checks/", { headers: { "X-Api-Key": second } })).status).toBe(401);
    expect((await (await app(`/projects/${id}`, users.member.cookie)).json<{ keys: unknown }>()).keys).toMatchObject({ api_key: null });
  });

  it("answers 404 for an unknown key kind", async () => {
    const id = await team();
    const res = await app(`/projects/${id}/keys/secret_key`, users.owner.cookie, { method: "POST" });
    expect(res.status).toBe(404);
  });

  it("refuses a reminder period other than off, hourly or daily", async () => {
    const id = await team();
    const res = await app(`/projects/${id}/reminders`, users.owner.cookie, { method: "PUT", body: { nag_period: 60 } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "json validation error: nag_period must be 0 (off), 3600 (hourly) or 86400 (daily)" });
  });
});

describe("invitations", () => {
  const invite = (id: string, email: string, role = "member", cookie = users.owner.cookie) =>
    app(`/projects/${id}/invitations`, cookie, { method: "POST", body: { email, role } });

  it("invite → the invitee sees it, accepts, and is a member with the role", async () => {
    const id = await team("Joinable");
    const email = newAddress();
    const res = await invite(id, email.toUpperCase(), "manager");
    expect(res.status).toBe(201);
    const made = await res.json<{ id: string; link: string; email: string; role: string; expires_at: string }>();
    expect(made).toEqual({ id: expect.any(String), email, role: "manager", expires_at: expect.any(String), link: `${ORIGIN}/invite/${made.id}` });
    const week = Date.parse(made.expires_at) - Date.now();
    expect(week).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(week).toBeLessThanOrEqual(7 * 86_400_000);

    const invitee = await signUp(email);
    const seen = await app(`/invitations/${made.id}`, invitee.cookie);
    expect(await seen.json()).toEqual({
      id: made.id,
      project: { id, name: "Joinable" },
      role: "manager",
      inviter_email: users.owner.email,
      email,
      expires_at: made.expires_at,
      status: "pending",
    });
    const accepted = await app(`/invitations/${made.id}/accept`, invitee.cookie, { method: "POST" });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ project: { id, name: "Joinable" }, role: "manager" });
    expect(await row("SELECT role FROM member WHERE organization_id = ? AND user_id = ?", id, invitee.userId)).toEqual({ role: "manager" });
    expect(await row("SELECT status FROM invitation WHERE id = ?", made.id)).toEqual({ status: "accepted" });
    const mine = await (await app("/projects", invitee.cookie)).json<{ projects: { id: string; role: string }[] }>();
    expect(mine.projects).toContainEqual(expect.objectContaining({ id, role: "manager" }));
    // Used: the link answers 404 now, and accepting again changes nothing.
    expect((await app(`/invitations/${made.id}`, invitee.cookie)).status).toBe(404);
    expect((await app(`/invitations/${made.id}/accept`, invitee.cookie, { method: "POST" })).status).toBe(404);
    expect(await rows("SELECT 1 FROM member WHERE organization_id = ? AND user_id = ?", id, invitee.userId)).toHaveLength(1);
  });

  it("decline → no membership, the invitation is closed", async () => {
    const id = await team();
    const invitee = await signUp(newAddress());
    const { id: inv } = await (await invite(id, invitee.email)).json<{ id: string }>();
    const res = await app(`/invitations/${inv}/decline`, invitee.cookie, { method: "POST" });
    expect(await res.json()).toEqual({ id: inv, declined: true });
    expect(await row("SELECT status FROM invitation WHERE id = ?", inv)).toEqual({ status: "rejected" });
    expect(await row("SELECT 1 FROM member WHERE organization_id = ? AND user_id = ?", id, invitee.userId)).toBeNull();
    expect((await app(`/invitations/${inv}/accept`, invitee.cookie, { method: "POST" })).status).toBe(404);
  });

  it("a revoked invitation answers 404 and cannot be accepted", async () => {
    const id = await team();
    const invitee = await signUp(newAddress());
    const { id: inv } = await (await invite(id, invitee.email)).json<{ id: string }>();
    expect(await (await app(`/projects/${id}/invitations/${inv}`, users.manager.cookie, { method: "DELETE" })).json()).toEqual({ id: inv, revoked: true });
    expect((await app(`/invitations/${inv}`, invitee.cookie)).status).toBe(404);
    expect((await app(`/invitations/${inv}/accept`, invitee.cookie, { method: "POST" })).status).toBe(404);
    expect(await row("SELECT 1 FROM member WHERE organization_id = ? AND user_id = ?", id, invitee.userId)).toBeNull();
  });

  it("an expired invitation answers 404 on get and accept", async () => {
    const id = await team();
    const invitee = await signUp(newAddress());
    const { id: inv } = await (await invite(id, invitee.email)).json<{ id: string }>();
    await env.DB.prepare("UPDATE invitation SET expires_at = ? WHERE id = ?").bind(Date.now() - 1000, inv).run();
    expect((await app(`/invitations/${inv}`, invitee.cookie)).status).toBe(404);
    expect((await app(`/invitations/${inv}/accept`, invitee.cookie, { method: "POST" })).status).toBe(404);
    expect(await row("SELECT 1 FROM member WHERE organization_id = ? AND user_id = ?", id, invitee.userId)).toBeNull();
    // And it no longer blocks a new invitation to the same address.
    expect((await invite(id, invitee.email)).status).toBe(201);
  });

  it("anyone signed in with the link may see it; only the invited address may accept or decline (403)", async () => {
    const id = await team();
    const { id: inv } = await (await invite(id, newAddress())).json<{ id: string }>();
    const other = await signUp();
    expect((await app(`/invitations/${inv}`, other.cookie)).status).toBe(200);
    for (const action of ["accept", "decline"]) {
      const res = await app(`/invitations/${inv}/${action}`, other.cookie, { method: "POST" });
      expect(res.status).toBe(403);
      const { error } = await res.json<{ error: string }>();
      expect(error).toMatch(/^this invitation is for invitee-.*@example\.org; sign in as that address$/);
    }
    expect(await row("SELECT status FROM invitation WHERE id = ?", inv)).toEqual({ status: "pending" });
    expect((await app(`/invitations/${inv}`, "")).status).toBe(401);
  });

  it("refuses (409) an address that is already a member or already invited", async () => {
    const id = await team();
    const member = await invite(id, users.member.email);
    expect(member.status).toBe(409);
    expect(await member.json()).toEqual({ error: `${users.member.email} is already a member of this project` });
    const email = newAddress();
    expect((await invite(id, email)).status).toBe(201);
    const again = await invite(id, email, "readonly", users.manager.cookie);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: `${email} already has a pending invitation to this project` });
    expect(await invitationRows(id)).toHaveLength(1);
  });

  it("refuses bad addresses and roles with a 400", async () => {
    const id = await team();
    for (const [body, error] of [
      [{ email: "not an address", role: "member" }, "json validation error: email is not a valid email address"],
      [{ email: `${"a".repeat(250)}@example.org`, role: "member" }, "json validation error: email is too long (at most 254 characters)"],
      [{ email: newAddress(), role: "owner" }, 'json validation error: role must be one of "manager", "member", "readonly" (ownership changes only by a transfer)'],
    ] as const) {
      const res = await app(`/projects/${id}/invitations`, users.owner.cookie, { method: "POST", body });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error });
    }
    expect(await invitationRows(id)).toEqual([]);
  });

  it("allows 20 invitations per inviter in a rolling day; the 21st is 429", async () => {
    const inviter = await signUp();
    const [a, b] = [await team(), await team()];
    await addMember(a, inviter.userId, "manager");
    await addMember(b, inviter.userId, "manager");
    // Across projects: the limit is the inviter's.
    for (let i = 0; i < 20; i++) expect((await invite(i % 2 ? a : b, newAddress(), "member", inviter.cookie)).status).toBe(201);
    const over = await invite(a, newAddress(), "member", inviter.cookie);
    expect(over.status).toBe(429);
    expect(await over.json()).toEqual({ error: "you have sent 20 invitations in the last 24 hours, the most allowed; try again later" });
    expect(await rows("SELECT 1 FROM invitation WHERE inviter_id = ?", inviter.userId)).toHaveLength(20);
    // Others still may.
    expect((await invite(a, newAddress())).status).toBe(201);
    // A day later the oldest have aged out of the window.
    await env.DB.prepare("UPDATE invitation SET created_at = created_at - 86400001 WHERE inviter_id = ?").bind(inviter.userId).run();
    expect((await invite(a, newAddress(), "member", inviter.cookie)).status).toBe(201);
  });

  it("emails the link when SMTP is configured, and reports a failed send without failing", async () => {
    const id = await team("Mailed");
    const email = newAddress();
    const post = (to: string) =>
      fetchWithVars(smtpVars(), `/app/api/projects/${id}/invitations`, {
        method: "POST",
        headers: { Cookie: users.owner.cookie, Origin: ORIGIN, "Content-Type": "application/json" },
        body: JSON.stringify({ email: to, role: "readonly" }),
      });
    const res = await post(email);
    expect(res.status).toBe(201);
    const made = await res.json<{ link: string; email_error?: string }>();
    expect(made.email_error).toBeUndefined();
    const [mail] = await receivedMail(email);
    expect(mail!.raw).toContain("Subject: You are invited to Mailed on edgechecks");
    expect(mail!.raw.replace(/=\r\n/g, "")).toContain(made.link);

    const refused = await post(`reject-${crypto.randomUUID()}@example.org`);
    expect(refused.status).toBe(201);
    const body = await refused.json<{ link: string; email_error: string }>();
    expect(body.link).toMatch(/^http:\/\/localhost\/invite\//);
    expect(body.email_error).toMatch(/550|No such user/);
  });
});

describe("ownership transfer", () => {
  const transfer = (id: string, cookie: string, action: "" | "/accept" | "/decline", method = "POST", body?: unknown) =>
    app(`/projects/${id}/transfer${action}`, cookie, { method, body });

  it("owner offers, the member accepts: owner swapped, old owner is a member, offer cleared", async () => {
    const id = await team();
    expect((await transfer(id, users.owner.cookie, "", "POST", { user_id: users.readonly.userId })).status).toBe(200);
    const shown = await (await app(`/projects/${id}`, users.member.cookie)).json<{ transfer: unknown }>();
    expect(shown.transfer).toEqual({ to: { id: users.readonly.userId, email: users.readonly.email }, requested_at: expect.any(String) });
    const res = await transfer(id, users.readonly.cookie, "/accept");
    expect(await res.json()).toEqual({ id, role: "owner" });
    expect(await row("SELECT owner_id, transfer_to, transfer_requested_at FROM projects WHERE id = ?", id)).toEqual({
      owner_id: users.readonly.userId,
      transfer_to: null,
      transfer_requested_at: null,
    });
    const roles = Object.fromEntries((await memberRows(id)).map((m) => [m.user_id, m.role]));
    expect(roles[users.readonly.userId]).toBe("owner");
    expect(roles[users.owner.userId]).toBe("member");
    expect(Object.values(roles).filter((r) => r === "owner")).toHaveLength(1);
    const now = await (await app(`/projects/${id}`, users.owner.cookie)).json();
    expect(now).toMatchObject({ role: "member", owner: { id: users.readonly.userId, email: users.readonly.email }, transfer: null });
    // The new owner may delete; the old one may not.
    expect((await app(`/projects/${id}`, users.owner.cookie, { method: "DELETE" })).status).toBe(403);
  });

  it("only the offered member may accept or decline (403 for others, 404 with nothing pending)", async () => {
    const id = await team();
    expect((await transfer(id, users.manager.cookie, "/accept")).status).toBe(404);
    await transfer(id, users.owner.cookie, "", "POST", { user_id: users.member.userId });
    const before = await projectRow(id);
    for (const u of [users.owner, users.manager, users.readonly]) {
      for (const action of ["/accept", "/decline"] as const) {
        const res = await transfer(id, u.cookie, action);
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({ error: "this ownership transfer is offered to another member" });
      }
    }
    expect(await projectRow(id)).toEqual(before);
    expect(await (await transfer(id, users.member.cookie, "/decline")).json()).toEqual({ id, transfer: null });
    expect(await row("SELECT owner_id, transfer_to FROM projects WHERE id = ?", id)).toEqual({ owner_id: users.owner.userId, transfer_to: null });
  });

  it("the owner cancels; a cancelled offer cannot be accepted", async () => {
    const id = await team();
    await transfer(id, users.owner.cookie, "", "POST", { user_id: users.manager.userId });
    expect((await transfer(id, users.owner.cookie, "", "DELETE")).status).toBe(200);
    expect((await transfer(id, users.manager.cookie, "/accept")).status).toBe(404);
    expect(await row("SELECT owner_id FROM projects WHERE id = ?", id)).toEqual({ owner_id: users.owner.userId });
  });

  it("offers only to members; removing the offered member withdraws the offer", async () => {
    const id = await team();
    const stranger = await signUp();
    const res = await transfer(id, users.owner.cookie, "", "POST", { user_id: stranger.userId });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "the project can only be transferred to one of its members" });
    expect((await transfer(id, users.owner.cookie, "", "POST", { user_id: users.owner.userId })).status).toBe(400);
    await transfer(id, users.owner.cookie, "", "POST", { user_id: target.userId });
    expect((await app(`/projects/${id}/members/${target.userId}`, users.manager.cookie, { method: "DELETE" })).status).toBe(200);
    expect(await row("SELECT transfer_to FROM projects WHERE id = ?", id)).toEqual({ transfer_to: null });
  });
});

describe("the organization plugin's own routes", () => {
  it("are closed over HTTP (404): they would bypass the invitation limit and the owner rules", async () => {
    const id = await team("Plugin routes");
    const email = `${crypto.randomUUID()}@example.org`;
    const paths: [string, unknown][] = [
      ["invite-member", { email, role: "member", organizationId: id }],
      ["update-member-role", { memberId: users.readonly.userId, role: "owner", organizationId: id }],
      ["remove-member", { memberIdOrEmail: users.member.email, organizationId: id }],
      ["leave", { organizationId: id }],
      ["create", { name: "x", slug: crypto.randomUUID() }],
    ];
    for (const [path, body] of paths) {
      const res = await call(`/app/api/auth/organization/${path}`, {
        method: "POST",
        headers: { Cookie: users.owner.cookie, "Content-Type": "application/json", Origin: ORIGIN },
        body: JSON.stringify(body),
      });
      expect([path, res.status]).toEqual([path, 404]);
    }
    expect((await call(`/app/api/auth/organization/list`, { headers: { Cookie: users.owner.cookie } })).status).toBe(404);
    expect(await env.DB.prepare("SELECT 1 FROM invitation WHERE email = ?").bind(email).first()).toBeNull();
    const roles = await env.DB.prepare("SELECT role FROM member WHERE organization_id = ? ORDER BY role").bind(id).all();
    expect(roles.results.map((r) => r.role)).toEqual(["manager", "member", "owner", "readonly", "readonly"]);
  });
});

describe("tenancy", () => {
  it("a member of project A reaches nothing of project B by id (404, nothing changes)", async () => {
    const b = await team("B");
    const inv = await insertInvitation(b, newAddress());
    await env.DB.prepare("UPDATE projects SET transfer_to = ? WHERE id = ?").bind(target.userId, b).run();
    const outsider = await signUp();
    const [mine] = (await (await app("/projects", outsider.cookie)).json<{ projects: { id: string }[] }>()).projects;
    const state = async () => [await projectRow(b), await memberRows(b), await invitationRows(b)];
    const before = await state();
    const routes: [string, string, unknown?][] = [
      ["GET", `/projects/${b}`],
      ["GET", `/projects/${b}/members`],
      ["PATCH", `/projects/${b}`, { name: "x" }],
      ["DELETE", `/projects/${b}`],
      ["POST", `/projects/${b}/invitations`, { email: newAddress(), role: "member" }],
      ["DELETE", `/projects/${b}/invitations/${inv}`],
      ["PATCH", `/projects/${b}/members/${users.member.userId}`, { role: "readonly" }],
      ["DELETE", `/projects/${b}/members/${users.member.userId}`],
      ["POST", `/projects/${b}/leave`],
      ["POST", `/projects/${b}/transfer`, { user_id: users.member.userId }],
      ["DELETE", `/projects/${b}/transfer`],
      ["POST", `/projects/${b}/transfer/accept`],
      ["POST", `/projects/${b}/transfer/decline`],
      ["POST", `/projects/${b}/keys/api_key`],
      ["DELETE", `/projects/${b}/keys/api_key`],
      ["PUT", `/projects/${b}/reminders`, { nag_period: 86400 }],
    ];
    for (const [method, path, body] of routes) {
      const res = await app(path, outsider.cookie, { method, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ error: "project not found" });
    }
    // B's invitation through the outsider's own project: still not found, still pending.
    const viaMine = await app(`/projects/${mine!.id}/invitations/${inv}`, outsider.cookie, { method: "DELETE" });
    expect(viaMine.status).toBe(404);
    expect(await state()).toEqual(before);
  });

  it("refuses a cross-site POST (Origin mismatch) with 403 and creates nothing", async () => {
    const id = await team();
    for (const origin of ["https://evil.example", null]) {
      const res = await app(`/projects/${id}/invitations`, users.owner.cookie, { method: "POST", body: { email: newAddress(), role: "member" }, origin });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: "cross-site request refused: Origin does not match this site" });
      const key = await app(`/projects/${id}/keys/api_key`, users.owner.cookie, { method: "POST", origin });
      expect(key.status).toBe(403);
    }
    expect(await invitationRows(id)).toEqual([]);
    expect(await row("SELECT api_key FROM projects WHERE id = ?", id)).toEqual({ api_key: "" });
  });
});

describe("hono/client", () => {
  it("types every route of AppType (the SPA's client) and reaches them", async () => {
    const id = await team("Typed");
    const client = hc<AppType>(`${ORIGIN}/app/api`, {
      fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
      headers: { Cookie: users.owner.cookie, Origin: ORIGIN },
    });
    const project = await (await client.projects[":id"].$get({ param: { id } })).json();
    const owner: { id: string; email: string } | null = project.owner;
    expect(owner?.id).toBe(users.owner.userId);
    const members = await (await client.projects[":id"].members.$get({ param: { id } })).json();
    expect(members.members.map((m) => m.role)).toContain("readonly");
    const invited = await client.projects[":id"].invitations.$post({ param: { id }, json: { email: newAddress(), role: "readonly" } });
    expect(invited.status).toBe(201);
    const key = await (await client.projects[":id"].keys[":kind"].$post({ param: { id, kind: "api_key_readonly" } })).json();
    expect(key.key).toMatch(/^hcr_/);
    const reminders = await client.projects[":id"].reminders.$put({ param: { id }, json: { nag_period: 86400 } });
    expect(reminders.status).toBe(200);
    const inv = await client.invitations[":invitationId"].$get({ param: { invitationId: crypto.randomUUID() } });
    expect(inv.status).toBe(404);
    expect(typeof client.projects[":id"].transfer.accept.$post).toBe("function");
    expect(typeof client.projects[":id"].members[":userId"].$patch).toBe("function");
    expect(typeof client.projects[":id"].leave.$post).toBe("function");
  });
});
