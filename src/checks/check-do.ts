import { DurableObject } from "cloudflare:workers";
import { config } from "../config";
import { classifyEmail, classifyPing, hasConfirmationLink, normaliseRid } from "./classify";
import { mirrorSummary, projectNagPeriod, storeAlertStatements, type PendingAlert, type Summary } from "./object-store";
import {
  checkConfigSchema,
  initialState,
  type CheckConfig,
  type CheckConfigInput,
  type CheckSnapshot,
  type CheckState,
  type CheckView,
  type FlipRecord,
  type PingInput,
  type PingKind,
  type PingRecord,
  type PingResult,
  type StoredStatus,
} from "./model";
import { downPeriods } from "./downtime";
import { durations } from "./durations";
import { renderCheck } from "./render";
import { applyPing, flipNotifies, getStatus, goingDownAfter, graceStart, type FlipChange } from "./status";
import { CHECK_DO_MIGRATIONS, CHECK_DO_SCHEMA, CHECK_DO_SCHEMA_VERSION } from "./check-do-schema";
import { checkDumpSchema, DUMP_TABLES, dumpConfig, type CheckDump } from "./check-dump";
import { base64, fromBase64 } from "../crypto";
import { publish } from "../projects/live";

/** Coalesced summary writes (last_ping, n_pings alone) lag at most this much. */
const SUMMARY_LAG_MS = 1000;
/** A status-changing ping waits at most this long for its summary mirror. */
const MIRROR_TIMEOUT_MS = 2000;
/** If the drain right after a flip dies with the object, the alarm retries after this. */
const OUTBOX_FALLBACK_MS = 5000;
/** An alarm this overdue when the object loads is taken as lost and set again. */
const LOST_ALARM_MS = 60_000;
const RATE_WINDOW_MS = 10_000;
/** What an alert snapshot keeps of the last ping's body and of the description (alert_flips stays small). */
export const SNAPSHOT_BODY_LIMIT = 10_000;
export const SNAPSHOT_DESC_LIMIT = 1_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** While down with reminders off, how often the object looks whether they were turned on. */
const NAG_POLL_MS = HOUR_MS;
/** If the reminder period cannot be read, look again after this. */
const NAG_RETRY_MS = 300_000;
/** Flap control: more alerting flips than this within FLAP_WINDOW_MS hold the check's alerts... */
const DEFAULT_FLAP_LIMIT = 20;
const FLAP_WINDOW_MS = HOUR_MS;
/** ...until it has had no flip for this long; then one summary alert goes out. */
const FLAP_QUIET_MS = HOUR_MS;
/** The checks list's strip: down periods of this long ago, at most this many (the newest). */
const RECENT_DOWNS_MS = 30 * DAY_MS;
const RECENT_DOWNS = 100;
/** Flips kept per check besides the 93-day rule, so a hostile pinger cannot grow the object without bound. */
const MAX_FLIPS = 10_000;

/**
 * Things the object must do at a time, one row each in its `schedule` table; the alarm is always set
 * for the earliest. deadline: going down unless pinged; mirror: a coalesced summary write; outbox: an
 * alert hand-over retry; reminder: a "still down" look; flap: the end of a flapping episode; removal: a
 * removal waiting for its outbox.
 */
type Item = "deadline" | "mirror" | "outbox" | "reminder" | "flap" | "removal";
/** Items that follow from stored state: recomputed, never stored (a ping moves the deadline without a row write). */
const DERIVED: ReadonlySet<Item> = new Set(["deadline", "outbox"]);

type Row = Record<string, SqlStorageValue>;

/** Rejects after `ms`; the timer is cleared as soon as `p` settles. */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * One object per check, addressed by idFromName(uuid): the single writer of its state.
 * Every mutation runs in one synchronous SQLite transaction that also updates the scheduled items,
 * and the alarm is set in the same synchronous step, before anything is awaited.
 */
export class CheckDO extends DurableObject<Env> {
  #cfg: CheckConfig | null = null;
  #st: CheckState = initialState();
  #removed = false;
  #summaryVersion = 0;
  /** Flips recorded (or cleared) since the down periods were last mirrored; counted, so a flip during a mirror is not lost. */
  #flipsChanged = 1;
  #due = new Map<Item, number>();
  /** The outbox changed since its earliest retry was last computed. */
  #outboxChanged = true;
  /** When the check went down (null unless down): reminders and downtimes count from it. */
  #downSince: number | null = null;
  #lastReminder: number | null = null;
  /** Flap control: when alerts started being held (null = not flapping), and how many were held. */
  #flapSince: number | null = null;
  #flapHeld = 0;
  /** When the last flapping episode ended: flips before it do not count towards the next. */
  #flapEnded: number | null = null;
  /** Numbers the check's alerts in creation order. */
  #alertSeq = 0;
  #draining: Promise<void> | null = null;
  /** Outbox rows whose snapshot is known to be in D1 already (stored with the summary mirror). */
  #stored = new Set<string>();
  /** The alarm time last set (undefined = unknown), so a ping that keeps it skips the storage call. */
  #armedAt: number | null | undefined = undefined;
  #rate = { windowStart: 0, count: 0 };
  /** Whether this object has storage at all (cached: asked on every ping). */
  #schemaReady: boolean | null = null;
  /** The queue alerts go to; a field so tests can observe or break sends. */
  alerts: Queue;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.alerts = env.ALERTS;
    void ctx.blockConcurrencyWhile(async () => {
      this.#load();
      if (this.#cfg !== null || this.#removed) {
        // The deadline and outbox items follow from stored state: recomputed, so they can never be stale.
        ctx.storage.transactionSync(() => this.#scheduleDerived());
        // A deadline that passed while the runtime was down may never fire locally: re-arm it.
        this.#armedAt = await ctx.storage.getAlarm();
        await this.#arm();
      }
    }).catch((err: unknown) => console.error("CheckDO load failed", err));
  }

