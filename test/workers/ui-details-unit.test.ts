// The check pages' pure parts (ui/src/checks/schedule-value.ts, ui/src/check/events.ts and
// summary.ts): the schedule sliders' scale and units, the schedule form's validation against the
// server's own rules, the words of the event log, which pings make the run chart, and the status,
// downtime and description texts.
import { describe, expect, it } from "vitest";
import { scheduleKindProblem } from "../../src/api/check-spec";
import { checkUpdateBody } from "../../src/app/schemas";
import { previewSchedule } from "../../src/checks/schedule/preview";
import { alertText, flipText, formatTypes, parseTypes, pingLabel, pingSource, runsOf, runStats, shortRid, type PingFields } from "../../ui/src/check/events";
import { slugify } from "../../src/checks/slug";
import { dayStates, daysSummary, downtimeRow, linkParts, statusSentence } from "../../ui/src/check/summary";
import {
  DEFAULT_SCHEDULE,
  joinSeconds,
  MAX_SECONDS,
  MIN_SECONDS,
  scheduleBody,
  schedulePreview,
  scheduleProblem,
  scheduleProblems,
  secondsToSlider,
  SLIDER_MARKS,
  SLIDER_MAX,
  sliderToSeconds,
  splitSeconds,
  zoneChoices,
  zonesByUse,
  type ScheduleValue,
} from "../../ui/src/checks/schedule-value";

const HOUR = 3600;
const DAY = 86_400;

describe("the period and grace sliders", () => {
  it("put 1 minute, 1 hour, 1 day, 7 days, 30 days and 365 days at equal steps of the track", () => {
    expect(SLIDER_MARKS.map((m) => [m.position, m.seconds])).toEqual([
      [0, 60],
      [200, HOUR],
      [400, DAY],
      [600, 7 * DAY],
      [800, 30 * DAY],
      [1000, 365 * DAY],
    ]);
    for (const m of SLIDER_MARKS) {
      expect(sliderToSeconds(m.position)).toBe(m.seconds);
      expect(secondsToSlider(m.seconds)).toBeCloseTo(m.position, 9);
    }
  });

  it("are logarithmic between the anchors", () => {
    // Half-way between 1 hour and 1 day is their geometric mean (~4.9 hours), rounded to whole hours.
    expect(sliderToSeconds(300)).toBe(5 * HOUR);
    expect(secondsToSlider(Math.sqrt(HOUR * DAY))).toBeCloseTo(300, 9);
  });

  it("give whole minutes under an hour, whole hours under a day, whole days above", () => {
    for (let p = 0; p <= SLIDER_MAX; p++) {
      const s = sliderToSeconds(p);
      const step = s < HOUR ? 60 : s < DAY ? HOUR : DAY;
      expect(s % step, `position ${p}`).toBe(0);
    }
  });

  it("never go back as the thumb moves right", () => {
    let last = 0;
    for (let p = 0; p <= SLIDER_MAX; p += 0.5) {
      const s = sliderToSeconds(p);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
    }
  });

  it("show every value they can give where they give it (round trip)", () => {
    const values = new Set<number>();
    for (let p = 0; p <= SLIDER_MAX; p++) values.add(sliderToSeconds(p));
    for (const s of values) expect(sliderToSeconds(secondsToSlider(s))).toBe(s);
    // And the thumb's whole-number position (the range input's step) gives the value back too.
    for (const s of values) expect(sliderToSeconds(Math.round(secondsToSlider(s)))).toBe(s);
  });

  it("clamp values off the track to its ends", () => {
    expect(sliderToSeconds(-10)).toBe(MIN_SECONDS);
    expect(sliderToSeconds(SLIDER_MAX + 10)).toBe(MAX_SECONDS);
    expect(secondsToSlider(1)).toBe(0);
    expect(secondsToSlider(NaN)).toBe(0);
    expect(secondsToSlider(10 * MAX_SECONDS)).toBe(SLIDER_MAX);
  });
});

