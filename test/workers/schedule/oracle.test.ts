// The oracle itself (oracle.ts), against what Healthchecks' libraries computed: every valid row of
// the golden file (cronsim 2.7, oncalendar 1.1). This is what entitles the DST tables and the
// property tests to use it as their reference.
import { describe, expect, it } from "vitest";
import { goldenRows, iso } from "./helpers";
import { cronMatchesAt, elapsedModeDeparts, oracle } from "./oracle";

const valid = goldenRows.filter((r) => r.error === null);
// Long enough for the rarest golden schedules (leap days, years ahead).
const HORIZON = 60 * 366 * 86_400_000;

describe("oracle", () => {
  it("reproduces every valid golden row, except cronsim's documented elapsed-mode departures", () => {
    const differing: string[] = [];
    for (const r of valid) {
      const after = new Date(r.after).getTime();
      const want = oracle(r.kind, r.schedule, r.tz, after, 10, HORIZON).map((t) => iso(new Date(t)));
      if (JSON.stringify(want) === JSON.stringify(r.next)) continue;
      const name = `${r.kind} ${JSON.stringify(r.schedule)} ${r.tz} ${r.after}`;
      differing.push(name);
      // A difference is only allowed where the exemption applies, and the library's times still match.
      const last = Math.max(after, ...[...r.next, ...want].map((n) => new Date(n).getTime()));
      expect(r.kind === "cron" && elapsedModeDeparts(r.schedule, r.tz, after, last), name).toBe(true);
      for (const n of r.next) expect(cronMatchesAt(r.schedule, r.tz, new Date(n).getTime()), `${name}: ${n}`).toBe(true);
    }
    expect(differing).toEqual(['cron "0 */5 * * *" Australia/Lord_Howe 2021-04-03T15:16:35Z']);
  }, 120_000);
});
