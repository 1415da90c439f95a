// The check's object under faults (invariants 3, 5 and 9 in docs/architecture.md): its alarm is armed with the write,
// the catalog and the object converge, flapping is summarised, and the sweeper finds what is stuck.
import { createExecutionContext, evictDurableObject, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it, vi } from "vitest";
import { SNAPSHOT_BODY_LIMIT, SNAPSHOT_DESC_LIMIT } from "../../src/checks/check-do";
import { CHECK_DO_MIGRATIONS, CHECK_DO_SCHEMA, CHECK_DO_SCHEMA_VERSION } from "../../src/checks/check-do-schema";
import { newRow } from "../../src/checks/repository";
import type { CheckSnapshot } from "../../src/checks/model";
import { sweep } from "../../src/sweeper/sweep";
import { checks } from "../../src/db/schema";
import worker from "../../src/index";
import {
  api,
  call,
  fetchWithVars,
  makeCheck,
  makeProject,
  outboxSize,
  patchSchedule,
  recordAlerts,
  scheduled,
  stub,
  summaryRow,
  view,
} from "./helpers";

const MIN = 60_000;
const HOUR = 3_600_000;

async function snapshotOf(flipId: string): Promise<CheckSnapshot> {
  const row = await env.DB.prepare("SELECT snapshot FROM alert_flips WHERE id = ?").bind(flipId).first<{ snapshot: string }>();
  return JSON.parse(row!.snapshot) as CheckSnapshot;
}

describe("the alarm is armed with the write", () => {
  it("a ping's new deadline has its alarm while the summary write is still waiting for D1", async () => {
    const { id } = await makeCheck({ timeout: 3600, grace: 60 });
    await call(`/ping/${id}`);
    const s = stub(id);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    await runInDurableObject(s, (instance) => {
      const real = env.DB;
      // D1 answers only when the test says so.
      const slow = { prepare: real.prepare.bind(real), batch: async (stmts: D1PreparedStatement[]) => (await gate, real.batch(stmts)) };
      (instance as unknown as { env: Env }).env = { ...env, DB: slow as unknown as D1Database };
    });
    const started = call(`/ping/${id}/start`);
    try {
      await vi.waitFor(
        async () => {
          const [alarm, lastStart] = await runInDurableObject(s, async (instance, state) => [
            await state.storage.getAlarm(),
            instance.state()?.state.last_start,
          ]);
          expect(lastStart).toEqual(expect.any(Number));
          expect(alarm).toBe((lastStart as number) + 60_000);
        },
        { timeout: 1500, interval: 20 },
      );
    } finally {
      release();
    }
    expect((await started).status).toBe(200);
  });
});

/** The Worker with the check objects' `configure` failing, as if an object reset mid-call. */
function withConfigureFailing(): Env {
  const real = env.CHECKS;
  const broken = {
    idFromName: (name: string) => real.idFromName(name),
    get: (oid: DurableObjectId) => {
      const s = real.get(oid);
      return new Proxy(s, {
        get: (target, prop) =>
          prop === "configure" ? () => Promise.reject(new Error("object reset")) : (target as unknown as Record<string | symbol, unknown>)[prop],
      });
    },
  };
  return { ...env, CHECKS: broken as unknown as DurableObjectNamespace<import("../../src/checks/check-do").CheckDO> } as Env;
}

describe("the catalog and the check's object converge", () => {
  it("an update the object cannot apply answers 503 and changes nothing anyone can see", async () => {
    const p = await makeProject();
    const res = await api(p, "/checks/", { body: { name: "before", timeout: 3600 } });
    const { uuid } = await res.json<{ uuid: string }>();
    const ctx = createExecutionContext();
    const failed = await worker.fetch(
      new Request(`http://localhost/api/v3/checks/${uuid}`, {
        method: "POST",
        headers: { "X-Api-Key": p.api_key, "Content-Type": "application/json" },
        body: JSON.stringify({ name: "after", timeout: 7200 }),
      }),
      withConfigureFailing(),
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ error: expect.stringContaining("nothing was changed") });
    const one = await (await api(p, `/checks/${uuid}`)).json<{ name: string; timeout: number }>();
    expect(one).toMatchObject({ name: "before", timeout: 3600 });
    const list = await (await api(p, "/checks/")).json<{ checks: { name: string; timeout: number }[] }>();
    expect(list.checks).toEqual([expect.objectContaining({ name: "before", timeout: 3600 })]);
  });

  it("the sweeper re-applies a catalog version the object missed", async () => {
    const { id } = await makeCheck({ timeout: 3600 });
    await env.DB.prepare("UPDATE checks SET timeout = 7200, version = version + 1 WHERE id = ?").bind(id).run();
    const report = await sweep(env, Date.now());
    expect(report.reconfigured).toBeGreaterThanOrEqual(1);
    expect((await view(id)).config.timeout).toBe(7200);
    const row = await summaryRow(id);
    expect(row!.applied_version).toBe(row!.version);
  });

  it("a check whose object never got its configuration is readable, pausable and deletable", async () => {
    const p = await makeProject();
    const row = await newRow(p.id, { name: "orphaned create" });
    await drizzle(env.DB).insert(checks).values(row);
    const got = await api(p, `/checks/${row.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toMatchObject({ name: "orphaned create", uuid: row.id });
    expect((await api(p, `/checks/${row.id}/pause`, { method: "POST" })).status).toBe(200);
    const del = await api(p, `/checks/${row.id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await api(p, `/checks/${row.id}`)).status).toBe(404);
  });
});

