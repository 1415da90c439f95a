// How a validated create/update request changes a check (Healthchecks' _update rules), as pure code.
import type { CheckFields } from "../checks/repository";
import { guessKind } from "../checks/schedule/index";
import { slugify } from "../checks/slug";
import type { CheckSpec } from "./check-spec";

const COPIED = [
  "tags",
  "desc",
  "manual_resume",
  "methods",
  "tz",
  "start_kw",
  "success_kw",
  "failure_kw",
  "filter_subject",
  "filter_body",
  "filter_http_body",
  "filter_default_fail",
  "grace",
] as const;

/** The fields a request changes; absent fields stay as they are. */
export function applySpec(current: CheckFields, spec: CheckSpec, apiVersion: 1 | 2 | 3): Partial<CheckFields> {
  const out: Partial<CheckFields> = {};
  if (spec.schedule !== undefined) {
    // schedule wins over timeout in the same request
    out.kind = guessKind(spec.schedule);
    out.schedule = spec.schedule;
  } else if (spec.timeout !== undefined) {
    out.kind = "simple";
    out.timeout = spec.timeout;
  }
  if (spec.name !== undefined) {
    out.name = spec.name;
    if (apiVersion < 3) out.slug = slugify(spec.name);
  }
  if (spec.slug !== undefined) out.slug = spec.slug;
  // Deprecated subject fields first, so explicit keyword fields in the same request win.
  if (spec.subject !== undefined || spec.subject_fail !== undefined) {
    const success = spec.subject ?? current.success_kw;
    const failure = spec.subject_fail ?? current.failure_kw;
    out.success_kw = success;
    out.failure_kw = failure;
    out.filter_subject = success !== "" || failure !== "";
  }
  for (const key of COPIED) {
    if (spec[key] !== undefined) (out as Record<string, unknown>)[key] = spec[key];
  }
  return out;
}
