// Which action a ping takes, given its URL, method and body (reference §1.2 steps 6-8, §1.5).
import type { CheckConfig, PingKind } from "../checks/model";

export type UrlAction = "success" | "start" | "fail" | "log";

/** Case-sensitive substring match against comma-separated keywords; empty keywords never match. */
export function matchKeywords(haystack: string, keywords: string): boolean {
  return keywords
    .split(",")
    .map((k) => k.trim())
    .some((k) => k !== "" && haystack.includes(k));
}

type FilterFields = Pick<
  CheckConfig,
  "methods" | "filter_http_body" | "filter_default_fail" | "start_kw" | "success_kw" | "failure_kw"
>;

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
  let action: PingKind = urlAction;
  if (exitStatus !== null && exitStatus > 0) action = "fail";
  if (cfg.methods === "POST" && method !== "POST") return "ign";
  if (cfg.filter_http_body) {
    const text = new TextDecoder().decode(body);
    if (matchKeywords(text, cfg.failure_kw)) return "fail";
    if (matchKeywords(text, cfg.success_kw)) return "success";
    if (matchKeywords(text, cfg.start_kw)) return "start";
    return cfg.filter_default_fail ? "fail" : "ign";
  }
  return action;
}

const RID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `rid` query value as Healthchecks stores it (a lowercase UUID), or undefined when invalid. */
export function normaliseRid(raw: string): string | undefined {
  return RID_RE.test(raw) ? raw.toLowerCase() : undefined;
}

export function hasConfirmationLink(body: Uint8Array): boolean {
  return new TextDecoder().decode(body).toLowerCase().includes("confirm");
}
