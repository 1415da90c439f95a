// The API's time-zone list and legacy rewrites, and that the runtime can compute in every zone.
import { describe, expect, it } from "vitest";
import { API_TIMEZONES, LEGACY_TIMEZONES } from "../../src/api/timezones";
import { nextFireTime } from "../../src/checks/schedule/index";
import { call, makeProject } from "./helpers";

async function createWithTz(tz: string) {
  const p = await makeProject();
  return call("/api/v3/checks/", {
    method: "POST",
    headers: { "X-Api-Key": p.api_key },
    body: JSON.stringify({ schedule: "0 3 * * *", tz }),
  });
}

describe("time zones", () => {
  it("has Healthchecks' 483 zones and 113 legacy names, every legacy name pointing at a listed zone", () => {
    expect(API_TIMEZONES.size).toBe(483);
    expect(Object.keys(LEGACY_TIMEZONES)).toHaveLength(113);
    for (const target of Object.values(LEGACY_TIMEZONES)) expect(API_TIMEZONES.has(target)).toBe(true);
  });

  it("can compute cron fire times in every accepted zone with the runtime's data", () => {
    for (const tz of API_TIMEZONES) {
      expect({ tz, ok: nextFireTime("cron", "0 3 * * *", tz, new Date(Date.UTC(2024, 0, 1))) !== null }).toEqual({ tz, ok: true });
    }
  });

  it("rewrites legacy names to the canonical zone", async () => {
    for (const [legacy, canonical] of [
      ["Europe/Kiev", "Europe/Kyiv"],
      ["UCT", "Etc/UTC"],
      ["CET", "Europe/Brussels"],
    ]) {
      const res = await createWithTz(legacy!);
      expect(res.status).toBe(201);
      expect((await res.json<{ tz: string }>()).tz).toBe(canonical);
    }
  });

  it("refuses names Healthchecks refuses, whatever Intl would accept", async () => {
    for (const tz of ["utc", "europe/riga", "Europe/Surprise", "+02:00"]) {
      const res = await createWithTz(tz);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "json validation error: tz is not a valid timezone" });
    }
  });
});
