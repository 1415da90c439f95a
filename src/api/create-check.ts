// Check creation with Healthchecks' `unique` upsert and the check limit, as one conditional
// INSERT in D1: concurrent creates with the same unique fields yield one check.
import { newRow, type CheckRow } from "../checks/repository";
import { configureFromRow } from "../checks/client";
import { config } from "../config";
import { forgetUnknown } from "../ping/unknown-checks";
import { applySpec } from "./apply-spec";
import type { CheckSpec } from "./check-spec";
import type { UNIQUE_FIELDS } from "./check-spec";

export type CreateOutcome = { kind: "created"; row: CheckRow } | { kind: "matched"; row: CheckRow } | { kind: "limit" };

export async function createOrMatch(
  env: Env,
  projectId: string,
  spec: CheckSpec,
  matchOn: (typeof UNIQUE_FIELDS)[number][],
  apiVersion: 1 | 2 | 3,
  channelIds: string[],
  origin: string,
): Promise<CreateOutcome> {
  const base = await newRow(projectId, {});
  const row: CheckRow = { ...base, ...applySpec(base, spec, apiVersion) };
  const cols = Object.keys(row) as (keyof CheckRow)[];
  const values = cols.map((k) => {
    const v = row[k];
    return typeof v === "boolean" ? (v ? 1 : 0) : v;
  });
  const match = matchOn.map((f) => `${f} = ?`).join(" AND ");
  const matchValues = matchOn.map((f) => row[f]);
  const sql =
    `INSERT INTO checks (${cols.join(", ")}) SELECT ${cols.map(() => "?").join(", ")}
     WHERE (SELECT count(*) FROM checks WHERE project_id = ? AND deleted_at IS NULL) < ?` +
    (matchOn.length > 0 ? ` AND NOT EXISTS (SELECT 1 FROM checks WHERE project_id = ? AND deleted_at IS NULL AND ${match})` : "");
  const params = [...values, projectId, config(env).checkLimit, ...(matchOn.length > 0 ? [projectId, ...matchValues] : [])];
  const inserted = await env.DB.prepare(sql).bind(...params).run();
  if (inserted.meta.changes > 0) {
    if (channelIds.length > 0) {
      await env.DB.batch(
        channelIds.map((ch) => env.DB.prepare("INSERT INTO check_channels (check_id, channel_id) VALUES (?, ?)").bind(row.id, ch)),
      );
    }
    await configureFromRow(env, row, channelIds, origin);
    // Its creator may ping it at once: this isolate must not answer from a stale "unknown".
    forgetUnknown(row.id);
    return { kind: "created", row };
  }
  if (matchOn.length > 0) {
    const existing = await env.DB.prepare(
      `SELECT * FROM checks WHERE project_id = ? AND deleted_at IS NULL AND ${match} ORDER BY created, id LIMIT 1`,
    )
      .bind(projectId, ...matchValues)
      .first<Record<string, unknown>>();
    if (existing !== null) return { kind: "matched", row: fromSql(existing) };
  }
  return { kind: "limit" };
}

const BOOLEANS = ["filter_subject", "filter_body", "filter_http_body", "filter_default_fail", "manual_resume"] as const;

/** A raw D1 row (booleans as 0/1) as drizzle would have returned it. */
function fromSql(raw: Record<string, unknown>): CheckRow {
  const row = { ...raw } as Record<string, unknown>;
  for (const k of BOOLEANS) row[k] = row[k] === 1;
  return row as unknown as CheckRow;
}