describe("the number and unit of a duration", () => {
  it("use the largest unit the value is a whole number of", () => {
    expect(splitSeconds(DAY)).toEqual({ amount: 1, unit: "days" });
    expect(splitSeconds(14 * DAY)).toEqual({ amount: 14, unit: "days" });
    expect(splitSeconds(2 * HOUR)).toEqual({ amount: 2, unit: "hours" });
    expect(splitSeconds(90 * 60)).toEqual({ amount: 90, unit: "minutes" });
    expect(splitSeconds(61)).toEqual({ amount: 61 / 60, unit: "minutes" });
  });

  it("turn back into the same seconds", () => {
    for (let s = MIN_SECONDS; s <= 40 * DAY; s += 60 * 7) {
      const { amount, unit } = splitSeconds(s);
      expect(joinSeconds(amount, unit)).toBe(s);
    }
    expect(joinSeconds(1.5, "hours")).toBe(5400);
    expect(joinSeconds(0.5, "minutes")).toBe(30);
    expect(joinSeconds(NaN, "days")).toBeNaN();
  });
});

const schedule = (v: Partial<ScheduleValue>): ScheduleValue => ({ ...DEFAULT_SCHEDULE, ...v });

/** The message PATCH /projects/:id/checks/:uuid answers for the same fields. */
function serverMessage(json: Record<string, unknown>): string | null {
  const parsed = checkUpdateBody.safeParse(json);
  return parsed.success ? null : parsed.error.issues[0]!.message;
}

describe("the schedule form's validation", () => {
  it("takes the defaults and good expressions", () => {
    expect(scheduleProblem(DEFAULT_SCHEDULE)).toBeNull();
    expect(scheduleProblem(schedule({ kind: "cron", schedule: "0 9 * * 1-5", tz: "Europe/Riga" }))).toBeNull();
    expect(scheduleProblem(schedule({ kind: "oncalendar", schedule: "Mon..Fri *-*-* 09:00:00\n*-*-01 12:00", tz: "America/New_York" }))).toBeNull();
  });

  // /schedule-preview's answer for a named kind: scheduleKindProblem's error and the library's detail.
  it("says what the server's preview says of a bad cron expression", () => {
    for (const expr of ["61 * * * *", "* * * *", "0 9 * * MON-XYZ", "0 0 30 2 *", "*/0 * * * *"]) {
      const problem = scheduleKindProblem("cron", expr);
      expect(problem, expr).not.toBeNull();
      expect(scheduleProblem(schedule({ kind: "cron", schedule: expr }))).toBe(`${problem!.error}: ${problem!.detail}`);
    }
    expect(scheduleProblem(schedule({ kind: "cron", schedule: "61 * * * *" }))).toBe("schedule is not a valid cron expression: Bad minute");
  });

  it("says what the server's preview says of a bad OnCalendar expression", () => {
    for (const expr of ["Mon..Fry *-*-* 09:00", "*-*-* 25:00", ""]) {
      const problem = scheduleKindProblem("oncalendar", expr);
      expect(problem, expr).not.toBeNull();
      expect(scheduleProblem(schedule({ kind: "oncalendar", schedule: expr }))).toBe(`${problem!.error}: ${problem!.detail}`);
    }
  });

  it("refuses a cron expression in the OnCalendar tab, as saving it would", () => {
    const v = schedule({ kind: "oncalendar", schedule: "0 9 * * *" });
    expect(scheduleProblem(v)).toMatch(/^schedule is not a valid OnCalendar expression: /);
    expect(serverMessage(scheduleBody(v))).toBe("schedule is not a valid OnCalendar expression");
  });

  it("says what the server says of a long expression and of an unknown zone", () => {
    const long = `${"1,".repeat(50)}2 * * * *`;
    expect(scheduleProblems(schedule({ kind: "cron", schedule: long })).schedule).toBe(serverMessage({ kind: "cron", schedule: long }));
    expect(scheduleProblem(schedule({ kind: "cron", tz: "Mars/Olympus_Mons" }))).toBe(serverMessage({ tz: "Mars/Olympus_Mons" }));
    expect(scheduleProblem(schedule({ kind: "cron", tz: "Mars/Olympus_Mons" }))).toBe("tz is not a valid timezone");
    // A legacy name is the server's canonical zone, so it is fine.
    expect(scheduleProblem(schedule({ kind: "cron", tz: "Europe/Kiev" }))).toBeNull();
  });

  it("keeps periods and grace times within the server's 1 minute to 365 days", () => {
    expect(scheduleProblem(schedule({ timeout: 59 }))).toBe("The period must be from 1 minute to 365 days.");
    expect(serverMessage({ kind: "simple", timeout: 59 })).toBe("timeout is too small");
    expect(scheduleProblem(schedule({ timeout: MAX_SECONDS + 1 }))).toBe("The period must be from 1 minute to 365 days.");
    expect(scheduleProblem(schedule({ timeout: NaN }))).toBe("Enter the period as a number.");
    expect(scheduleProblem(schedule({ grace: 30 }))).toBe("The grace time must be from 1 minute to 365 days.");
    expect(scheduleProblem(schedule({ kind: "cron", grace: MAX_SECONDS + 60 }))).toBe("The grace time must be from 1 minute to 365 days.");
    expect(scheduleProblem(schedule({ timeout: MIN_SECONDS, grace: MAX_SECONDS }))).toBeNull();
  });

  it("looks only at the fields of the chosen kind", () => {
    expect(scheduleProblem(schedule({ kind: "simple", schedule: "nonsense", tz: "Nowhere" }))).toBeNull();
    expect(scheduleProblem(schedule({ kind: "cron", timeout: 1 }))).toBeNull();
  });

  it("sends only what the kind uses", () => {
    expect(scheduleBody(DEFAULT_SCHEDULE)).toEqual({ kind: "simple", timeout: 86400, grace: 3600 });
    const cron = schedule({ kind: "cron", schedule: "5 4 * * *", tz: "Asia/Tokyo", grace: 600 });
    expect(scheduleBody(cron)).toEqual({ kind: "cron", schedule: "5 4 * * *", tz: "Asia/Tokyo", grace: 600 });
    expect(checkUpdateBody.safeParse(scheduleBody(cron)).success).toBe(true);
  });
});

