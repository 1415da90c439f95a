// The two ways the SPA talks to the Worker: the dashboard API through hono/client, typed by the
// server's own routes (a renamed field breaks the build, not the page), and better-auth's client for
// the account endpoints. Both are same-origin: the session cookie and the Origin header go along.
import { createAuthClient } from "better-auth/client";
import { magicLinkClient, twoFactorClient } from "better-auth/client/plugins";
import { hc, type ClientResponse } from "hono/client";
import type { AppType } from "@server/app/routes";

export const api = hc<AppType>(`${window.location.origin}/app/api`);

export const auth = createAuthClient({
  baseURL: window.location.origin,
  basePath: "/app/api/auth",
  plugins: [magicLinkClient(), twoFactorClient()],
});

/** A refused request, with the server's own words (`error` from our routes, `message` from better-auth). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function messageOf(body: unknown, fallback: string): string {
  if (body !== null && typeof body === "object") {
    const { error, message } = body as { error?: unknown; message?: unknown };
    if (typeof error === "string" && error !== "") return error;
    if (typeof message === "string" && message !== "") return message;
  }
  return fallback;
}

/** The JSON of a successful dashboard API answer; an ApiError otherwise. */
export async function data<T>(request: Promise<ClientResponse<T, number, "json">>): Promise<T> {
  let res: ClientResponse<T, number, "json">;
  try {
    res = await request;
  } catch {
    throw new ApiError(0, "the server could not be reached; check your connection and try again");
  }
  if (res.ok) return (await res.json()) as T;
  const body: unknown = await res.json().catch(() => null);
  throw new ApiError(res.status, messageOf(body, `${res.status} ${res.statusText}`.trim()));
}

type AuthResult<T> = { data: T; error: null } | { data: null; error: { status: number; statusText: string; message?: string } };

/** The data of a better-auth call; an ApiError with its message otherwise. */
export async function authData<T>(request: Promise<AuthResult<T>>): Promise<T> {
  let result: AuthResult<T>;
  try {
    result = await request;
  } catch {
    throw new ApiError(0, "the server could not be reached; check your connection and try again");
  }
  if (result.error !== null) {
    const { status, statusText } = result.error;
    throw new ApiError(status, messageOf(result.error, `${status} ${statusText}`.trim() || "the request failed"));
  }
  return result.data;
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
