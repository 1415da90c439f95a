// The DO as single writer: concurrent pings are serialised, none is lost.
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, makeCheck, stub, summaryRow, view } from "./helpers";

describe("concurrent pings", () => {
  it("1,000 concurrent pings to one check leave n_pings exactly 1,000", async () => {
    const { id } = await makeCheck();
    const statuses = await Promise.all(Array.from({ length: 1000 }, () => call(`/ping/${id}`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect((await view(id)).state.n_pings).toBe(1000);
    // The coalesced summary catches up once its write is due.
    await runDurableObjectAlarm(stub(id));
    expect(await summaryRow(id)).toMatchObject({ n_pings: 1000, status: "up" });
  }, 60_000); // many requests: seconds, not milliseconds, on a loaded machine
});