describe("the schedule preview", () => {
  const now = new Date("2026-03-28T12:00:00Z");

  it("is the engine's own preview: six cron times, four OnCalendar times", () => {
    const cron = schedule({ kind: "cron", schedule: "30 2 * * *", tz: "Europe/Riga" });
    expect(schedulePreview(cron, now)).toEqual({
      description: previewSchedule("cron", "30 2 * * *", "Europe/Riga", now, 6).description,
      next: previewSchedule("cron", "30 2 * * *", "Europe/Riga", now, 6).next,
    });
    // Riga's clocks go forward on 29 March: 02:30 local is 00:30Z before and 23:30Z the day before after it.
    expect(schedulePreview(cron, now)!.next.slice(0, 3)).toEqual(["2026-03-29T00:30:00Z", "2026-03-29T23:30:00Z", "2026-03-30T23:30:00Z"]);
    const onCal = schedule({ kind: "oncalendar", schedule: "Mon *-*-* 09:00", tz: "UTC" });
    expect(schedulePreview(onCal, now)!.next).toEqual(["2026-03-30T09:00:00Z", "2026-04-06T09:00:00Z", "2026-04-13T09:00:00Z", "2026-04-20T09:00:00Z"]);
  });

  it("is absent for a simple period and for an invalid expression or zone", () => {
    expect(schedulePreview(DEFAULT_SCHEDULE, now)).toBeNull();
    expect(schedulePreview(schedule({ kind: "cron", schedule: "61 * * * *" }), now)).toBeNull();
    expect(schedulePreview(schedule({ kind: "cron", tz: "Nowhere/Special" }), now)).toBeNull();
  });
});

