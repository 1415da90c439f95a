// The shape of a check object's dump (CheckDO.exportState/importState, backups): its stored rows
// table by table, as they are at the object's stored schema version, which the dump carries. Rows
// stay generic (column → value) so a dump from an older version can be loaded into that version's
// tables and moved forward by the object's own migrations (check-do-schema.ts).
import { z } from "zod";
import { checkConfigSchema, type CheckConfig } from "./model";

const value = z.union([z.number(), z.string(), z.null()]);
// Column names become SQL identifiers: only plain lower-case names pass, and the object also
// checks each against the table's real columns.
const row = z.record(z.string().regex(/^[a-z_]{1,40}$/, "not a column name"), value);
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const checkDumpSchema = z.object({
  schema_version: z.int().min(1),
  state: row.refine((r) => typeof r.config === "string", "state.config must be a string"),
  // Ping bodies are base64 (they are bytes); everything else is stored as it is.
  pings: z.array(row.refine((r) => typeof r.body === "string" && BASE64_RE.test(r.body), "a ping body must be base64")),
  flips: z.array(row),
  outbox: z.array(row),
  // The schedule table exists from version 3 on.
  schedule: z.array(row).optional(),
});
export type CheckDump = z.infer<typeof checkDumpSchema>;

/** The tables a dump carries besides `state`, in the order they are written back. */
export const DUMP_TABLES = ["pings", "flips", "outbox", "schedule"] as const;

/** The check configuration stored in a dump, or an error message. */
export function dumpConfig(dump: CheckDump): CheckConfig | string {
  let raw: unknown;
  try {
    raw = JSON.parse(dump.state.config as string);
  } catch {
    return "state.config is not JSON";
  }
  const parsed = checkConfigSchema.safeParse(raw);
  if (!parsed.success) return `state.config: ${parsed.error.issues[0]?.message ?? "invalid"}`;
  return parsed.data;
}
