// Public badge endpoints: project/tag badges under /badge/, per-check badges under /b/.
// Each request is one D1 query over the check summaries; no Durable Object is involved, and the
// DO mirrors a status change into D1 before it answers the ping, so badges are never behind.
import { Hono, type Context } from "hono";
import type { CheckRow } from "../checks/repository";
import { tagList } from "../checks/model";
import { summaryStatus } from "../checks/summary-status";
import { config } from "../config";
import type { AppEnv } from "../http/app-env";
import { aggregate, badgeJson, badgeSvg, shieldsJson, type BadgeSummary } from "./render";
import { isTwoState, verifyBadgeSignature } from "./signature";
import { neverCacheHeaders, UUID_PATTERN } from "../http/common";

/** Label of the all-checks badge unless the MASTER_BADGE_LABEL var is set. */
export const DEFAULT_MASTER_LABEL = "edgechecks";

const FORMATS = new Set(["svg", "json", "shields"]);
const SLUG = "[-a-zA-Z0-9_]+";
// Matched against the path after one decoding; the tag is then decoded once more.
const TAG_ROUTE = new RegExp(`^/badge/(${SLUG})/(${SLUG})/([\\p{L}\\p{N}_%~.-]+)\\.(${SLUG})$`, "u");
const ALL_ROUTE = new RegExp(`^/badge/(${SLUG})/(${SLUG})\\.(${SLUG})$`);
const CHECK_ROUTE = new RegExp(`^/b/([0-9]+)/(${UUID_PATTERN})\\.(${SLUG})$`);

type BadgeRoute =
  | { kind: "project"; badgeKey: string; sig: string; tag: string; fmt: string }
  | { kind: "check"; states: number; badgeKey: string; fmt: string };

const utf8 = new TextDecoder();

/** Decodes runs of %XX as UTF-8 (invalid bytes become U+FFFD) and leaves any other "%" alone. */
export function unquote(s: string): string {
  if (!s.includes("%")) return s;
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(3 * i + 1, 3 * i + 3), 16);
    return utf8.decode(bytes);
  });
}

export function matchBadgeRoute(rawPath: string): BadgeRoute | null {
  const path = unquote(rawPath);
  let m = TAG_ROUTE.exec(path);
  if (m) return { kind: "project", badgeKey: m[1]!, sig: m[2]!, tag: unquote(m[3]!), fmt: m[4]! };
  m = ALL_ROUTE.exec(path);
  if (m) return { kind: "project", badgeKey: m[1]!, sig: m[2]!, tag: "*", fmt: m[3]! };
  m = CHECK_ROUTE.exec(path);
  if (m) return { kind: "check", states: Number(m[1]), badgeKey: m[2]!, fmt: m[3]! };
  return null;
}

function neverCache(): Record<string, string> {
  return { ...neverCacheHeaders(), "Access-Control-Allow-Origin": "*" };
}

const notFound = () =>
  new Response("not found", { status: 404, headers: { ...neverCache(), "Content-Type": "text/plain; charset=utf-8" } });

function render(fmt: string, label: string, summary: BadgeSummary): Response {
  const headers = neverCache();
  if (fmt === "svg") {
    return new Response(badgeSvg(label, summary.status), { headers: { ...headers, "Content-Type": "image/svg+xml" } });
  }
  const body = fmt === "json" ? badgeJson(summary) : shieldsJson(label, summary.status);
  return new Response(JSON.stringify(body), { headers: { ...headers, "Content-Type": "application/json" } });
}

/** Healthchecks' tag list: space-separated, surrounding whitespace ignored. */

type JoinedRow = CheckRow & { p_id: string };

async function projectBadge(c: Context<AppEnv>, r: Extract<BadgeRoute, { kind: "project" }>): Promise<Response> {
  const secret = config(c.env).secretKey;
  if (!(await verifyBadgeSignature(r.badgeKey, r.tag, r.sig, secret))) return notFound();
  // One row per matching check, or one row with NULL check columns for a project without any; the
  // instr() pre-filter is a superset of exact tag matches (no LIKE wildcards), refined below.
  const { results } = await c.env.DB.prepare(
    `SELECT p.id AS p_id, c.* FROM projects p
       LEFT JOIN checks c ON c.project_id = p.id AND c.deleted_at IS NULL AND (?2 = '*' OR instr(c.tags, ?2) > 0)
     WHERE p.badge_key = ?1 AND p.deleted_at IS NULL`,
  )
    .bind(r.badgeKey, r.tag)
    .all<JoinedRow>();
  if (results.length === 0) return notFound();
  const now = Date.now();
  const rows = results.filter((row) => row.id !== null && (r.tag === "*" || tagList(row.tags).includes(r.tag)));
  const summary = aggregate(
    rows.map((row) => summaryStatus(row, now)),
    !isTwoState(r.sig),
  );
  const label = r.tag === "*" ? masterLabel(c.env) : r.tag;
  return render(r.fmt, label, summary);
}

function masterLabel(env: Env): string {
  return env.MASTER_BADGE_LABEL || DEFAULT_MASTER_LABEL;
}

async function checkBadge(c: Context<AppEnv>, r: Extract<BadgeRoute, { kind: "check" }>): Promise<Response> {
  const row = await c.env.DB.prepare(
    `SELECT c.* FROM checks c JOIN projects p ON p.id = c.project_id
     WHERE c.badge_key = ? AND c.deleted_at IS NULL AND p.deleted_at IS NULL`,
  )
    .bind(r.badgeKey)
    .first<CheckRow>();
  if (row === null) return notFound();
  const summary = aggregate([summaryStatus(row, Date.now())], r.states === 3);
  return render(r.fmt, row.name || row.id, summary);
}

export const badgeRoutes = new Hono<AppEnv>();

for (const prefix of ["/badge/*", "/b/*"]) {
  badgeRoutes.get(prefix, async (c) => {
    const r = matchBadgeRoute(new URL(c.req.url).pathname);
    if (r === null || !FORMATS.has(r.fmt)) return notFound();
    return r.kind === "project" ? projectBadge(c, r) : checkBadge(c, r);
  });
  // CORS preflight, answered for any badge URL without looking it up.
  badgeRoutes.options(prefix, (c) => {
    if (matchBadgeRoute(new URL(c.req.url).pathname) === null) return notFound();
    return new Response(null, {
      status: 204,
      headers: {
        ...neverCache(),
        "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "X-Api-Key",
        "Access-Control-Max-Age": "600",
      },
    });
  });
}
