// Status from a D1 summary row matches the DO's own answer.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CheckRow } from "../../src/checks/repository";
import { summaryStatus } from "../../src/checks/summary-status";
import { call, makeCheck, patchState, summaryRow, view } from "./helpers";

describe("summaryStatus", () => {
  it("agrees with the DO for new, up, down and running checks", async () => {
    const { id } = await makeCheck();
    const row = async () => (await summaryRow(id)) as unknown as CheckRow;
    expect(summaryStatus(await row(), Date.now())).toBe("new");
    await call(`/ping/${id}`);
    expect(summaryStatus(await row(), Date.now())).toBe((await view(id)).status);
    await call(`/ping/${id}/start`);
    expect(summaryStatus(await row(), Date.now(), true)).toBe("started");
    await call(`/ping/${id}/fail`);
    expect(summaryStatus(await row(), Date.now())).toBe("down");
  });

  it("shows grace and down from the last ping and the schedule alone", async () => {
    const { id } = await makeCheck({ timeout: 3600, grace: 600 });
    await call(`/ping/${id}`);
    await patchState(id, { last_ping: Date.now() - 3700_000 });
    const past = Date.now() - 3700_000;
    await env.DB.prepare("UPDATE checks SET last_ping = ? WHERE id = ?").bind(past, id).run();
    const row = (await summaryRow(id)) as unknown as CheckRow;
    expect(summaryStatus(row, Date.now())).toBe("grace");
    expect(summaryStatus(row, past + 4200_000)).toBe("down");
  });
});
