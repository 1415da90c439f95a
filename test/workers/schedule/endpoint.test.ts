// GET /api/v3/schedule-preview: defaults, validation errors and rate limiting.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseIsoInstant, PREVIEW_RATE_LIMIT, PREVIEW_RATE_WINDOW_MS } from "../../../src/api/schedule-preview";
import { freezeClock } from "../helpers";

let n = 0;
async function get(query: string, ip = `203.0.113.1-${++n}`): Promise<{ status: number; body: any; res: Response }> {
  const res = await exports.default.fetch(
    new Request(`http://x/api/v3/schedule-preview?${query}`, { headers: { "CF-Connecting-IP": ip } }),
  );
  return { status: res.status, body: await res.json(), res };
}
const q = (p: Record<string, string>) => new URLSearchParams(p).toString();

describe("schedule preview endpoint", () => {
  it("previews a cron expression", async () => {
    const { status, body, res } = await get(q({ schedule: "0 9 * * 1-5", tz: "America/New_York", after: "2024-03-08T14:00:00Z", n: "3" }));
    expect(status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(body).toEqual({
      kind: "cron",
      next: ["2024-03-11T13:00:00Z", "2024-03-12T13:00:00Z", "2024-03-13T13:00:00Z"],
      description: "At 09:00 on Monday through Friday",
    });
  });

  it("previews an OnCalendar expression", async () => {
    const { status, body } = await get(q({ schedule: "Mon..Fri 09:00", after: "2024-01-05T10:00:00Z", n: "2" }));
    expect(status).toBe(200);
    expect(body).toEqual({
      kind: "oncalendar",
      next: ["2024-01-08T09:00:00Z", "2024-01-09T09:00:00Z"],
      description: "Mon..Fri *-*-* 09:00:00",
    });
  });

  it("defaults: tz UTC, n 10, after now", async () => {
    const before = Date.now();
    const { status, body } = await get(q({ schedule: "* * * * *" }));
    expect(status).toBe(200);
    expect(body.next).toHaveLength(10);
    expect(new Date(body.next[0]).getTime()).toBeGreaterThan(before - 1000);
    expect(body.next[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  });

  it("accepts offsets in `after`, and a '+' that arrived as a space", async () => {
    const a = await get(q({ schedule: "0 0 * * *", after: "2024-01-01T01:00:00+02:00", n: "1" }));
    expect(a.body.next).toEqual(["2024-01-01T00:00:00Z"]);
    const b = await get("schedule=0+0+*+*+*&after=2024-01-01T01:00:00+02:00&n=1");
    expect(b.status).toBe(200);
    expect(b.body.next).toEqual(["2024-01-01T00:00:00Z"]);
  });

  it("a valid schedule with no occurrence after `after` gives an empty list", async () => {
    const { status, body } = await get(q({ schedule: "2019-01-01", after: "2020-01-01T00:00:00Z" }));
    expect(status).toBe(200);
    expect(body.next).toEqual([]);
  });

  it("n=50 is allowed and returns 50 times", async () => {
    const { status, body } = await get(q({ schedule: "*/5 * * * *", after: "2024-01-01T00:00:00Z", n: "50" }));
    expect(status).toBe(200);
    expect(body.next).toHaveLength(50);
  });

  const errors: [string, Record<string, string>, string][] = [
    ["missing schedule", {}, "schedule is required"],
    ["schedule longer than 100 chars", { schedule: "0 ".repeat(50) + "0" }, "schedule is too long"],
    ["invalid cron", { schedule: "61 * * * *" }, "schedule is not a valid cron or OnCalendar expression"],
    ["invalid OnCalendar", { schedule: "Surprise 12:34" }, "schedule is not a valid cron or OnCalendar expression"],
    ["no occurrence after 2000-01-01", { schedule: "1999-01-01" }, "schedule is not a valid cron or OnCalendar expression"],
    ["6-field cron", { schedule: "* * * * * *" }, "schedule is not a valid cron or OnCalendar expression"],
    ["unknown tz", { schedule: "* * * * *", tz: "Mars/Base" }, "tz is not a valid timezone"],
    ["tz in the wrong case", { schedule: "* * * * *", tz: "europe/riga" }, "tz is not a valid timezone"],
    ["offset as tz", { schedule: "* * * * *", tz: "+02:00" }, "tz is not a valid timezone"],
    ["bad after", { schedule: "* * * * *", after: "yesterday" }, "after is not a valid ISO 8601 instant (e.g. 2024-01-01T00:00:00Z)"],
    ["after without a zone", { schedule: "* * * * *", after: "2024-01-01T00:00:00" }, "after is not a valid ISO 8601 instant (e.g. 2024-01-01T00:00:00Z)"],
    ["after with Feb 30", { schedule: "* * * * *", after: "2024-02-30T00:00:00Z" }, "after is not a valid ISO 8601 instant (e.g. 2024-01-01T00:00:00Z)"],
    ["n=0", { schedule: "* * * * *", n: "0" }, "n must be an integer from 1 to 50"],
    ["n=51", { schedule: "* * * * *", n: "51" }, "n must be an integer from 1 to 50"],
    ["n not a number", { schedule: "* * * * *", n: "ten" }, "n must be an integer from 1 to 50"],
  ];
  it.each(errors)("400 for %s", async (_name, params, error) => {
    const { status, body } = await get(q(params));
    expect(status).toBe(400);
    expect(body.error).toBe(error);
  });

  it("reports the library detail for an invalid expression", async () => {
    expect((await get(q({ schedule: "61 * * * *" }))).body.detail).toBe("Bad minute");
    expect((await get(q({ schedule: "0 0 */100 * MON#2" }))).body.detail).toBe("no occurrence after 2000-01-01");
  });

  it("a 100-character schedule is not too long", async () => {
    const schedule = "0 0 * * *" + " ".repeat(91);
    expect(schedule.length).toBe(100);
    expect((await get(q({ schedule }))).status).toBe(200);
  });

});

describe("schedule preview rate limit", () => {
  // The clock stands still (or moves only when the test says), so all requests fall in one window
  // however slow the machine is.
  afterEach(() => {
    vi.useRealTimers();
  });
  const query = q({ schedule: "0 0 * * *", after: "2024-01-01T00:00:00Z", n: "1" });

  /** Uses up one client's window: PREVIEW_RATE_LIMIT answers 200. */
  async function exhaust(ip: string) {
    for (let i = 0; i < PREVIEW_RATE_LIMIT; i++) expect((await get(query, ip)).status).toBe(200);
  }

  it("answers 429 with Retry-After past the limit, counted per client IP", async () => {
    freezeClock();
    await exhaust("192.0.2.77");
    const limited = await get(query, "192.0.2.77");
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: "rate limited" });
    expect(limited.res.headers.get("Retry-After")).toBe(String(PREVIEW_RATE_WINDOW_MS / 1000));
    expect((await get(query, "192.0.2.78")).status).toBe(200);
  }, 30_000); // over 120 requests

  it("Retry-After counts down the seconds left in the window, rounded up", async () => {
    const clock = freezeClock();
    await exhaust("192.0.2.79");
    clock.advance(PREVIEW_RATE_WINDOW_MS - 2_500);
    expect((await get(query, "192.0.2.79")).res.headers.get("Retry-After")).toBe("3");
  }, 30_000);

  it("lets the client in again once its window has passed", async () => {
    const clock = freezeClock();
    await exhaust("192.0.2.80");
    clock.advance(PREVIEW_RATE_WINDOW_MS - 1);
    expect((await get(query, "192.0.2.80")).status).toBe(429);
    clock.advance(1);
    expect((await get(query, "192.0.2.80")).status).toBe(200);
  }, 30_000);
});

describe("parseIsoInstant", () => {
  it.each([
    ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z"],
    ["2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05.123Z"],
    ["2024-01-02T03:04:05.123456Z", "2024-01-02T03:04:05.123Z"],
    ["2024-01-02T03:04Z", "2024-01-02T03:04:00.000Z"],
    ["2024-01-02T03:04:05+05:45", "2024-01-01T21:19:05.000Z"],
    ["2024-01-02T03:04:05-0300", "2024-01-02T06:04:05.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
  ])("%s", (input, expected) => {
    expect(parseIsoInstant(input)?.toISOString()).toBe(expected);
  });
  it.each(["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01", "2024-01-01T24:00:00Z", "now", ""])("rejects %j", (input) => {
    expect(parseIsoInstant(input)).toBeNull();
  });
});