describe("the time zone choices", () => {
  it("list the project's zones first, as the server stores them, then every zone the server takes", () => {
    const { preferred, all } = zoneChoices(["Europe/Kiev", "Asia/Tokyo", "Nowhere/Special", "Asia/Tokyo"]);
    expect(preferred).toEqual(["Europe/Kyiv", "Asia/Tokyo"]);
    expect(all).toContain("UTC");
    expect(all).toContain("Europe/Kyiv");
    expect(all).not.toContain("Europe/Kiev");
    expect([...all].sort()).toEqual(all);
    for (const tz of all) expect(serverMessage({ tz }), tz).toBeNull();
  });

  it("rank a project's cron and OnCalendar zones by use, then add the check's own", () => {
    const checks = [
      { kind: "simple", tz: "UTC" },
      { kind: "simple", tz: "UTC" },
      { kind: "cron", tz: "Europe/Riga" },
      { kind: "oncalendar", tz: "Asia/Tokyo" },
      { kind: "cron", tz: "Asia/Tokyo" },
      { kind: "cron", tz: "America/Chicago" },
    ];
    expect(zonesByUse(checks)).toEqual(["Asia/Tokyo", "America/Chicago", "Europe/Riga"]);
    expect(zonesByUse(checks, "Europe/Riga")).toEqual(["Asia/Tokyo", "America/Chicago", "Europe/Riga"]);
    expect(zonesByUse(checks, "UTC")).toEqual(["Asia/Tokyo", "America/Chicago", "Europe/Riga", "UTC"]);
  });
});

const ping = (p: Partial<PingFields> & { type: PingFields["type"] }): PingFields & { body_preview: string } => ({
  n: 1,
  date: "2026-11-03T10:00:00.000000+00:00",
  scheme: "https",
  method: "POST",
  remote_addr: "203.0.113.7",
  ua: "curl/8.0",
  rid: null,
  exitstatus: null,
  body_preview: "",
  ...p,
});

describe("the event log's words", () => {
  it("label each kind of ping", () => {
    expect(pingLabel(ping({ type: "success" }))).toBe("OK");
    expect(pingLabel(ping({ type: "success", exitstatus: 0 }))).toBe("OK");
    expect(pingLabel(ping({ type: "fail" }))).toBe("Failure");
    expect(pingLabel(ping({ type: "fail", exitstatus: 3 }))).toBe("Status 3");
    expect(pingLabel(ping({ type: "start" }))).toBe("Started");
    expect(pingLabel(ping({ type: "log" }))).toBe("Log");
    expect(pingLabel(ping({ type: "ign" }))).toBe("Ignored");
  });

  it("say where a ping came from", () => {
    expect(pingSource(ping({ type: "success" }))).toBe("HTTPS POST from 203.0.113.7");
    expect(pingSource(ping({ type: "success", scheme: "http", method: "GET", remote_addr: null }))).toBe("HTTP GET");
    expect(pingSource(ping({ type: "success", scheme: "email", method: "", remote_addr: null, ua: "Email from cron@example.org" }))).toBe(
      "Email from cron@example.org",
    );
  });

  it("shorten run ids, name status changes and alert deliveries", () => {
    expect(shortRid("3f2a9c1e-0000-4000-8000-000000000000")).toBe("3f2a9");
    expect(shortRid(null)).toBeNull();
    expect(flipText({ old_status: "up", new_status: "down" })).toBe("Status: up → down");
    const alert = { kind_of_alert: "down", status: "sent", error: "", attempts: 1 };
    expect(alertText(alert, "Ops email")).toBe("Sent a down alert to Ops email.");
    expect(alertText({ ...alert, status: "failed", error: "HTTP 500" }, "Hook")).toBe("Could not send a down alert to Hook. Error: HTTP 500.");
    expect(alertText({ ...alert, kind_of_alert: "up", status: "gave up", error: "gave up after 5 attempts" }, "Hook")).toBe(
      "Could not send an up alert to Hook. Error: gave up after 5 attempts.",
    );
    expect(alertText({ ...alert, status: "retrying", attempts: 2, error: "timed out" }, "Hook")).toBe("Sending a down alert to Hook (attempt 2); last error: timed out.");
  });

  it("keep the log page's filters in the query string, all types as no parameter", () => {
    expect(parseTypes(undefined).size).toBe(7);
    expect(formatTypes(parseTypes(undefined))).toBeUndefined();
    expect([...parseTypes("fail,flip,bogus")]).toEqual(["fail", "flip"]);
    expect(formatTypes(parseTypes("flip,fail"))).toBe("fail,flip");
    expect(formatTypes(new Set())).toBe("");
    expect(parseTypes("").size).toBe(0);
  });
});

