// Shared helpers for the schedule-engine tests: the golden file and formatting. The independent
// reference the DST tables and properties check against is in oracle.ts.

import golden from "../../fixtures/schedules-golden.jsonl?raw";

export interface GoldenRow {
  kind: "cron" | "oncalendar";
  schedule: string;
  tz: string;
  after: string;
  next: string[];
  error: string | null;
}

export const goldenRows: GoldenRow[] = golden
  .split("\n")
  .filter((l) => l.trim() !== "")
  .map((l) => JSON.parse(l) as GoldenRow);

/** A readable, unique test name for a golden row. */
export function rowName(r: GoldenRow, i: number): string {
  return `#${String(i + 1).padStart(3, "0")} ${r.kind} ${JSON.stringify(r.schedule)} tz=${r.tz} after=${r.after}`;
}

/** UTC ISO string, whole seconds, "Z". */
export const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");
