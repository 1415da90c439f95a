// Backups through the admin API: GET /admin/v1/export pages and POST /admin/v1/import chunks, and the
// objects' exportState/importState underneath (docs/operations.md#backups).
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { importBackup } from "../../src/admin/backup";
import { CHECK_DO_SCHEMA_VERSION } from "../../src/checks/check-do-schema";
import { newRow } from "../../src/checks/repository";
import { checks } from "../../src/db/schema";
import { ADMIN, api, call, makeCheck, makeProject, scheduled, stub, view, type TestProject } from "./helpers";

const HOUR = 3_600_000;

/** Every page of the export, following the cursors; the cursor lines themselves are left out. */
async function exportAll(limit = 50): Promise<string[]> {
  const lines: string[] = [];
  let cursor: string | null = "";
  while (cursor !== null) {
    const res = await call(`/admin/v1/export?limit=${limit}&cursor=${cursor}`, { headers: ADMIN });
    expect(res.status).toBe(200);
    const page = new TextDecoder().decode(await res.arrayBuffer()).split("\n").filter((l) => l !== "");
    const last = JSON.parse(page.pop()!) as { type: string; next: string | null };
    expect(last.type).toBe("cursor");
    lines.push(...page);
    cursor = last.next;
  }
  return lines;
}

const importLines = (lines: string[]) => call("/admin/v1/import", { method: "POST", headers: ADMIN, body: `${lines.join("\n")}\n` });

