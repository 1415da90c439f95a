// Typed view of the wrangler.toml vars and secrets, with the documented defaults.
import { randomHex } from "./crypto";

const INSECURE_SECRET_KEY = "edgechecks-insecure-local-secret-key";
let warnedAboutSecret = false;
// Used instead of the public constant where a deployment is public: links signed with it cannot be
// forged (nobody knows it) nor checked later (it dies with the isolate) — the fetch handler answers
// 503 there anyway, so nothing signed with it can be presented back.
let isolateSecret: string | null = null;

/** The loopback names `wrangler dev` serves under: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function secretKeyMissing(env: Env): boolean {
  return (env.SECRET_KEY ?? "") === "";
}

/**
 * Whether this is a local run. With a request: its URL's host (the name the Worker was reached
 * under, not a client header). Without one (queue, email, cron): SITE_ROOT, where an empty one
 * counts as local — a public deployment without SITE_ROOT cannot be told apart, but its fetch
 * handler refuses every request, so nothing signed there can be used.
 */
export function isLocalRun(env: Env, origin = ""): boolean {
  const base = origin || env.SITE_ROOT || "";
  if (base === "") return true;
  try {
    return isLoopbackHostname(new URL(base).hostname);
  } catch {
    return false;
  }
}

function fallbackSecret(env: Env, origin: string): string {
  if (isLocalRun(env, origin)) {
    if (!warnedAboutSecret) {
      console.warn("SECRET_KEY is not set: using an insecure built-in key for this local run. Set it with `wrangler secret put SECRET_KEY`.");
      warnedAboutSecret = true;
    }
    return INSECURE_SECRET_KEY;
  }
  if (isolateSecret === null) {
    console.error("SECRET_KEY is not set on a public deployment: every request but /api/v3/status/ is refused. Set it with `wrangler secret put SECRET_KEY`.");
    isolateSecret = randomHex(32);
  }
  return isolateSecret;
}

/** `url` without trailing slashes when it is an absolute http(s) URL; null otherwise. */
export function absoluteRoot(url: string | undefined): string | null {
  const trimmed = (url ?? "").trim().replace(/\/+$/, "");
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    return new URL(trimmed).host === "" ? null : trimmed;
  } catch {
    return null;
  }
}

/**
 * The base of links in alerts: SITE_ROOT, else (not for email) the origin the check's URLs were
 * rendered with, when absolute; "" when none is known — then alerts carry no links rather than
 * relative ones. Email needs SITE_ROOT: mail is read far from any request, and its unsubscribe
 * link must keep working (see warnIfSiteRootMissing).
 */
export function alertLinkRoot(env: Env, kind: string, checkUrl: string): string {
  const configured = absoluteRoot(env.SITE_ROOT);
  if (configured !== null) return configured;
  if (kind === "email") return "";
  try {
    return absoluteRoot(new URL(checkUrl).origin) ?? "";
  } catch {
    return "";
  }
}

let checkedSiteRoot = false;

/**
 * Once per isolate (the vars do not change within one; this runs on every request, pings included):
 * email is configured, but without SITE_ROOT its mails go out without links.
 */
export function warnIfSiteRootMissing(env: Env): void {
  if (checkedSiteRoot) return;
  checkedSiteRoot = true;
  if (absoluteRoot(env.SITE_ROOT) !== null) return;
  if ((env.SMTP_HOST ?? "") === "" && (env.PING_EMAIL_DOMAIN ?? "") === "") return;
  console.warn(
    "SITE_ROOT is not set (or not an absolute http(s) URL) while email is configured (SMTP_HOST or PING_EMAIL_DOMAIN): " +
      "email alerts go out without links or List-Unsubscribe. Set SITE_ROOT, e.g. https://checks.example.com.",
  );
}

function intVar(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Bodies larger than this could not be stored in one Durable Object SQLite row (2 MB limit). */
export const MAX_STORED_BODY = 1_048_576;
/** Django's DATA_UPLOAD_MAX_MEMORY_SIZE default, which Healthchecks keeps. */
export const HARD_BODY_CAP = 2_621_440;

export interface Config {
  /** null = no limit announced (stored bodies are still capped at MAX_STORED_BODY). */
  pingBodyLimit: number | null;
  pingRateLimit: number;
  checkLimit: number;
  siteRoot: string;
  pingEndpoint: string;
  secretKey: string;
  adminToken: string | null;
  allowPrivateIps: boolean;
  /** Email pings are accepted (and shown in check objects) only when this is set. */
  pingEmailDomain: string;
  /** New (or readdressed) email channels must confirm their address by link before they get alerts. */
  emailUseVerification: boolean;
  /** An unsettled alert nobody touches for this long is handed to the queue again by the sweeper. */
  alertWatchMs: number;
}

export function config(env: Env, origin = ""): Config {
  const rawLimit = env.PING_BODY_LIMIT?.trim().toLowerCase();
  const pingBodyLimit =
    rawLimit === "none" ? null : Math.min(intVar(env.PING_BODY_LIMIT, 10_000, "PING_BODY_LIMIT"), MAX_STORED_BODY);
  const siteRoot = (env.SITE_ROOT || origin).replace(/\/+$/, "");
  const secretKey = secretKeyMissing(env) ? fallbackSecret(env, origin) : env.SECRET_KEY!;
  return {
    pingBodyLimit,
    pingRateLimit: intVar(env.PING_RATE_LIMIT, 2000, "PING_RATE_LIMIT"),
    checkLimit: intVar(env.CHECK_LIMIT, 10_000, "CHECK_LIMIT"),
    siteRoot,
    pingEndpoint: (env.PING_ENDPOINT || `${siteRoot}/ping/`).replace(/\/*$/, "/"),
    secretKey,
    adminToken: env.ADMIN_TOKEN ? env.ADMIN_TOKEN : null,
    allowPrivateIps: env.INTEGRATIONS_ALLOW_PRIVATE_IPS === "true",
    pingEmailDomain: env.PING_EMAIL_DOMAIN ?? "",
    emailUseVerification: (env.EMAIL_USE_VERIFICATION ?? "").trim().toLowerCase() !== "false",
    alertWatchMs: Math.max(1, intVar(env.ALERT_WATCH_SECONDS, 60, "ALERT_WATCH_SECONDS")) * 1000,
  };
}
