// Every row of the golden file through GET /api/v3/schedule-preview.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { goldenRows, rowName } from "./helpers";

let ipCounter = 0;

async function preview(params: Record<string, string>): Promise<Response> {
  const qs = new URLSearchParams(params).toString();
  // A fresh client address per request keeps the rate limiter out of the way.
  ipCounter++;
  return exports.default.fetch(
    new Request(`http://x/api/v3/schedule-preview?${qs}`, {
      headers: { "CF-Connecting-IP": `198.51.100.${ipCounter % 250}-${ipCounter}` },
    }),
  );
}

describe("golden file via the preview endpoint", () => {
  describe.each(goldenRows.map((r, i) => [rowName(r, i), r] as const))("%s", (_name, row) => {
    it("answers like the libraries", async () => {
      const res = await preview({ schedule: row.schedule, tz: row.tz, after: row.after, n: "10" });
      const body = (await res.json()) as { kind?: string; next?: string[]; error?: string; description?: string };
      if (row.error !== null) {
        expect(res.status).toBe(400);
        expect(body.error).toBe("schedule is not a valid cron or OnCalendar expression");
        return;
      }
      expect(res.status).toBe(200);
      expect(body.kind).toBe(row.kind);
      expect(body.next).toEqual(row.next);
      expect(typeof body.description).toBe("string");
    });
  });
});
