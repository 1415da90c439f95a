// CheckDO.configure: every Healthchecks field, versioned updates, deadline recomputed and mirrored.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rowToConfig } from "../../src/checks/repository";
import { call, makeCheck, stub, summaryRow, view } from "./helpers";

describe("CheckDO.configure", () => {
  it("keeps every Healthchecks check field", async () => {
    const fields = {
      name: "Backups",
      slug: "backups",
      tags: "prod  db",
      desc: "nightly",
      kind: "cron" as const,
      timeout: 600,
      grace: 120,
      schedule: "0 3 * * *",
      tz: "Europe/Riga",
      filter_subject: true,
      filter_body: true,
      filter_http_body: true,
      filter_default_fail: true,
      start_kw: "begin",
      success_kw: "done",
      failure_kw: "error",
      methods: "POST" as const,
      manual_resume: true,
    };
    const { id } = await makeCheck(fields);
    expect((await view(id)).config).toMatchObject(fields);
  });

  it("applies a newer version, ignores an older one, and re-arms the deadline", async () => {
    const { id, row } = await makeCheck();
    await call(`/ping/${id}`);
    const lastPing = (await view(id)).state.last_ping!;
    const v2 = { ...rowToConfig({ ...row, timeout: 600, grace: 60, version: 2 }, [], 100, ""), name: "v2" };
    expect(await stub(id).configure(v2)).toEqual({ ok: true });
    const stale = { ...rowToConfig({ ...row, timeout: 86400, version: 1 }, [], 100, ""), name: "v1" };
    expect(await stub(id).configure(stale)).toEqual({ ok: true });
    const v = await view(id);
    expect(v.config).toMatchObject({ name: "v2", timeout: 600, version: 2 });
    expect(v.alert_after).toBe(lastPing + 660_000);
    expect(await runInDurableObject(stub(id), (_i, s) => s.storage.getAlarm())).toBeLessThanOrEqual(lastPing + 660_000);
    expect((await summaryRow(id))!.alert_after).toBe(lastPing + 660_000);
  });

  it("rejects invalid configuration and keeps the stored one", async () => {
    const { id, row } = await makeCheck();
    const bad = { ...rowToConfig({ ...row, version: 5 }, [], 100, ""), methods: "PUT" } as unknown as Parameters<
      ReturnType<typeof stub>["configure"]
    >[0];
    const result = await stub(id).configure(bad);
    expect(result.ok).toBe(false);
    expect((await view(id)).config.version).toBe(1);
  });

  it("leaves no storage behind for pings to unknown uuids", async () => {
    const id = crypto.randomUUID();
    expect((await call(`/ping/${id}`)).status).toBe(404);
    const tables = await runInDurableObject(stub(id), (_i, s) => s.storage.sql.exec("SELECT name FROM sqlite_master").toArray());
    expect(tables).toEqual([]);
  });
});