describe("flap control", () => {
  it("more than 20 alerting flips in an hour: one flapping alert, the rest held, then one summary after a quiet hour", async () => {
    const { id } = await makeCheck();
    const rec = await recordAlerts(id, false);
    for (let i = 0; i < 30; i++) await call(`/ping/${id}${i % 2 === 0 ? "/fail" : ""}`);
    await runDurableObjectAlarm(stub(id));
    expect(rec.sent).toHaveLength(21);
    const notice = await snapshotOf(rec.sent[20]!.flip_id);
    expect(notice).toMatchObject({ reason: "flapping", new_status: "down" });
    expect(await outboxSize(id)).toBe(0);
    // An hour without a flip.
    expect((await scheduled(id)).flap).toBeGreaterThan(Date.now() + HOUR - MIN);
    await patchSchedule(id, "flap", Date.now() - 1);
    const after = await recordAlerts(id, false);
    await runDurableObjectAlarm(stub(id));
    expect(after.sent).toHaveLength(1);
    const summary = await snapshotOf(after.sent[0]!.flip_id);
    expect(summary).toMatchObject({ reason: "flap_end", new_status: "up", flap: { held: 9 } });
    // Alerts flow again.
    await call(`/ping/${id}/fail`);
    await runDurableObjectAlarm(stub(id));
    expect(after.sent).toHaveLength(2);
    expect(await snapshotOf(after.sent[1]!.flip_id)).toMatchObject({ reason: "fail", new_status: "down" });
  });

  it("snapshots keep at most 10 KB of the body and 1 KB of the description", async () => {
    const { id } = await makeCheck({ desc: "d".repeat(5000) });
    const rec = await recordAlerts(id, false);
    await fetchWithVars({ PING_BODY_LIMIT: "none" }, `/ping/${id}/fail`, { method: "POST", body: "b".repeat(50_000) });
    await runDurableObjectAlarm(stub(id));
    const snap = await snapshotOf(rec.sent[0]!.flip_id);
    expect(snap.last_ping_body).toHaveLength(SNAPSHOT_BODY_LIMIT);
    expect(String(snap.check.desc)).toHaveLength(SNAPSHOT_DESC_LIMIT);
  });

  it("the sweeper keeps the latest 100 settled alerts of a check", async () => {
    const checkId = crypto.randomUUID();
    const insert = env.DB.prepare(
      `INSERT INTO alert_flips (id, check_id, project_id, created, old_status, new_status, reason, snapshot, enqueued_at, seq, watch_until)
       VALUES (?, ?, 'p', ?, 'up', 'down', 'fail', '{}', 0, ?, NULL)`,
    );
    const now = Date.now();
    await env.DB.batch(Array.from({ length: 150 }, (_, i) => insert.bind(`${checkId}-${i}`, checkId, now - (150 - i) * 1000, i + 1)));
    await sweep(env, now);
    const { results } = await env.DB.prepare("SELECT min(seq) AS lo, count(*) AS n FROM alert_flips WHERE check_id = ?").bind(checkId).all();
    expect(results[0]).toEqual({ lo: 51, n: 100 });
  });
});

