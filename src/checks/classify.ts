// Which action a ping takes, given its URL, method and body.
import type { CheckConfig, PingKind, UrlAction } from "./model";


/** Case-sensitive substring match against comma-separated keywords; empty keywords never match. */
export function matchKeywords(haystack: string, keywords: string): boolean {
  return keywords
    .split(",")
    .map((k) => k.trim())
    .some((k) => k !== "" && haystack.includes(k));
}

type KeywordFields = Pick<CheckConfig, "filter_default_fail" | "start_kw" | "success_kw" | "failure_kw">;
type FilterFields = KeywordFields & Pick<CheckConfig, "methods" | "filter_http_body">;
type EmailFilterFields = KeywordFields & Pick<CheckConfig, "filter_subject" | "filter_body">;

/** Failure keywords win, then success, then start; no match fails only with "default fail". */
function byKeywords(cfg: KeywordFields, text: string): PingKind {
  if (matchKeywords(text, cfg.failure_kw)) return "fail";
  if (matchKeywords(text, cfg.success_kw)) return "success";
  if (matchKeywords(text, cfg.start_kw)) return "start";
  return cfg.filter_default_fail ? "fail" : "ign";
}

/**
 * The action before manual_resume is considered (that rule needs the stored status, so the DO applies it).
 * The body is decoded leniently: Healthchecks answers 500 on invalid UTF-8 here; we match on what decodes.
 */
export function classifyPing(
  cfg: FilterFields,
  urlAction: UrlAction,
  exitStatus: number | null,
  method: string,
  body: Uint8Array,
): PingKind {
  if (cfg.methods === "POST" && method !== "POST") return "ign";
  if (cfg.filter_http_body) return byKeywords(cfg, new TextDecoder().decode(body));
  return exitStatus !== null && exitStatus > 0 ? "fail" : urlAction;
}

/** Email pings: a success unless subject and/or body filtering is on. */
export function classifyEmail(cfg: EmailFilterFields, subject: string, text: string): PingKind {
  if (!cfg.filter_subject && !cfg.filter_body) return "success";
  const parts = [...(cfg.filter_subject ? [subject] : []), ...(cfg.filter_body ? [text] : [])];
  return byKeywords(cfg, parts.join("\n"));
}

const RID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `rid` query value as Healthchecks stores it (a lowercase UUID), or undefined when invalid. */
export function normaliseRid(raw: string): string | undefined {
  return RID_RE.test(raw) ? raw.toLowerCase() : undefined;
}

export function hasConfirmationLink(body: Uint8Array): boolean {
  return new TextDecoder().decode(body).toLowerCase().includes("confirm");
}
