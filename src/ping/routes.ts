// The ping endpoints: routing as Healthchecks' URL patterns, exact bodies and headers.
import { Hono, type Context } from "hono";
import { sha256Hex } from "../crypto";
import { autoCreateBySlug, findBySlug } from "../checks/repository";
import { pingCheck } from "../checks/client";
import type { PingInput, PingResult } from "../checks/model";
import { config, HARD_BODY_CAP, MAX_STORED_BODY, type Config } from "../config";
import type { AppEnv } from "../http/app-env";
import { BodyTooLarge, readLimitedBody } from "../http/body";
import type { UrlAction } from "../checks/model";
import { pingKnownCheck } from "./unknown-checks";
import { pingScheme, remoteAddress, userAgent } from "./client-info";
import { neverCacheHeaders, UUID_PATTERN } from "../http/common";

const ACTION = "(?:/(fail|start|log|\\d+))?";
const MAX_SLUG = 100;
// Tried in Healthchecks' order: a uuid route wins over the slug route for the same path.
const UUID_ROUTE = new RegExp(`^/ping/(${UUID_PATTERN})(?:/|${ACTION})$`);
const SLUG_ROUTE = new RegExp(`^/ping/([^/]+)/([-a-zA-Z0-9_]+)${ACTION}$`);

type Route =
  | { kind: "uuid"; uuid: string; action: UrlAction; exitStatus: number | null }
  | { kind: "slug"; pingKey: string; slug: string; action: UrlAction; exitStatus: number | null };

function parseAction(suffix: string | undefined): { action: UrlAction; exitStatus: number | null } {
  if (suffix === undefined) return { action: "success", exitStatus: null };
  if (/^\d+$/.test(suffix)) return { action: "success", exitStatus: Math.min(Number(suffix), 999) };
  return { action: suffix as UrlAction, exitStatus: null };
}

export function matchPingRoute(path: string): Route | null {
  const u = UUID_ROUTE.exec(path);
  if (u) return { kind: "uuid", uuid: u[1]!, ...parseAction(u[2]) };
  const s = SLUG_ROUTE.exec(path);
  if (s) return { kind: "slug", pingKey: s[1]!, slug: s[2]!, ...parseAction(s[3]) };
  return null;
}

function text(body: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}


function okHeaders(conf: Config): Record<string, string> {
  const h: Record<string, string> = { ...neverCacheHeaders(), "Access-Control-Allow-Origin": "*" };
  if (conf.pingBodyLimit !== null) h["Ping-Body-Limit"] = String(conf.pingBodyLimit);
  return h;
}

function respond(result: Exclude<PingResult, "unconfigured">, conf: Config, created: boolean, bySlug: boolean): Response {
  switch (result) {
    case "ok":
      return created ? text("Created", 201, okHeaders(conf)) : text("OK", 200, okHeaders(conf));
    case "not_found":
      return text("not found", 404, neverCacheHeaders());
    case "bad_exit":
      return text("invalid url format", 400, neverCacheHeaders());
    case "bad_rid":
      return text("invalid uuid format", 400, neverCacheHeaders());
    case "rate_limited":
      // Hosted Healthchecks answers uuid pings 200 even when it drops them, slug pings 429.
      return bySlug ? text("rate limited", 429, { ...neverCacheHeaders(), "Retry-After": "10" }) : text("OK", 200, okHeaders(conf));
  }
}

async function pingInput(c: Context<AppEnv>, conf: Config, route: Route): Promise<PingInput> {
  const url = new URL(c.req.url);
  const rids = url.searchParams.getAll("rid");
  const body = await readLimitedBody(
    c.req.raw,
    conf.pingBodyLimit ?? MAX_STORED_BODY,
    Math.max(HARD_BODY_CAP, conf.pingBodyLimit ?? 0),
  );
  return {
    action: route.action,
    exitStatus: route.exitStatus,
    rid: rids.length > 0 ? rids[rids.length - 1]! : null,
    method: c.req.method.toUpperCase(),
    scheme: pingScheme(c.req.raw.headers, url),
    remoteAddr: remoteAddress(c.req.raw.headers),
    ua: userAgent(c.req.raw.headers),
    body,
    rateLimit: conf.pingRateLimit,
  };
}

async function handlePing(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const route = matchPingRoute(url.pathname);
  if (route === null) return text("not found", 404);
  const conf = config(c.env, url.origin);
  let input: PingInput;
  try {
    input = await pingInput(c, conf, route);
  } catch (err) {
    if (err instanceof BodyTooLarge) return text("request body too large", 413);
    throw err;
  }
  if (route.kind === "uuid") {
    return respond(await pingKnownCheck(c.env, route.uuid, input, url.origin), conf, false, false);
  }

  if (route.slug !== route.slug.toLowerCase()) return text("invalid url format", 400);
  // No check has a longer slug, and none can be created with one (the column and the check's
  // object hold 100 characters): answered before any lookup, and never a half-created check.
  if (route.slug.length > MAX_SLUG) {
    return url.searchParams.get("create") === "1" ? text("invalid url format", 400) : text("not found", 404);
  }
  const keyHash = await sha256Hex(route.pingKey);
  let matches = await findBySlug(c.env, keyHash, route.slug);
  let created = false;
  if (matches.length === 0) {
    if (url.searchParams.get("create") !== "1") return text("not found", 404);
    created = await autoCreateBySlug(c.env, keyHash, route.slug, conf.checkLimit);
    matches = await findBySlug(c.env, keyHash, route.slug);
  }
  if (matches.length > 1) return text("ambiguous slug", 409);
  const id = matches[0];
  if (id === undefined) return text("not found", 404);
  return respond(await pingCheck(c.env, id, input, url.origin), conf, created, true);
}

export const pingRoutes = new Hono<AppEnv>();
pingRoutes.all("/ping/*", handlePing);