describe("the sweeper finds what is stuck", () => {
  it("checks a poke cannot fix do not hide an overdue check behind them", async () => {
    const p = await makeProject();
    const past = Date.now() - 10 * MIN;
    // 120 catalog rows whose objects never existed: a poke changes nothing, they stay overdue.
    const stuck = env.DB.prepare(
      `INSERT INTO checks (id, project_id, name, unique_key, badge_key, created, status, alert_after, next_alarm)
       VALUES (?, ?, 'stuck', ?, ?, 0, 'up', ?, ?)`,
    );
    await env.DB.batch(
      Array.from({ length: 120 }, (_, i) => stuck.bind(crypto.randomUUID(), p.id, "0".repeat(40), crypto.randomUUID(), past - i, past - i)),
    );
    const { id } = await makeCheck({}, p);
    await call(`/ping/${id}`);
    const lost = Date.now() - 2 * 86_400_000;
    await runInDurableObject(stub(id), async (_i, state) => {
      state.storage.sql.exec("UPDATE state SET last_ping = ? WHERE id = 1", lost);
      await state.storage.deleteAlarm();
    });
    await evictDurableObject(stub(id));
    await env.DB.prepare("UPDATE checks SET alert_after = ?1, next_alarm = ?1 WHERE id = ?2").bind(past + MIN, id).run();
    await sweep(env, Date.now());
    expect(await summaryRow(id)).toMatchObject({ status: "down" });
  });

  it("pokes a down check whose outbox row is stuck, and its alert is handed over", async () => {
    const { id } = await makeCheck();
    const rec = await recordAlerts(id, false);
    rec.failNext(100);
    await call(`/ping/${id}/fail`);
    expect(await outboxSize(id)).toBe(1);
    await runInDurableObject(stub(id), (_i, state) => state.storage.deleteAlarm());
    await env.DB.prepare("UPDATE checks SET next_alarm = ? WHERE id = ?").bind(Date.now() - 2 * MIN, id).run();
    rec.failNext(0);
    const report = await sweep(env, Date.now());
    expect(report.poked).toBeGreaterThanOrEqual(1);
    expect(rec.sent).toHaveLength(1);
    expect(await outboxSize(id)).toBe(0);
  });
});

describe("stored schema upgrades", () => {
  it("every schema version after 1 has its migration step", () => {
    const steps = Object.keys(CHECK_DO_MIGRATIONS).map(Number).sort((a, b) => a - b);
    expect(steps).toEqual(Array.from({ length: CHECK_DO_SCHEMA_VERSION - 1 }, (_, i) => i + 2));
  });

  it("an object stored at schema version 2 migrates itself on first access, keeping its down time and reminder", async () => {
    const id = crypto.randomUUID();
    const p = await makeProject();
    const row = await newRow(p.id, { name: "old" });
    await drizzle(env.DB).insert(checks).values({ ...row, id });
    const downAt = Date.now() - 5 * HOUR;
    const nagDue = Date.now() + 10 * MIN;
    const config = { ...row, id, channels: "", ping_log_limit: 100, origin: "http://localhost", methods: "" };
    await runInDurableObject(stub(id), (_i, state) => {
      const sql = state.storage.sql;
      sql.exec(CHECK_DO_SCHEMA);
      sql.exec(CHECK_DO_MIGRATIONS[2]!);
      sql.exec("INSERT INTO meta (k, v) VALUES ('schema_version', '2')");
      sql.exec(
        `INSERT INTO state (id, config, status, last_ping, n_pings, has_confirmation_link, summary_version, mirror_due, removed, nag_due, nag_count)
         VALUES (1, ?, 'down', ?, 3, 0, 5, NULL, 0, ?, 2)`,
        JSON.stringify(config),
        downAt,
        nagDue,
      );
      sql.exec("INSERT INTO flips (id, created, old_status, new_status, reason) VALUES ('f', ?, 'up', 'down', 'timeout')", downAt);
    });
    await evictDurableObject(stub(id));
    expect((await view(id)).state).toMatchObject({ status: "down", n_pings: 3 });
    const migrated = await runInDurableObject(stub(id), (_i, state) => ({
      version: state.storage.sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v,
      downSince: state.storage.sql.exec("SELECT down_since FROM state").one().down_since,
    }));
    expect(migrated).toEqual({ version: "3", downSince: downAt });
    expect((await scheduled(id)).reminder).toBe(nagDue);
  });

  it("an object stored by newer code (after a rollback) keeps working and its stored version is not lowered", async () => {
    const { id } = await makeCheck();
    await runInDurableObject(stub(id), (_i, state) => {
      // What an additive next version would have done: one more column, a higher version.
      state.storage.sql.exec("ALTER TABLE state ADD COLUMN next_version_field INTEGER NOT NULL DEFAULT 7");
      state.storage.sql.exec("UPDATE meta SET v = ? WHERE k = 'schema_version'", String(CHECK_DO_SCHEMA_VERSION + 1));
    });
    await evictDurableObject(stub(id));
    expect((await call(`/ping/${id}`)).status).toBe(200);
    expect((await view(id)).state.status).toBe("up");
    const stored = await runInDurableObject(stub(id), (_i, state) => ({
      version: state.storage.sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v,
      field: state.storage.sql.exec("SELECT next_version_field FROM state").one().next_version_field,
    }));
    expect(stored).toEqual({ version: String(CHECK_DO_SCHEMA_VERSION + 1), field: 7 });
  });
});

