// Every row of test/fixtures/schedules-golden.jsonl (computed with the libraries Healthchecks uses) through the pure module.
import { describe, expect, it } from "vitest";
import { guessKind, nextFireTime, nextFireTimes, validateSchedule } from "../../../src/checks/schedule/index";
import { goldenRows, iso, rowName } from "./helpers";

describe("golden file", () => {
  it("has all 606 rows", () => {
    expect(goldenRows.length).toBe(606);
  });

  describe.each(goldenRows.map((r, i) => [rowName(r, i), r] as const))("%s", (_name, row) => {
    it("matches the libraries", () => {
      expect(guessKind(row.schedule)).toBe(row.kind);
      const v = validateSchedule(row.kind, row.schedule);
      if (row.error !== null) {
        expect(v).toEqual({ ok: false, error: row.error });
        return;
      }
      expect(v).toEqual({ ok: true });
      const after = new Date(row.after);
      expect(nextFireTimes(row.kind, row.schedule, row.tz, after, 10).map(iso)).toEqual(row.next);
      const first = nextFireTime(row.kind, row.schedule, row.tz, after);
      expect(first === null ? null : iso(first)).toBe(row.next[0] ?? null);
    });
  });
});
