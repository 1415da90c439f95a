// Shared by the account tests: sign-up and sign-in through the Worker, the session cookie, and
// dashboard API requests (/app/api) from a page of the site.
import { expect } from "vitest";
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