  get #sql(): SqlStorage {
    return this.ctx.storage.sql;
  }

  #hasSchema(): boolean {
    this.#schemaReady ??=
      this.#sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'state'").toArray().length > 0;
    return this.#schemaReady;
  }

  #load(): void {
    // Nothing is created until configure(), so pings to unknown uuids leave no storage behind.
    if (!this.#hasSchema()) return;
    this.#migrate();
    const row = this.#sql.exec("SELECT * FROM state WHERE id = 1").toArray()[0];
    if (row === undefined) return;
    this.#cfg = checkConfigSchema.parse(JSON.parse(row.config as string));
    this.#st = {
      status: row.status as StoredStatus,
      last_ping: row.last_ping as number | null,
      last_start: row.last_start as number | null,
      last_start_rid: row.last_start_rid as string | null,
      last_duration: row.last_duration as number | null,
      n_pings: row.n_pings as number,
      has_confirmation_link: row.has_confirmation_link === 1,
    };
    this.#summaryVersion = row.summary_version as number;
    this.#removed = row.removed === 1;
    this.#downSince = row.down_since as number | null;
    this.#lastReminder = row.last_reminder as number | null;
    this.#flapSince = row.flap_since as number | null;
    this.#flapHeld = row.flap_held as number;
    this.#flapEnded = row.flap_ended as number | null;
    this.#alertSeq = row.alert_seq as number;
    for (const r of this.#sql.exec("SELECT item, due FROM schedule")) {
      if (!DERIVED.has(r.item as Item)) this.#due.set(r.item as Item, r.due as number);
    }
    this.#outboxChanged = true;
  }

  #migrate(): void {
    this.#sql.exec(CHECK_DO_SCHEMA);
    this.#schemaReady = true;
    const row = this.#sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").toArray()[0];
    const from = row === undefined ? 1 : Number(row.v);
    // Stored by newer code (this version was rolled back to): steps are additive by rule, so this code
    // runs on them, and the stored version is never lowered, or the newer code would re-run its steps.
    if (from >= CHECK_DO_SCHEMA_VERSION) return;
    for (let v = from + 1; v <= CHECK_DO_SCHEMA_VERSION; v++) this.#sql.exec(CHECK_DO_MIGRATIONS[v]!);
    this.#sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('schema_version', ?)", String(CHECK_DO_SCHEMA_VERSION));
  }

  #saveState(): void {
    const s = this.#st;
    this.#sql.exec(
      `UPDATE state SET status = ?, last_ping = ?, last_start = ?, last_start_rid = ?, last_duration = ?,
         n_pings = ?, has_confirmation_link = ?, summary_version = ?, removed = ?, down_since = ?, last_reminder = ?,
         flap_since = ?, flap_held = ?, flap_ended = ?, alert_seq = ?
       WHERE id = 1`,
      s.status,
      s.last_ping,
      s.last_start,
      s.last_start_rid,
      s.last_duration,
      s.n_pings,
      s.has_confirmation_link ? 1 : 0,
      this.#summaryVersion,
      this.#removed ? 1 : 0,
      this.#downSince,
      this.#lastReminder,
      this.#flapSince,
      this.#flapHeld,
      this.#flapEnded,
      this.#alertSeq,
    );
  }

  /** Sets or clears a scheduled item; inside a transaction. Derived items live in memory only. */
  #schedule(item: Item, due: number | null): void {
    if (due === null) {
      if (!this.#due.has(item)) return;
      this.#due.delete(item);
      if (!DERIVED.has(item)) this.#sql.exec("DELETE FROM schedule WHERE item = ?", item);
    } else {
      if (this.#due.get(item) === due) return;
      this.#due.set(item, due);
      if (!DERIVED.has(item)) this.#sql.exec("INSERT OR REPLACE INTO schedule (item, due) VALUES (?, ?)", item, due);
    }
  }

  /** Every scheduled item, stored or derived, item → due time (ms): what the alarm is set from. */
  scheduledItems(): Record<string, number> {
    return Object.fromEntries(this.#due);
  }

  /** The items that follow from state: the deadline and the earliest outbox retry. */
  #scheduleDerived(): void {
    const cfg = this.#cfg;
    let deadline: number | null = null;
    if (cfg !== null && !this.#removed) {
      deadline = goingDownAfter(cfg, this.#st);
      // A past deadline that is not "down" (impossible by the status rules) must not spin the alarm.
      if (deadline !== null && deadline <= Date.now() && getStatus(cfg, this.#st, Date.now()) !== "down") deadline = null;
    }
    this.#schedule("deadline", deadline);
    if (!this.#outboxChanged) return;
    const outbox = this.#sql.exec("SELECT min(next_attempt) AS t FROM outbox").toArray()[0]?.t as number | null | undefined;
    this.#schedule("outbox", outbox ?? null);
    this.#outboxChanged = false;
  }

  /**
   * Applies `mutate` with the state, the scheduled items and the alarm in one step: the transaction
   * commits and setAlarm is issued before the caller can await anything (invariant 3 in docs/architecture.md).
   */
  #commit(mutate: () => void): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      mutate();
      this.#scheduleDerived();
      this.#saveState();
    });
    return this.#arm();
  }

  // ---- RPC -------------------------------------------------------------------------------

  /** Creates or updates the check record. Older catalog versions than the stored one are ignored. */
  async configure(input: CheckConfigInput): Promise<{ ok: boolean; error?: string }> {
    const parsed = checkConfigSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "invalid config" };
    if (this.#removed) return { ok: false, error: "check was removed" };
    const cfg = parsed.data;
    if (this.#cfg !== null && cfg.id !== this.#cfg.id) return { ok: false, error: "id mismatch" };
    // An empty origin (the sweeper re-applying a version) keeps the one the check was configured with.
    if (cfg.origin === "" && this.#cfg !== null) cfg.origin = this.#cfg.origin;
    if (this.#cfg !== null && cfg.version < this.#cfg.version) return { ok: true };
    if (this.#cfg !== null && cfg.version === this.#cfg.version && JSON.stringify(cfg) === JSON.stringify(this.#cfg)) {
      // Already applied (a retried update, or the sweeper's reconciliation): make sure D1 knows.
      await this.#commit(() => this.#summaryVersion++);
      await this.#mirror();
      return { ok: true };
    }
    const arming = this.#commit(() => {
      if (this.#cfg === null) {
        this.#migrate();
        this.#sql.exec(
          `INSERT OR IGNORE INTO state (id, config, status, n_pings, has_confirmation_link, summary_version, removed)
           VALUES (1, '{}', 'new', 0, 0, 0, 0)`,
        );
      }
      this.#sql.exec("UPDATE state SET config = ? WHERE id = 1", JSON.stringify(cfg));
      this.#cfg = cfg;
      this.#summaryVersion++;
    });
    await arming;
    await this.#mirror();
    return { ok: true };
  }

  async ping(input: PingInput): Promise<PingResult> {
    if (this.#removed) return "not_found";
    const cfg = this.#cfg;
    if (cfg === null) return "unconfigured";
    if (input.exitStatus !== null && input.exitStatus > 255) return "bad_exit";
    let rid: string | null = null;
    if (input.rid !== null) {
      const normalised = normaliseRid(input.rid);
      if (normalised === undefined) return "bad_rid";
      rid = normalised;
    }
    const now = Date.now();
    if (now - this.#rate.windowStart >= RATE_WINDOW_MS) this.#rate = { windowStart: now, count: 0 };
    if (++this.#rate.count > input.rateLimit) return "rate_limited";

    let action =
      input.email === undefined
        ? classifyPing(cfg, input.action, input.exitStatus, input.method, input.body)
        : classifyEmail(cfg, input.email.subject, input.email.text);
    const before = this.#st;
    if (before.status === "paused" && cfg.manual_resume) action = "ign";
    const { state, flip } = applyPing(before, action, now, rid, hasConfirmationLink(input.body));
    // A flip, or a run starting or ending, is mirrored before we answer; the rest is coalesced.
    const statusChanged = flip !== null || (before.last_start === null) !== (state.last_start === null);
    let notifies = false;
    const arming = this.#commit(() => {
      this.#st = state;
      this.#sql.exec(
        `INSERT INTO pings (n, created, kind, scheme, remote_addr, method, ua, body, exitstatus, rid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        state.n_pings,
        now,
        action,
        input.scheme,
        input.remoteAddr,
        input.method.slice(0, 10),
        input.ua,
        input.body,
        input.exitStatus,
        rid,
      );
      this.#sql.exec("DELETE FROM pings WHERE n <= ?", state.n_pings - cfg.ping_log_limit);
      if (state.n_pings % 100 === 0) this.#pruneFlips(now);
      if (flip !== null) notifies = this.#recordFlip(flip, now);
      this.#summaryVersion++;
      if (!statusChanged && !this.#due.has("mirror")) this.#schedule("mirror", now + SUMMARY_LAG_MS);
    });
    await arming;
    if (statusChanged) await this.#mirror();
    if (notifies) this.ctx.waitUntil(this.#drainOutbox(false));
    return "ok";
  }

  async pause(): Promise<CheckView | null> {
    if (this.#cfg === null || this.#removed) return null;
    if (this.#st.status !== "paused") {
      const now = Date.now();
      await this.#commit(() => {
        this.#recordFlip({ old_status: this.#st.status, new_status: "paused", reason: "" }, now);
        this.#st = { ...this.#st, status: "paused", last_start: null };
        this.#summaryVersion++;
      });
      await this.#mirror();
    }
    return this.state();
  }

  /** Returns null for an unknown check, "not_paused" when there is nothing to resume. */
  async resume(): Promise<CheckView | null | "not_paused"> {
    if (this.#cfg === null || this.#removed) return null;
    if (this.#st.status !== "paused") return "not_paused";
    const now = Date.now();
    await this.#commit(() => {
      this.#recordFlip({ old_status: "paused", new_status: "new", reason: "" }, now);
      this.#st = { ...this.#st, status: "new", last_start: null, last_ping: null };
      this.#summaryVersion++;
    });
    await this.#mirror();
    return this.state();
  }

  /**
   * Healthchecks' "Clear Events": the ping log and the flips are deleted and the check is new again
   * (its ping numbers go on from n_pings). Alerts already in the outbox still go out.
   */
  async clearEvents(): Promise<CheckView | null> {
    if (this.#cfg === null || this.#removed) return null;
    await this.#commit(() => {
      this.#sql.exec("DELETE FROM pings");
      this.#sql.exec("DELETE FROM flips");
      this.#flipsChanged++;
      this.#st = {
        ...this.#st,
        status: "new",
        last_ping: null,
        last_start: null,
        last_start_rid: null,
        last_duration: null,
        has_confirmation_link: false,
      };
      this.#downSince = this.#lastReminder = null;
      this.#schedule("reminder", null);
      if (this.#flapSince !== null) {
        // A flapping episode ends without its summary alert: the history it summarised is gone.
        this.#flapSince = null;
        this.#flapHeld = 0;
        this.#flapEnded = Date.now();
        this.#schedule("flap", null);
      }
      this.#summaryVersion++;
    });
    await this.#mirror();
    return this.state();
  }

  /**
   * Tombstones the check (pings get 404 at once), hands pending alerts to the queue, then deletes
   * all storage and the alarm. Returns false if alerts are still pending; the alarm then retries.
   */
  async remove(): Promise<boolean> {
    if (!this.#hasSchema()) return true;
    if (!this.#removed) {
      await this.#commit(() => {
        this.#removed = true;
        for (const item of [...this.#due.keys()]) this.#schedule(item, null);
        this.#schedule("removal", Date.now() + OUTBOX_FALLBACK_MS);
      });
      if (this.#cfg !== null) this.ctx.waitUntil(publish(this.env, this.#cfg.project_id, [{ type: "removed", uuid: this.#cfg.id }]));
    }
    return this.#finishRemoval();
  }

  state(): CheckView | null {
    const cfg = this.#cfg;
    if (cfg === null || this.#removed) return null;
    return {
      config: cfg,
      state: this.#st,
      status: getStatus(cfg, this.#st, Date.now()),
      grace_start: graceStart(cfg, this.#st, false),
      alert_after: goingDownAfter(cfg, this.#st),
    };
  }

  /**
   * The ping log, newest first, with durations as Healthchecks computes them; with `previewBytes`,
   * each with the first that many bytes of its body as text (the dashboard's event log).
   */
  pings(previewBytes = 0): PingRecord[] | null {
    if (this.#cfg === null || this.#removed) return null;
    const rows = this.#sql
      .exec(
        // The preview column only when asked for: the Management API's lists never read bodies.
        `SELECT n, created, kind, scheme, remote_addr, method, ua, length(body) AS body_size, exitstatus, rid
           ${previewBytes > 0 ? ", substr(body, 1, ?) AS preview" : ""}
         FROM pings ORDER BY n DESC`,
        ...(previewBytes > 0 ? [previewBytes] : []),
      )
      .toArray();
    const records = rows.map(({ preview, ...r }) => ({
      ...(r as unknown as PingRecord),
      duration: null,
      ...(previewBytes > 0 && preview instanceof ArrayBuffer ? { body_preview: new TextDecoder().decode(new Uint8Array(preview), { stream: true }) } : {}),
    }));
    return durations(records);
  }

  /** The stored body of ping `n`, or null when there is no such ping or it had no body. */
  pingBody(n: number): Uint8Array | null {
    if (this.#cfg === null || this.#removed) return null;
    const row = this.#sql.exec("SELECT body FROM pings WHERE n = ?", n).toArray()[0];
    if (row === undefined) return null;
    const body = new Uint8Array(row.body as ArrayBuffer);
    return body.byteLength === 0 ? null : body;
  }

  flips(): FlipRecord[] | null {
    if (this.#cfg === null || this.#removed) return null;
    return this.#sql
      .exec("SELECT id, created, old_status, new_status, reason FROM flips ORDER BY seq")
      .toArray() as unknown as FlipRecord[];
  }

  /**
   * Everything the object stores, as stored, with its schema version (backups); null when it has no
   * check. One synchronous read, so the dump is consistent in itself.
   */
  exportState(): CheckDump | null {
    if (this.#cfg === null || this.#removed) return null;
    const all = (table: string, order: string) => this.#sql.exec(`SELECT * FROM ${table} ORDER BY ${order}`).toArray() as CheckDump["flips"];
    return {
      schema_version: Number(this.#sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").one().v),
      state: all("state", "id")[0]!,
      pings: all("pings", "n").map((p) => ({ ...p, body: base64(p.body as unknown as ArrayBuffer) })),
      flips: all("flips", "seq"),
      outbox: all("outbox", "seq, flip_id"),
      schedule: all("schedule", "item"),
    };
  }

  /**
   * Loads a dump into an object without a check (restores). The rows go into the tables of the
   * dump's schema version and the object's own migrations bring them forward, in one transaction
   * that also re-derives the scheduled items; the alarm is set right after it, before any await,
   * then the summary is mirrored. A dump from a newer version than this code knows is refused.
   */
  async importState(input: unknown): Promise<{ ok: boolean; error?: string }> {
    const parsed = checkDumpSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: `invalid dump: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
    }
    const dump = parsed.data;
    // Storage is the test, not the in-memory tombstone: a deleted check's object may be restored.
    if (this.#hasSchema()) return { ok: false, error: "this check's object already has a check" };
    if (dump.schema_version > CHECK_DO_SCHEMA_VERSION) {
      return {
        ok: false,
        error: `the dump is at check schema version ${dump.schema_version}, newer than this deployment's ${CHECK_DO_SCHEMA_VERSION}: upgrade it first`,
      };
    }
    const cfg = dumpConfig(dump);
    if (typeof cfg === "string") return { ok: false, error: cfg };
    if (dump.state.removed !== 0) return { ok: false, error: "the dump is of a removed check" };
    const removed = this.#removed;
    try {
      this.ctx.storage.transactionSync(() => {
        this.#sql.exec(CHECK_DO_SCHEMA);
        for (let v = 2; v <= dump.schema_version; v++) this.#sql.exec(CHECK_DO_MIGRATIONS[v]!);
        this.#sql.exec("INSERT INTO meta (k, v) VALUES ('schema_version', ?)", String(dump.schema_version));
        this.#schemaReady = true;
        this.#insertRows("state", [dump.state]);
        for (const table of DUMP_TABLES) this.#insertRows(table, dump[table] ?? []);
        // Migrates to the current version and reads the state in, as a load after a deploy would.
        this.#load();
        this.#summaryVersion++;
        this.#flipsChanged++;
        this.#schedule("mirror", Date.now());
        this.#scheduleDerived();
        this.#saveState();
      });
    } catch (err) {
      this.#forget(removed);
      return { ok: false, error: `could not load the dump: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.#armedAt = undefined;
    await this.#arm();
    await this.#mirror();
    return { ok: true };
  }

  /** Inserts dumped rows, refusing columns the table does not have at this schema version. */
  #insertRows(table: string, rows: CheckDump["flips"]): void {
    if (rows.length === 0) return;
    const columns = new Set(this.#sql.exec(`SELECT * FROM ${table} LIMIT 0`).columnNames);
    for (const row of rows) {
      const names = Object.keys(row);
      const unknown = names.find((c) => !columns.has(c));
      if (unknown !== undefined) throw new Error(`${table} has no column ${unknown}`);
      const values = names.map((c) => (table === "pings" && c === "body" ? fromBase64(row[c] as string) : row[c]!));
      this.#sql.exec(`INSERT INTO ${table} (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})`, ...values);
    }
  }

  /** Back to an object without a check (the storage was rolled back), as it was before the import. */
  #forget(removed: boolean): void {
    this.#cfg = null;
    this.#st = initialState();
    this.#removed = removed;
    this.#summaryVersion = 0;
    this.#downSince = this.#lastReminder = this.#flapSince = this.#flapEnded = null;
    this.#flapHeld = this.#alertSeq = 0;
    this.#due.clear();
    this.#outboxChanged = true;
    this.#schemaReady = null;
  }

  /**
   * The sweeper's nudge: something looked overdue from outside (a deadline, an alarm, an outbox row),
   * so run everything due as the alarm would, hand over every outbox row now, and re-mirror.
   */
  async poke(): Promise<void> {
    if (this.#cfg !== null && !this.#removed) {
      await this.#commit(() => {
        this.#summaryVersion++;
        this.#schedule("mirror", Date.now());
      });
    }
    await this.#run(Date.now(), true);
  }

  override async alarm(): Promise<void> {
    // A fired alarm is consumed: the next #arm must set one again.
    this.#armedAt = undefined;
    // Test-only: lets the crash suite watch the platform give up on a failing alarm.
    if (this.env.TEST_FAIL_ALARMS === "true") throw new Error("alarm failure injected by TEST_FAIL_ALARMS");
    await this.#run(Date.now(), false);
  }

  // ---- internals -------------------------------------------------------------------------

  /** Runs every scheduled item that is due; never throws, and leaves the alarm armed. */
  async #run(now: number, force: boolean): Promise<void> {
    try {
      await this.#runDue(now, force);
    } catch (err) {
      console.error("CheckDO alarm failed", err);
    } finally {
      try {
        await this.#arm();
      } catch (err) {
        console.error("CheckDO could not re-arm", err);
      }
    }
  }

  #isDue(item: Item, now: number): boolean {
    const due = this.#due.get(item);
    return due !== undefined && due <= now;
  }

  async #runDue(now: number, force: boolean): Promise<void> {
    if (this.#removed) {
      await this.#finishRemoval();
      return;
    }
    const cfg = this.#cfg;
    if (cfg === null) return;
    const deadline = goingDownAfter(cfg, this.#st);
    if (deadline !== null && now >= deadline && getStatus(cfg, this.#st, now) === "down") {
      await this.#commit(() => {
        this.#recordFlip({ old_status: this.#st.status, new_status: "down", reason: "timeout" }, deadline);
        this.#st = { ...this.#st, status: "down" };
        this.#summaryVersion++;
      });
      await this.#mirror();
    } else if (this.#due.has("mirror")) {
      // Flushed whenever the alarm runs, even early: the lag bound is an upper bound.
      await this.#mirror();
    }
    if (this.#isDue("reminder", now)) await this.#remind(now);
    if (this.#isDue("flap", now)) await this.#endFlapping(now);
    await this.#drainOutbox(force);
  }

  /**
   * Writes a flip and, for flips that alert, an outbox row with the snapshot the alert will show,
   * inside the caller's transaction (before the state changes to `change.new_status`). Returns whether
   * an alert was queued; a flapping check's alerts are held (invariant 9 in docs/architecture.md).
   */
  #recordFlip(change: FlipChange, created: number): boolean {
    const id = crypto.randomUUID();
    this.#flipsChanged++;
    this.#sql.exec(
      "INSERT INTO flips (id, created, old_status, new_status, reason) VALUES (?, ?, ?, ?, ?)",
      id,
      created,
      change.old_status,
      change.new_status,
      change.reason,
    );
    const downSince = this.#downSince;
    if (change.new_status === "down") {
      this.#downSince = created;
      this.#lastReminder = null;
      // The first look at the reminder period; each look schedules the next.
      this.#schedule("reminder", created + NAG_POLL_MS);
    } else {
      this.#downSince = null;
      this.#lastReminder = null;
      this.#schedule("reminder", null);
    }
    if (!flipNotifies(change)) return false;
    if (this.#flapSince !== null) {
      this.#flapHeld++;
      this.#schedule("flap", created + FLAP_QUIET_MS);
      return false;
    }
    const recent = this.#sql
      .exec(
        `SELECT count(*) AS n FROM flips WHERE created > ? AND (new_status = 'down' OR (old_status = 'down' AND new_status = 'up'))`,
        Math.max(created - FLAP_WINDOW_MS, this.#flapEnded ?? 0),
      )
      .one().n as number;
    if (recent > this.#flapLimit()) {
      this.#flapSince = created;
      this.#flapHeld = 0;
      this.#schedule("flap", created + FLAP_QUIET_MS);
      const notice = { old_status: change.old_status, new_status: "down" as const, reason: "flapping" as const };
      this.#enqueue({ ...this.#snapshot(crypto.randomUUID(), notice, created), flap: { since: created, held: 0 } });
      return true;
    }
    const snap = this.#snapshot(id, change, created);
    const down = change.new_status === "up" && downSince !== null ? created - downSince : null;
    this.#enqueue({ ...snap, down_duration: down });
    return true;
  }

  #flapLimit(): number {
    const raw = Number(this.env.FLAP_LIMIT);
    return Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_FLAP_LIMIT;
  }

  /** An hour without a flip ends a flapping episode with one alert showing the status it settled in. */
  async #endFlapping(now: number): Promise<void> {
    await this.#commit(() => {
      if (this.#flapSince === null || now < (this.#due.get("flap") ?? 0)) return;
      const status: StoredStatus = this.#st.status === "down" ? "down" : "up";
      const change = { old_status: status, new_status: status, reason: "flap_end" as const };
      const down = status === "down" && this.#downSince !== null ? now - this.#downSince : null;
      this.#enqueue({
        ...this.#snapshot(crypto.randomUUID(), change, now),
        down_duration: down,
        flap: { since: this.#flapSince, held: this.#flapHeld },
      });
      this.#flapSince = null;
      this.#flapHeld = 0;
      this.#flapEnded = now;
      this.#schedule("flap", null);
    });
    this.ctx.waitUntil(this.#drainOutbox(false));
  }

  /** An outbox row: handed to the queue right after the answer, or by the alarm after a failure. */
  #enqueue(snapshot: CheckSnapshot): void {
    this.#sql.exec(
      "INSERT INTO outbox (flip_id, snapshot, attempts, next_attempt, seq) VALUES (?, ?, 0, ?, ?)",
      snapshot.flip_id,
      JSON.stringify(snapshot),
      Date.now() + OUTBOX_FALLBACK_MS,
      snapshot.seq,
    );
    this.#outboxChanged = true;
  }

  /**
   * A "still down" look: when the project's reminder period says one is due, one reminder goes out
   * through the same pipeline. At most one per period, the next one due a period after the last one
   * sent (or after the flip), never in the past: a long outage does not catch up.
   */
  async #remind(now: number): Promise<void> {
    let period: number;
    try {
      period = (await withTimeout(projectNagPeriod(this.env.DB, this.#cfg!.project_id), MIRROR_TIMEOUT_MS)) * 1000;
    } catch (err) {
      console.error("could not read the project's reminder period", err);
      await this.#commit(() => this.#schedule("reminder", now + NAG_RETRY_MS));
      return;
    }
    let sent = false;
    await this.#commit(() => {
      // A ping may have arrived meanwhile.
      if (this.#st.status !== "down" || !this.#isDue("reminder", now)) return;
      if (period <= 0) {
        this.#schedule("reminder", now + NAG_POLL_MS);
        return;
      }
      const base = this.#lastReminder ?? this.#downSince ?? now;
      if (now < base + period) {
        this.#schedule("reminder", base + period);
        return;
      }
      // A flapping check's reminders are held with its other alerts.
      if (this.#flapSince === null) {
        const change = { old_status: "down" as const, new_status: "down" as const, reason: "reminder" as const };
        const snap = this.#snapshot(crypto.randomUUID(), change, now);
        this.#enqueue({ ...snap, down_duration: this.#downSince === null ? null : now - this.#downSince });
        sent = true;
      }
      this.#lastReminder = now;
      this.#schedule("reminder", now + period);
    });
    if (sent) this.ctx.waitUntil(this.#drainOutbox(false));
  }

  #snapshot(flipId: string, change: FlipChange, created: number): CheckSnapshot {
    const cfg = this.#cfg!;
    const after: CheckState = { ...this.#st, status: change.new_status };
    const conf = config(this.env, cfg.origin);
    const last = this.#sql
      .exec("SELECT kind, scheme, substr(body, 1, ?) AS body, exitstatus FROM pings ORDER BY n DESC LIMIT 1", SNAPSHOT_BODY_LIMIT)
      .toArray()[0];
    const body = last === undefined ? null : new Uint8Array(last.body as ArrayBuffer);
    return {
      check: renderCheck({ ...cfg, desc: cfg.desc.slice(0, SNAPSHOT_DESC_LIMIT) }, after, {
        apiVersion: 3,
        readonly: false,
        siteRoot: conf.siteRoot,
        pingEndpoint: conf.pingEndpoint,
        now: created,
      }),
      check_id: cfg.id,
      project_id: cfg.project_id,
      flip_id: flipId,
      flip_time: created,
      seq: ++this.#alertSeq,
      old_status: change.old_status,
      new_status: change.new_status,
      reason: change.reason,
      down_duration: null,
      last_ping_body: body === null ? null : new TextDecoder().decode(body),
      last_ping_exitstatus: (last?.exitstatus as number | null | undefined) ?? null,
      last_ping_kind: (last?.kind as PingKind | undefined) ?? null,
      last_ping_scheme: (last?.scheme as string | undefined) ?? null,
    };
  }

  /** Healthchecks keeps flips no older than the oldest ping still in the log, or 93 days; we also cap the count. */
  #pruneFlips(now: number): void {
    const oldest = this.#sql.exec("SELECT min(created) AS c FROM pings").toArray()[0]?.c as number | null;
    const cutoff = Math.min(oldest ?? now, now - 93 * DAY_MS);
    this.#sql.exec("DELETE FROM flips WHERE created < ?", cutoff);
    this.#sql.exec("DELETE FROM flips WHERE seq <= (SELECT max(seq) FROM flips) - ?", MAX_FLIPS);
  }

  /** The earliest item the outside world should expect to run (the sweeper pokes the object if it does not). */
  #nextAlarm(): number | null {
    const times = [...this.#due].filter(([item]) => item !== "mirror").map(([, t]) => t);
    return times.length === 0 ? null : Math.min(...times);
  }

  /** The last 30 days' down periods for the checks list's strip (at most RECENT_DOWNS, the newest). */
  #recentDowns(now: number): string {
    const since = now - RECENT_DOWNS_MS;
    const flips = this.#sql
      .exec("SELECT created, old_status, new_status FROM flips WHERE created >= ? ORDER BY seq DESC LIMIT ?", since, RECENT_DOWNS * 2)
      .toArray()
      .reverse() as unknown as { created: number; old_status: string; new_status: string }[];
    return JSON.stringify(downPeriods({ flips, status: this.#st.status, now, since }).slice(-RECENT_DOWNS));
  }

  #summary(withDowns: boolean): Summary {
    const cfg = this.#cfg!;
    return {
      id: cfg.id,
      status: this.#st.status,
      last_ping: this.#st.last_ping,
      last_start: this.#st.last_start,
      last_duration: this.#st.last_duration,
      n_pings: this.#st.n_pings,
      grace_start: graceStart(cfg, this.#st, false),
      alert_after: goingDownAfter(cfg, this.#st),
      summary_version: this.#summaryVersion,
      applied_version: cfg.version,
      next_alarm: this.#nextAlarm(),
      recent_downs: withDowns ? this.#recentDowns(Date.now()) : null,
    };
  }

  /**
   * Mirrors the summary into D1 (invariant 5 in docs/architecture.md), storing the snapshots of outbox rows in the same
   * round trip; on failure the alarm retries.
   */
  async #mirror(): Promise<void> {
    if (this.#cfg === null) return;
    const version = this.#summaryVersion;
    const flipsChanged = this.#flipsChanged;
    const pending = (this.#sql.exec("SELECT flip_id, snapshot FROM outbox ORDER BY seq").toArray() as unknown as PendingAlert[]).filter(
      (row) => !this.#stored.has(row.flip_id),
    );
    try {
      const { outcome, watched } = await withTimeout(
        mirrorSummary(this.env.DB, this.#summary(flipsChanged > 0), pending, config(this.env).alertWatchMs, this.#cfg.project_id),
        MIRROR_TIMEOUT_MS,
      );
      for (const row of pending) this.#stored.add(row.flip_id);
      if (outcome === "ok") {
        this.#flipsChanged -= flipsChanged;
        // After the mirror, so a dashboard refetching the list reads what changed; only while one may
        // be open, so an unwatched project costs its object nothing.
        if (watched) this.ctx.waitUntil(publish(this.env, this.#cfg.project_id, [{ type: "check", uuid: this.#cfg.id }]));
      }
      if (outcome === "orphan") {
        // The catalog no longer has this check: never alert for a check nobody can see.
        console.warn(`check ${this.#cfg.id} has no catalog row; removing its object`);
        await this.remove();
        return;
      }
      if (this.#summaryVersion === version && this.#due.has("mirror")) await this.#commit(() => this.#schedule("mirror", null));
    } catch (err) {
      console.error("summary mirror failed", err);
      await this.#commit(() => this.#schedule("mirror", Date.now() + OUTBOX_FALLBACK_MS));
    }
  }

  /** `force`: every row now (a poke, a removal); otherwise new rows and rows whose backoff has passed. */
  #drainOutbox(force: boolean): Promise<void> {
    const run = async () => {
      await this.#draining?.catch(() => {});
      await this.#drain(force);
    };
    const current = run().finally(() => {
      if (this.#draining === current) this.#draining = null;
    });
    this.#draining = current;
    return current;
  }

  /** Hands outbox rows to the queue: snapshot into D1 (unless the mirror stored it), ids onto the queue, row deleted after send() resolved. */
  async #drain(force: boolean): Promise<void> {
    if (!this.#hasSchema()) return;
    const now = Date.now();
    const rows = this.#sql
      .exec("SELECT flip_id, snapshot, attempts FROM outbox WHERE ? OR attempts = 0 OR next_attempt <= ? ORDER BY seq", force ? 1 : 0, now)
      .toArray();
    for (const row of rows as Row[]) {
      const flipId = row.flip_id as string;
      try {
        if (!this.#stored.has(flipId)) {
          const watchMs = config(this.env).alertWatchMs;
          await storeAlertStatements(this.env.DB, [{ flip_id: flipId, snapshot: row.snapshot as string }], Date.now(), watchMs)[0]!.run();
        }
        const snap = JSON.parse(row.snapshot as string) as CheckSnapshot;
        await this.alerts.send({ flip_id: flipId, check_id: snap.check_id, project_id: snap.project_id });
        await this.#commit(() => {
          this.#sql.exec("DELETE FROM outbox WHERE flip_id = ?", flipId);
          this.#outboxChanged = true;
        });
        this.#stored.delete(flipId);
      } catch (err) {
        const attempts = (row.attempts as number) + 1;
        const backoff = Math.min(300_000, 1000 * 2 ** attempts);
        console.error(`outbox drain of flip ${flipId} failed (attempt ${attempts})`, err);
        await this.#commit(() =>
          {
            this.#sql.exec("UPDATE outbox SET attempts = ?, next_attempt = ? WHERE flip_id = ?", attempts, Date.now() + backoff, flipId);
            this.#outboxChanged = true;
          },
        );
      }
    }
  }

  async #finishRemoval(): Promise<boolean> {
    await this.#drainOutbox(true);
    const pending = this.#sql.exec("SELECT count(*) AS n FROM outbox").toArray()[0]?.n as number;
    if (pending > 0) {
      await this.#commit(() => this.#schedule("removal", Date.now() + OUTBOX_FALLBACK_MS));
      return false;
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#armedAt = undefined;
    this.#schemaReady = false;
    this.#due.clear();
    this.#outboxChanged = true;
    // Stay tombstoned in memory: a ping already past the catalog lookup must not resurrect the check.
    this.#cfg = null;
    this.#st = initialState();
    return true;
  }

  /**
   * Sets the alarm for the earliest scheduled item. The storage call is issued synchronously (callers
   * invoke this right after their transaction), so no await can come between a write and its alarm.
   */
  #arm(): Promise<void> {
    if (!this.#hasSchema()) return Promise.resolve();
    const now = Date.now();
    const times = [...this.#due.values()];
    const earliest = times.length === 0 ? null : Math.min(...times);
    // An alarm already due is being delivered (often why a loaded object was loaded): keep it rather
    // than pay a storage write per object. One overdue by far is taken as lost and set again.
    const armed = this.#armedAt;
    if (earliest !== null && earliest <= now && armed != null && armed <= now && armed > now - LOST_ALARM_MS) return Promise.resolve();
    // Never arm at or before now: an alarm set to "now" inside alarm() can be silently dropped.
    const at = earliest === null ? null : Math.max(earliest, now + 1);
    if (at === this.#armedAt) return Promise.resolve();
    this.#armedAt = at;
    return at === null ? this.ctx.storage.deleteAlarm() : this.ctx.storage.setAlarm(at);
  }
}