/** Deletes every project (and with them their checks' objects) and every user: an empty deployment. */
async function wipe(): Promise<void> {
  const { projects } = await (await call("/admin/v1/projects", { headers: ADMIN })).json<{ projects: { id: string }[] }>();
  for (const p of projects) expect((await call(`/admin/v1/projects/${p.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(200);
  await env.DB.prepare("DELETE FROM users").run();
}

async function json(p: TestProject, path: string): Promise<unknown> {
  const res = await api(p, path);
  expect(res.status, path).toBe(200);
  return res.json();
}

/** What the Management and admin APIs show of a project: the things a restore must give back. */
async function answers(p: TestProject, ids: string[]) {
  const checks: Record<string, unknown> = {};
  for (const id of ids) {
    const pings = (await json(p, `/checks/${id}/pings/`)) as { pings: { n: number }[] };
    const bodies = await Promise.all(pings.pings.map(async ({ n }) => (await api(p, `/checks/${id}/pings/${n}/body`)).text()));
    checks[id] = { check: await json(p, `/checks/${id}`), pings, bodies, flips: await json(p, `/checks/${id}/flips/`) };
  }
  return {
    list: await json(p, "/checks/"),
    checks,
    channels: await json(p, "/channels/"),
    project: await (await call(`/admin/v1/projects/${p.id}`, { headers: ADMIN })).json(),
  };
}

describe("backup and restore", () => {
  it("a restored deployment answers the Management API as before the backup", async () => {
    await wipe();
    const p = await makeProject("restored");
    await env.DB.prepare("INSERT INTO users (id, email, created) VALUES ('u1', 'owner@example.com', 1)").run();
    await env.DB.prepare("UPDATE projects SET owner_id = 'u1' WHERE id = ?").bind(p.id).run();
    const a = (await (await api(p, "/channels/", { body: { name: "hook", kind: "webhook", value: { url_down: "https://hooks.example/down" } } })).json()) as { id: string };
    const b = (await (await api(p, "/channels/", { body: { name: "room", kind: "matrix", value: "!a:b.c" } })).json()) as { id: string };
    const ids: string[] = [];
    for (const name of ["nightly", "hourly", "cron"]) {
      const body = name === "cron" ? { name, schedule: "0 3 * * *", tz: "Europe/Riga", grace: 600 } : { name, timeout: 86400, tags: "prod db" };
      const res = await api(p, "/checks/", { body: { ...body, channels: name === "nightly" ? `${a.id},${b.id}` : "" } });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { uuid: string }).uuid);
    }
    const [nightly, hourly, cron] = ids as [string, string, string];
    await call(`/ping/${nightly}`, { method: "POST", body: "backup done: 42 files" });
    await call(`/ping/${nightly}/start`);
    await call(`/ping/${hourly}/fail`, { method: "POST", body: new Uint8Array([0, 159, 255, 10]) });
    await call(`/ping/${hourly}`, { method: "POST", body: "recovered" });
    await call(`/ping/${hourly}/fail`);
    await api(p, `/checks/${cron}/pause`, { method: "POST" });
    // Coalesced summaries (n_pings, last_ping) are written now, so the "before" list is exact.
    for (const id of ids) await stub(id).poke();
    const other = await makeCheck({ name: "other project" });
    await call(`/ping/${other.id}`);
    await stub(other.id).poke();
    const before = await answers(p, ids);
    const otherBefore = await answers(other.project, [other.id]);

    const lines = await exportAll(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: "header", format: "edgechecks-backup", version: 1, check_schema_version: CHECK_DO_SCHEMA_VERSION });
    await wipe();
    expect((await api(p, "/checks/")).status).toBe(401);
    const res = await importLines(lines);
    expect(await res.json()).toEqual({ imported: { users: 1, projects: 2, channels: 2, checks: 4 } });

    expect(await answers(p, ids)).toEqual(before);
    expect(await answers(other.project, [other.id])).toEqual(otherBefore);
  });

  it("a restored check keeps its deadline: its alarm is set and its schedule re-derived", async () => {
    await wipe();
    const { id } = await makeCheck({ timeout: 3600, grace: 60 });
    await call(`/ping/${id}`);
    const lines = await exportAll();
    await wipe();
    expect((await importLines(lines)).status).toBe(200);
    const { alert_after } = await view(id);
    expect((await scheduled(id)).deadline).toBe(alert_after);
    expect(await runInDurableObject(stub(id), (_i, state) => state.storage.getAlarm())).toBe(alert_after);
  });

  it("refuses to restore into a deployment that has projects, and writes nothing", async () => {
    await wipe();
    await makeProject("exported");
    const lines = await exportAll();
    const res = await importLines(lines);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "line 1: the deployment is not empty (it has projects, checks or channels): restore only into an empty deployment",
      line: 1,
      imported: { users: 0, projects: 0, channels: 0, checks: 0 },
    });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM projects").first<{ n: number }>())!.n).toBe(1);
  });

  it("a bad line answers 400 with its line number; records before it stay, nothing of it is written", async () => {
    await wipe();
    const { id, project } = await makeCheck({ name: "bad" });
    await call(`/ping/${id}`, { method: "POST", body: "x" });
    const lines = await exportAll();
    await wipe();
    const check = JSON.parse(lines.find((l) => l.includes('"type":"check"'))!) as { object: { pings: { body: string }[] } };
    check.object.pings[0]!.body = "not base64!";
    const res = await importLines([lines[0]!, lines.find((l) => l.includes('"type":"project"'))!, JSON.stringify(check)]);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ line: 3, error: "line 3: object.pings.0: a ping body must be base64", imported: { projects: 1, checks: 0 } });
    expect(await env.DB.prepare("SELECT id FROM projects").all()).toMatchObject({ results: [{ id: project.id }] });
    expect(await env.DB.prepare("SELECT 1 FROM checks WHERE id = ?").bind(id).first()).toBeNull();
    expect(await stub(id).state()).toBeNull();
  });

  it("a line that is not JSON answers 400 with its line number", async () => {
    const res = await call("/admin/v1/import", { method: "POST", headers: ADMIN, body: "\n{nope\n" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ line: 2, error: "line 2: not JSON" });
  });

  it("a check whose object already holds a check is refused with 409 and its catalog rows are taken out", async () => {
    await wipe();
    const { id } = await makeCheck({ name: "twice" });
    const lines = await exportAll();
    // The catalog forgets the check but its object keeps it: the import must not overwrite it.
    await env.DB.prepare("DELETE FROM checks WHERE id = ?").bind(id).run();
    const res = await importLines(lines.filter((l) => l.includes('"type":"check"')));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ line: 1, error: "line 1: object: this check's object already has a check" });
    expect(await env.DB.prepare("SELECT 1 FROM checks WHERE id = ?").bind(id).first()).toBeNull();
    expect((await view(id)).config.name).toBe("twice");
  });

  it("the export and the import need the admin token", async () => {
    expect((await call("/admin/v1/export")).status).toBe(401);
    expect((await call("/admin/v1/import", { method: "POST", body: "" })).status).toBe(401);
  });

  it("a cursor that is not one of the export's answers 400", async () => {
    const res = await call("/admin/v1/export?cursor=bm9wZQ", { headers: ADMIN });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "bad cursor" });
  });
});

describe("import limits, enforced as the bytes arrive", () => {
  const limits = { maxBody: 1000, maxLine: 100, maxRecords: 3 };
  /** A body that arrives in pieces, without a length. */
  const streamOf = (...pieces: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of pieces) controller.enqueue(new TextEncoder().encode(piece));
        controller.close();
      },
    });

  it("a line longer than the limit answers 413 with its line number", async () => {
    const result = await importBackup(env, streamOf("\n", "x".repeat(60), "x".repeat(60)), limits);
    expect(result).toMatchObject({ ok: false, status: 413, line: 2, error: "line 2: the line is longer than 100 bytes" });
  });

  it("a body over the limit answers 413", async () => {
    const result = await importBackup(env, streamOf(...Array.from({ length: 30 }, () => "\n".repeat(50))), limits);
    expect(result).toMatchObject({ ok: false, status: 413, error: expect.stringContaining("the request body is over 1000 bytes") });
  });

  it("more records than the limit answer 413", async () => {
    const user = (n: number) => JSON.stringify({ type: "user", row: { id: `limit-${n}`, email: `l${n}@example.com`, created: 1 } });
    const result = await importBackup(env, streamOf([1, 2, 3, 4].map(user).join("\n")), { ...limits, maxLine: 1000 });
    expect(result).toMatchObject({ ok: false, status: 413, line: 4, imported: { users: 3 } });
  });
});

describe("a check object's dump", () => {
  /** A dump as an object stored at schema version 2 (or 1: before reminders) would have been exported. */
  async function v2Dump() {
    const p = await makeProject();
    const row = await newRow(p.id, { name: "from v2" });
    // The catalog row first, as the import writes it: an object without one removes itself.
    await drizzle(env.DB).insert(checks).values(row);
    const down = Date.now() - 5 * HOUR;
    const config = { ...row, channels: "", ping_log_limit: 100, origin: "http://localhost", methods: "" };
    const dump = {
      schema_version: 2,
      state: {
        id: 1, config: JSON.stringify(config), status: "down", last_ping: down, last_start: null, last_start_rid: null, last_duration: null,
        n_pings: 1, has_confirmation_link: 0, summary_version: 4, mirror_due: null, removed: 0, nag_due: Date.now() + HOUR, nag_count: 1,
      },
      pings: [{ n: 1, created: down, kind: "fail", scheme: "http", remote_addr: null, method: "GET", ua: "", body: "", exitstatus: null, rid: null }],
      flips: [{ seq: 1, id: crypto.randomUUID(), created: down, old_status: "new", new_status: "down", reason: "fail" }],
      outbox: [],
    };
    return { row, dump, down };
  }

  it("a dump at schema version 2 is loaded into version 2 tables and migrated forward", async () => {
    const { row, dump, down } = await v2Dump();
    expect(await stub(row.id).importState(dump)).toEqual({ ok: true });
    expect((await view(row.id)).state).toMatchObject({ status: "down", n_pings: 1 });
    const stored = await runInDurableObject(stub(row.id), (_i, state) => ({
      version: state.storage.sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v,
      downSince: state.storage.sql.exec("SELECT down_since FROM state").one().down_since,
    }));
    expect(stored).toEqual({ version: String(CHECK_DO_SCHEMA_VERSION), downSince: down });
    expect((await scheduled(row.id)).reminder).toBe(dump.state.nag_due);
  });

  it("a dump at schema version 1 is migrated through every step to the current version", async () => {
    const { row, dump } = await v2Dump();
    const { nag_due: _due, nag_count: _count, ...v1State } = dump.state;
    expect(await stub(row.id).importState({ ...dump, schema_version: 1, state: v1State })).toEqual({ ok: true });
    expect((await view(row.id)).state).toMatchObject({ status: "down", n_pings: 1 });
    expect(await runInDurableObject(stub(row.id), (_i, state) => state.storage.sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v)).toBe(
      String(CHECK_DO_SCHEMA_VERSION),
    );
  });

  it("a dump from a newer schema version is refused and nothing is stored", async () => {
    const { row, dump } = await v2Dump();
    const result = await stub(row.id).importState({ ...dump, schema_version: CHECK_DO_SCHEMA_VERSION + 1 });
    expect(result).toEqual({
      ok: false,
      error: `the dump is at check schema version ${CHECK_DO_SCHEMA_VERSION + 1}, newer than this deployment's ${CHECK_DO_SCHEMA_VERSION}: upgrade it first`,
    });
    expect(await runInDurableObject(stub(row.id), (_i, state) => state.storage.sql.exec("SELECT name FROM sqlite_master").toArray())).toEqual([]);
  });

  it("a dump with a column its version does not have is rolled back whole", async () => {
    const { row, dump } = await v2Dump();
    const result = await stub(row.id).importState({ ...dump, flips: [{ ...dump.flips[0], surprise: 1 }] });
    expect(result).toEqual({ ok: false, error: "could not load the dump: flips has no column surprise" });
    expect(await stub(row.id).state()).toBeNull();
    expect(await runInDurableObject(stub(row.id), (_i, state) => state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'state'").toArray())).toEqual([]);
  });

  it("an export carries the object's stored schema version and its ping bodies as base64", async () => {
    const { id } = await makeCheck({ name: "exported" });
    await call(`/ping/${id}`, { method: "POST", body: "hello" });
    expect(await stub(id).exportState()).toMatchObject({ schema_version: CHECK_DO_SCHEMA_VERSION, pings: [{ n: 1, body: btoa("hello") }] });
  });
});