describe("what else the object and the sweeper survive", () => {
  it("a failing summary mirror does not fail the ping; the alarm writes it later", async () => {
    const { id } = await makeCheck();
    const s = stub(id);
    await runInDurableObject(s, (instance) => {
      const failing = { prepare: env.DB.prepare.bind(env.DB), batch: () => Promise.reject(new Error("D1 unavailable")) };
      (instance as unknown as { env: Env }).env = { ...env, DB: failing as unknown as D1Database };
    });
    expect((await call(`/ping/${id}/fail`)).status).toBe(200);
    expect(await summaryRow(id)).toMatchObject({ status: "new" });
    const due = (await scheduled(id)).mirror!;
    expect(due).toBeGreaterThan(Date.now());
    await runInDurableObject(s, (instance) => {
      (instance as unknown as { env: Env }).env = env;
    });
    await runDurableObjectAlarm(s);
    expect(await summaryRow(id)).toMatchObject({ status: "down" });
  });

  it("an object whose catalog row is gone removes itself instead of alerting for an invisible check", async () => {
    const { id } = await makeCheck();
    await env.DB.prepare("DELETE FROM checks WHERE id = ?").bind(id).run();
    await call(`/ping/${id}/fail`);
    expect(await stub(id).state()).toBeNull();
    expect((await call(`/ping/${id}`)).status).toBe(404);
  });

  it("a poke that fails is counted and the other overdue checks are still poked", async () => {
    const p = await makeProject();
    const [a, b] = [(await makeCheck({}, p)).id, (await makeCheck({}, p)).id];
    const past = Date.now() - 10 * MIN;
    await env.DB.prepare("UPDATE checks SET next_alarm = ? WHERE id IN (?, ?)").bind(past, a, b).run();
    const real = env.CHECKS;
    const broken = {
      idFromName: (name: string) => real.idFromName(name),
      get: (oid: DurableObjectId) => {
        const s = real.get(oid);
        const failing = oid.equals(real.idFromName(a));
        return new Proxy(s, {
          get: (target, prop) =>
            prop === "poke" && failing ? () => Promise.reject(new Error("object reset")) : (target as unknown as Record<string | symbol, unknown>)[prop],
        });
      },
    };
    const report = await sweep({ ...env, CHECKS: broken } as unknown as Env, Date.now());
    expect(report.pokeFailed).toBe(1);
    expect(report.poked).toBeGreaterThanOrEqual(1);
    // b was poked: its summary shows its real next alarm (none: never pinged) instead of the stale one.
    expect((await summaryRow(b))!.next_alarm).toBeNull();
    expect((await summaryRow(a))!.next_alarm).toBe(past);
  });

  it("deleting a project with more than 50 checks removes 50 at once and the sweeper the rest", async () => {
    const p = await makeProject();
    await Promise.all(Array.from({ length: 60 }, (_, i) => makeCheck({ name: `c${i}` }, p)));
    const del = await call(`/admin/v1/projects/${p.id}`, { method: "DELETE", headers: { Authorization: "Bearer test-admin-token" } });
    expect(del.status).toBe(200);
    const left = async () => (await env.DB.prepare("SELECT count(*) AS n FROM checks WHERE project_id = ?").bind(p.id).first<{ n: number }>())!.n;
    expect(await left()).toBe(10);
    const report = await sweep(env, Date.now() + 2 * MIN);
    expect(report.projectsDeleted).toBe(1);
    expect(await left()).toBe(0);
    expect(await env.DB.prepare("SELECT id FROM projects WHERE id = ?").bind(p.id).first()).toBeNull();
  }, 60_000);
});