describe("the run-duration chart", () => {
  it("takes success and failure pings that carry a duration, oldest first", () => {
    const events = [
      ping({ type: "success", n: 9, duration: 12.5 }),
      ping({ type: "start", n: 8 }),
      { type: "flip", date: "2026-11-03T09:00:00Z", old_status: "up", new_status: "down" },
      ping({ type: "fail", n: 7, duration: 3, exitstatus: 2 }),
      ping({ type: "success", n: 6 }),
      ping({ type: "log", n: 5, duration: 99 }),
      ping({ type: "ign", n: 4, duration: 99 }),
      { type: "alert", date: "2026-11-03T09:00:00Z" },
      ping({ type: "success", n: 3, duration: 0.25 }),
    ];
    expect(runsOf(events).map((r) => [r.n, r.duration, r.ok])).toEqual([
      [3, 0.25, true],
      [7, 3, false],
      [9, 12.5, true],
    ]);
  });

  it("sums up the runs: the median and the latest of the longest", () => {
    const run = (n: number, duration: number) => ({ n, date: "", duration, ok: true });
    expect(runStats([])).toBeNull();
    expect(runStats([run(1, 5), run(2, 1), run(3, 9)])).toEqual({ median: 5, longest: run(3, 9) });
    expect(runStats([run(1, 9), run(2, 1), run(3, 4), run(4, 9)])).toEqual({ median: 6.5, longest: run(4, 9) });
  });
});

describe("the status sentence", () => {
  const now = Date.parse("2026-11-03T12:00:00Z");
  const base = { status: "up", started: false, last_ping: "2026-11-03T11:57:00+00:00", manual_resume: false };

  it("says the status, then when the last ping came", () => {
    expect(statusSentence(base, now)).toEqual({ state: "This check is up.", detail: "Last ping was 3 minutes ago." });
    expect(statusSentence({ ...base, status: "grace" }, now).state).toBe("This check is late.");
    expect(statusSentence({ ...base, status: "down" }, now).state).toBe("This check is down.");
    expect(statusSentence({ ...base, status: "down", last_ping: null }, now).detail).toBe("It has never received a ping.");
    expect(statusSentence({ ...base, status: "new", last_ping: null }, now)).toEqual({ state: "This check has never received a ping.", detail: "" });
  });

  it("tells a paused check that ignores pings from one that a ping resumes", () => {
    expect(statusSentence({ ...base, status: "paused", manual_resume: true }, now).state).toBe("This check is paused, and ignores pings until it is resumed.");
    expect(statusSentence({ ...base, status: "paused" }, now).state).toBe("This check is paused; its next ping resumes it.");
  });

  it("says since when a run is going on", () => {
    expect(statusSentence({ ...base, started: true }, now, "2026-11-03T11:55:00Z").detail).toBe(
      "Last ping was 3 minutes ago. Currently running, started 5 minutes ago.",
    );
    expect(statusSentence({ ...base, status: "new", last_ping: null, started: true }, now).detail).toBe("Currently running.");
  });
});

