// Management API authentication (reference API §1.2): X-Api-Key, or `api_key` in a POST body.
import { createMiddleware } from "hono/factory";
import { projectForApiKey, type KeyOwner } from "../auth/keys";
import { config } from "../config";
import type { AppEnv } from "../http/app-env";
import { HttpError, readJson } from "../http/errors";

export type ApiEnv = AppEnv & {
  Variables: { projectId: string; readonly: boolean; apiVersion: 1 | 2 | 3; body: Record<string, unknown> };
};

export function apiVersionOf(path: string): 1 | 2 | 3 {
  const m = /^\/api\/v(\d)\//.exec(path);
  return m?.[1] === "2" ? 2 : m?.[1] === "3" ? 3 : 1;
}

async function resolve(env: Env, key: string, write: boolean): Promise<KeyOwner> {
  if (key.length !== 32) throw new HttpError(401, "missing api key");
  const owner = await projectForApiKey(env.DB, key, config(env).secretKey);
  // A read-only key on a write endpoint is "wrong", as in Healthchecks (401, not 403).
  if (owner === null || (write && owner.readonly)) throw new HttpError(401, "wrong api key");
  return owner;
}

/** Endpoints any key may read; the key comes from the header only. */
export const requireRead = createMiddleware<ApiEnv>(async (c, next) => {
  c.set("apiVersion", apiVersionOf(new URL(c.req.url).pathname));
  const owner = await resolve(c.env, c.req.header("X-Api-Key") ?? "", false);
  c.set("projectId", owner.projectId);
  c.set("readonly", owner.readonly);
  await next();
});

/** Endpoints that need the read-write key. POST bodies are parsed first, as Healthchecks does. */
export const requireWrite = createMiddleware<ApiEnv>(async (c, next) => {
  c.set("apiVersion", apiVersionOf(new URL(c.req.url).pathname));
  let body: Record<string, unknown> = {};
  if (c.req.method === "POST") {
    const parsed = await readJson(c.req.raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new HttpError(400, "json validation error: value is not an object");
    }
    body = parsed as Record<string, unknown>;
  }
  c.set("body", body);
  const header = c.req.header("X-Api-Key");
  const key = header ?? (body.api_key === undefined ? "" : String(body.api_key));
  c.set("projectId", (await resolve(c.env, key, true)).projectId);
  c.set("readonly", false);
  await next();
});

/** CORS as Healthchecks' decorator, plus Content-Type so browsers can POST JSON. */
export function cors(methods: string) {
  return createMiddleware<ApiEnv>(async (c, next) => {
    const headers = {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Headers": "X-Api-Key, Content-Type",
      "Access-Control-Allow-Methods": `${methods}, OPTIONS`,
      "Access-Control-Max-Age": "600",
    };
    if (c.req.method === "OPTIONS") return c.body(null, 204, headers);
    if (!methods.split(", ").includes(c.req.method)) return c.body(null, 405, headers);
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  });
}
