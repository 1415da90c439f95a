// Shared by the account tests: sign-up and sign-in through the Worker, the session cookie, and
// dashboard API requests (/app/api) from a page of the site.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers";

export const ORIGIN = "http://localhost";
export const JSON_FROM_SITE = { "Content-Type": "application/json", Origin: ORIGIN };

let ipCounter = 0;
/** Each call from its own client address, so the library's per-address limit stays out of the way. */
export const fromNewIp = () => ({ "cf-connecting-ip": `203.0.113.${++ipCounter % 250}` });

export interface SignedUp {
  email: string;
  password: string;
  cookie: string;
  userId: string;
}

export async function signUp(email = `${crypto.randomUUID()}@example.org`, password = "correct horse battery"): Promise<SignedUp> {
  const res = await call("/app/api/auth/sign-up/email", {
    method: "POST",
    headers: { ...JSON_FROM_SITE, ...fromNewIp() },
    body: JSON.stringify({ email, password, name: "Alice" }),
  });
  expect(res.status).toBe(200);
  return { email, password, cookie: sessionCookie(res), userId: ((await res.json()) as { user: { id: string } }).user.id };
}

export function sessionCookie(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.includes("session_token="));
  if (set === undefined) throw new Error(`no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return set.split(";")[0]!;
}

export const signIn = (email: string, password: string) =>
  call("/app/api/auth/sign-in/email", { method: "POST", headers: { ...JSON_FROM_SITE, ...fromNewIp() }, body: JSON.stringify({ email, password }) });

/** A dashboard API request with the session cookie, from the site's own Origin unless `origin` says otherwise (null: none). */
export const app = (path: string, cookie: string, init: { method?: string; body?: unknown; origin?: string | null } = {}) =>
  call(`/app/api${path}`, {
    method: init.method ?? "GET",
    headers: {
      Cookie: cookie,
      "Content-Type": "application/json",
      ...(init.origin === null ? {} : { Origin: init.origin ?? ORIGIN }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

export const ROLES = ["owner", "manager", "member", "readonly"] as const;
export type Role = (typeof ROLES)[number];
export const WRITERS: readonly Role[] = ["owner", "manager", "member"];

/** One signed-up account per role; filled by a `beforeAll(() => signUpRoles(users))` in each file. */
export async function signUpRoles(users: Record<Role, SignedUp>): Promise<void> {
  for (const role of ROLES) users[role] = await signUp();
}

/** Makes `userId` a member of the project with `role`, straight in D1. */
export async function addMember(projectId: string, userId: string, role: string): Promise<void> {
  await env.DB.prepare("INSERT INTO member (id, organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?, ?)")
    .bind(crypto.randomUUID(), projectId, userId, role, Date.now())
    .run();
}

/** A fresh project of `users.owner`, with `users.manager`, `.member` and `.readonly` in their roles. */
export async function teamProject(users: Record<Role, SignedUp>, name = "Team"): Promise<string> {
  const res = await app("/projects", users.owner.cookie, { method: "POST", body: { name } });
  expect(res.status).toBe(201);
  const { id } = await res.json<{ id: string }>();
  for (const role of ["manager", "member", "readonly"] as const) await addMember(id, users[role].userId, role);
  return id;
}

/** One row of the roles table (reference §5.2) for a route of the dashboard API. */
export interface Capability {
  name: string;
  allowed: readonly Role[];
  /** Makes what the action needs in the project; answers the id it acts on. */
  prepare: (projectId: string) => Promise<string>;
  act: (projectId: string, target: string, actor: SignedUp) => Promise<Response>;
  /** What an allowed attempt must have done, seen through another interface than the answer. */
  effect: (projectId: string, target: string, res: Response) => Promise<void>;
}

/**
 * Every capability for every role: an allowed role gets a 2xx and the effect; a refused one gets 403
 * and `state` of the project is what it was before.
 */
export function describeCapabilities(
  capabilities: Capability[],
  o: { users: Record<Role, SignedUp>; team: () => Promise<string>; state: (projectId: string) => Promise<unknown> },
): void {
  describe.each(capabilities)("$name", (cap) => {
    it.each(ROLES)("as %s", async (role) => {
      const id = await o.team();
      const target = await cap.prepare(id);
      const before = await o.state(id);
      const res = await cap.act(id, target, o.users[role]);
      if (cap.allowed.includes(role)) {
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        await cap.effect(id, target, res);
      } else {
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({ error: `your role (${role}) does not allow this` });
        expect(await o.state(id)).toEqual(before);
      }
    });
  });
}