describe("the downtime summaries", () => {
  it("read each month as Healthchecks does", () => {
    expect(downtimeRow({ month: "2026-11", count: 0, duration: 0, uptime_pct: 100, no_data: false })).toEqual({
      month: "November 2026",
      downtime: "All good!",
      uptime: "100%",
    });
    expect(downtimeRow({ month: "2026-10", count: 2, duration: 3900, uptime_pct: 99.99999, no_data: false })).toEqual({
      month: "October 2026",
      downtime: "2 downtimes, 1 hour 5 minutes total",
      uptime: "99.99%",
    });
    expect(downtimeRow({ month: "2026-09", count: 1, duration: 60, uptime_pct: 99.5, no_data: false }).downtime).toBe("1 downtime, 1 minute total");
    expect(downtimeRow({ month: "2026-09", count: 1, duration: 0, uptime_pct: 100, no_data: false })).toMatchObject({ downtime: "1 downtime, under a minute total", uptime: "100.00%" });
    expect(downtimeRow({ month: "2026-09", count: 0, duration: 0, uptime_pct: 100, no_data: true })).toEqual({ month: "September 2026", downtime: "No data", uptime: "—" });
  });

  it("colour the days of the bar in the check's zone", () => {
    const now = Date.parse("2026-11-10T12:00:00Z");
    const days = dayStates(
      [
        ["2026-11-08T10:00:00Z", "2026-11-08T12:00:00Z"],
        ["2026-11-09T01:00:00Z", "2026-11-09T23:00:00Z"],
      ],
      { now, days: 5, tz: "UTC", created: "2026-11-06T12:00:00Z" },
    );
    expect(days.map((d) => [d.day, d.state])).toEqual([
      ["2026-11-06", "up"],
      ["2026-11-07", "up"],
      ["2026-11-08", "partial"],
      ["2026-11-09", "down"],
      ["2026-11-10", "up"],
    ]);
    expect(daysSummary(days)).toBe("5 days: 2 days with downtime, the longest 22 hours on 2026-11-09.");
    const before = dayStates([], { now, days: 6, tz: "UTC", created: "2026-11-06T12:00:00Z" });
    expect(before[0]).toEqual({ day: "2026-11-05", state: "none", downMs: 0 });
    expect(daysSummary(before)).toBe("6 days: no downtime.");
    // In Tokyo (UTC+9) the second period's first hours fall on 9 November's local morning.
    const tokyo = dayStates([["2026-11-09T01:00:00Z", "2026-11-09T23:00:00Z"]], { now, days: 3, tz: "Asia/Tokyo", created: "2026-01-01T00:00:00Z" });
    expect(tokyo.map((d) => [d.day, d.downMs / 3_600_000])).toEqual([
      ["2026-11-08", 0],
      ["2026-11-09", 14],
      ["2026-11-10", 8],
    ]);
  });
});

describe("descriptions and slugs", () => {
  it("make web links of http and https addresses only, leaving trailing punctuation as text", () => {
    expect(linkParts("See https://example.org/runbook#db, or http://x.test/a?b=1.")).toEqual([
      { text: "See " },
      { text: "https://example.org/runbook#db", href: "https://example.org/runbook#db" },
      { text: ", or " },
      { text: "http://x.test/a?b=1", href: "http://x.test/a?b=1" },
      { text: "." },
    ]);
    expect(linkParts("javascript:alert(1) and ftp://x.test")).toEqual([{ text: "javascript:alert(1) and ftp://x.test" }]);
    expect(linkParts("(https://example.org)")).toEqual([{ text: "(" }, { text: "https://example.org", href: "https://example.org" }, { text: ")" }]);
  });

  it("suggest a slug the ping URLs take", () => {
    expect(slugify("Nightly DB backup (prod)")).toBe("nightly-db-backup-prod");
    expect(slugify("Café crème_2")).toBe("cafe-creme_2");
    expect(slugify("  --  ")).toBe("");
    expect(serverMessage({ slug: slugify("Ünïcödé & Co. №5") })).toBeNull();
  });
});
