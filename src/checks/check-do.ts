import { DurableObject } from "cloudflare:workers";
import { config } from "../config";
import { classifyEmail, classifyPing, hasConfirmationLink, normaliseRid, type UrlAction } from "../ping/classify";
import { mirrorSummary, projectNagPeriod, storeAlertStatements, type PendingAlert, type Summary } from "./catalog";
import {
  checkConfigSchema,
  initialState,
  type CheckConfig,
  type CheckConfigInput,
  type CheckState,
  type FlipRecord,
  type PingKind,
  type PingRecord,
  type StoredStatus,
} from "./model";
import { durations } from "./durations";
import { renderCheck } from "./render";
import { applyPing, flipNotifies, getStatus, goingDownAfter, graceStart, type FlipChange } from "./status";
import { CHECK_DO_MIGRATIONS, CHECK_DO_SCHEMA, CHECK_DO_SCHEMA_VERSION } from "./check-do-schema";

/** Coalesced summary writes (last_ping, n_pings alone) lag at most this much. */
const SUMMARY_LAG_MS = 1000;
/** A status-changing ping waits at most this long for its summary mirror. */
const MIRROR_TIMEOUT_MS = 2000;
/** If the drain right after a flip dies with the object, the alarm retries after this. */
const OUTBOX_FALLBACK_MS = 5000;
/** An alarm this overdue when the object loads is taken as lost and set again. */
const LOST_ALARM_MS = 60_000;
const RATE_WINDOW_MS = 10_000;
/** Bytes of the last ping's body kept in an alert snapshot; more of an email, attached to email alerts. */
const SNAPSHOT_BODY_LIMIT = 10_000;
const SNAPSHOT_EMAIL_LIMIT = 100_000;
const DAY_MS = 86_400_000;
/** How often a down check looks whether reminders are wanted (the shortest nag period). */
const NAG_POLL_MS = 3_600_000;

export interface PingInput {
  action: UrlAction;
  exitStatus: number | null;
  /** The raw `rid` query value; null when absent. */
  rid: string | null;
  method: string;
  scheme: string;
  remoteAddr: string | null;
  ua: string;
  body: Uint8Array;
  /** Email pings: subject and text (plain part plus text of the HTML part) for the email filters. */
  email?: { subject: string; text: string };
  /** PING_RATE_LIMIT as the Worker read it: pings per 10 s beyond which pings are dropped. */
  rateLimit: number;
}

/** "unconfigured": this object has no check yet (see pingCheck in catalog.ts, which configures it). */
export type PingResult = "ok" | "not_found" | "unconfigured" | "bad_exit" | "bad_rid" | "rate_limited";

export interface CheckSnapshot {
  check: Record<string, unknown>;
  check_id: string;
  project_id: string;
  flip_id: string;
  flip_time: number;
  old_status: StoredStatus;
  new_status: StoredStatus;
  reason: string;
  /** ms the check was down, for recovery alerts. */
  down_duration: number | null;
  last_ping_body: string | null;
  last_ping_exitstatus: number | null;
  last_ping_kind: PingKind | null;
  /** "email" for an email ping (its raw message is the body); absent in snapshots from before it was kept. */
  last_ping_scheme?: string | null;
}

export interface CheckView {
  config: CheckConfig;
  state: CheckState;
  status: ReturnType<typeof getStatus>;
  grace_start: number | null;
  alert_after: number | null;
}

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
 * Every mutation runs in one synchronous SQLite transaction; the alarm is the check's deadline.
 */
export class CheckDO extends DurableObject<Env> {
  #cfg: CheckConfig | null = null;
  #st: CheckState = initialState();
  #removed = false;
  #summaryVersion = 0;
  #mirrorDue: number | null = null;
  /** While down: when to look whether a "still down" reminder is due (null otherwise). */
  #nagDue: number | null = null;
  #nagCount = 0;
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
    this.#mirrorDue = row.mirror_due as number | null;
    this.#nagDue = row.nag_due as number | null;
    this.#nagCount = row.nag_count as number;
    this.#removed = row.removed === 1;
  }

  #migrate(): void {
    this.#sql.exec(CHECK_DO_SCHEMA);
    this.#schemaReady = true;
    const row = this.#sql.exec("SELECT v FROM meta WHERE k = 'schema_version'").toArray()[0];
    const from = row === undefined ? 1 : Number(row.v);
    for (let v = from + 1; v <= CHECK_DO_SCHEMA_VERSION; v++) this.#sql.exec(CHECK_DO_MIGRATIONS[v]!);
    this.#sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('schema_version', ?)", String(CHECK_DO_SCHEMA_VERSION));
  }

  #saveState(): void {
    const s = this.#st;
    this.#sql.exec(
      `UPDATE state SET status = ?, last_ping = ?, last_start = ?, last_start_rid = ?, last_duration = ?,
         n_pings = ?, has_confirmation_link = ?, summary_version = ?, mirror_due = ?, removed = ?, nag_due = ?, nag_count = ?
       WHERE id = 1`,
      s.status,
      s.last_ping,
      s.last_start,
      s.last_start_rid,
      s.last_duration,
      s.n_pings,
      s.has_confirmation_link ? 1 : 0,
      this.#summaryVersion,
      this.#mirrorDue,
      this.#removed ? 1 : 0,
      this.#nagDue,
      this.#nagCount,
    );
  }

  // ---- RPC -------------------------------------------------------------------------------

  /** Creates or updates the check record. Older catalog versions than the stored one are ignored. */
  async configure(input: CheckConfigInput): Promise<{ ok: boolean; error?: string }> {
    const parsed = checkConfigSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "invalid config" };
    if (this.#removed) return { ok: false, error: "check was removed" };
    const cfg = parsed.data;
    if (this.#cfg !== null && cfg.id !== this.#cfg.id) return { ok: false, error: "id mismatch" };
    if (this.#cfg !== null && cfg.version < this.#cfg.version) return { ok: true };
    this.ctx.storage.transactionSync(() => {
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
      this.#saveState();
    });
    await this.#mirror();
    await this.#arm();
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
    this.ctx.storage.transactionSync(() => {
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
      if (!statusChanged && this.#mirrorDue === null) this.#mirrorDue = now + SUMMARY_LAG_MS;
      this.#saveState();
    });
    if (statusChanged) await this.#mirror();
    await this.#arm();
    if (notifies) this.ctx.waitUntil(this.#drainOutbox().then(() => this.#arm()));
    return "ok";
  }

  async pause(): Promise<CheckView | null> {
    if (this.#cfg === null || this.#removed) return null;
    if (this.#st.status !== "paused") {
      const now = Date.now();
      this.ctx.storage.transactionSync(() => {
        this.#recordFlip({ old_status: this.#st.status, new_status: "paused", reason: "" }, now);
        this.#st = { ...this.#st, status: "paused", last_start: null };
        this.#summaryVersion++;
        this.#saveState();
      });
      await this.#mirror();
      await this.#arm();
    }
    return this.state();
  }

  /** Returns null for an unknown check, "not_paused" when there is nothing to resume. */
  async resume(): Promise<CheckView | null | "not_paused"> {
    if (this.#cfg === null || this.#removed) return null;
    if (this.#st.status !== "paused") return "not_paused";
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.#recordFlip({ old_status: "paused", new_status: "new", reason: "" }, now);
      this.#st = { ...this.#st, status: "new", last_start: null, last_ping: null };
      this.#summaryVersion++;
      this.#saveState();
    });
    await this.#mirror();
    await this.#arm();
    return this.state();
  }

  /**
   * Tombstones the check (pings get 404 at once), hands pending alerts to the queue, then deletes
   * all storage and the alarm. Returns false if alerts are still pending; the alarm then retries.
   */
  async remove(): Promise<boolean> {
    if (!this.#hasSchema()) return true;
    if (!this.#removed) {
      this.#removed = true;
      this.#saveState();
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

  /** The ping log, newest first, with durations as Healthchecks computes them. */
  pings(): PingRecord[] | null {
    if (this.#cfg === null || this.#removed) return null;
    const rows = this.#sql
      .exec(
        `SELECT n, created, kind, scheme, remote_addr, method, ua, length(body) AS body_size, exitstatus, rid
         FROM pings ORDER BY n DESC`,
      )
      .toArray();
    const records = rows.map((r) => ({ ...(r as unknown as PingRecord), duration: null }));
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

  /** The sweeper's nudge: the summary looked overdue, so evaluate as the alarm would and re-mirror. */
  async poke(): Promise<void> {
    if (this.#cfg !== null && !this.#removed) {
      this.#summaryVersion++;
      this.#mirrorDue = Date.now();
      this.#saveState();
    }
    await this.alarm();
  }

  override async alarm(): Promise<void> {
    // A fired alarm is consumed: the next #arm must set one again.
    this.#armedAt = undefined;
    try {
      await this.#evaluate(Date.now());
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

  // ---- internals -------------------------------------------------------------------------

  async #evaluate(now: number): Promise<void> {
    if (this.#removed) {
      await this.#finishRemoval();
      return;
    }
    const cfg = this.#cfg;
    if (cfg === null) return;
    const deadline = goingDownAfter(cfg, this.#st);
    if (deadline !== null && now >= deadline && getStatus(cfg, this.#st, now) === "down") {
      this.ctx.storage.transactionSync(() => {
        this.#recordFlip({ old_status: this.#st.status, new_status: "down", reason: "timeout" }, deadline);
        this.#st = { ...this.#st, status: "down" };
        this.#summaryVersion++;
        this.#saveState();
      });
      await this.#mirror();
    } else if (this.#mirrorDue !== null) {
      // Flushed whenever the alarm runs, even early: the lag bound is an upper bound.
      await this.#mirror();
    }
    if (this.#st.status === "down" && this.#nagDue !== null && now >= this.#nagDue) await this.#remind(now);
    await this.#drainOutbox();
  }

  /**
   * Writes a flip, and for flips that alert an outbox row with the snapshot the alert will show,
   * inside the caller's transaction. The snapshot shows `this.#st` with the flip's new status.
   */
  #recordFlip(change: FlipChange, created: number): boolean {
    const id = crypto.randomUUID();
    this.#sql.exec(
      "INSERT INTO flips (id, created, old_status, new_status, reason) VALUES (?, ?, ?, ?, ?)",
      id,
      created,
      change.old_status,
      change.new_status,
      change.reason,
    );
    // While down, the alarm looks hourly whether the project wants a "still down" reminder.
    this.#nagDue = change.new_status === "down" ? created + NAG_POLL_MS : null;
    this.#nagCount = 0;
    if (!flipNotifies(change)) return false;
    this.#enqueue(this.#snapshot(id, change, created));
    return true;
  }

  /** An outbox row: handed to the queue right after the answer, or by the alarm after a failure. */
  #enqueue(snapshot: CheckSnapshot): void {
    this.#sql.exec(
      "INSERT INTO outbox (flip_id, snapshot, attempts, next_attempt) VALUES (?, ?, 0, ?)",
      snapshot.flip_id,
      JSON.stringify(snapshot),
      Date.now() + OUTBOX_FALLBACK_MS,
    );
  }

  /**
   * Sends a "still down" reminder through the same pipeline when the project's nag period says one
   * is due (counted from the flip to down), and schedules the next look.
   */
  async #remind(now: number): Promise<void> {
    let period: number;
    try {
      period = (await withTimeout(projectNagPeriod(this.env.DB, this.#cfg!.project_id), MIRROR_TIMEOUT_MS)) * 1000;
    } catch (err) {
      console.error("could not read the project's reminder period", err);
      this.#nagDue = now + OUTBOX_FALLBACK_MS * 60;
      this.#saveState();
      return;
    }
    // A ping may have arrived meanwhile.
    if (this.#st.status !== "down" || this.#nagDue === null || now < this.#nagDue) return;
    const downSince = this.#sql.exec("SELECT max(created) AS c FROM flips WHERE new_status = 'down'").toArray()[0]?.c as number;
    if (period <= 0) {
      this.#nagDue = now + NAG_POLL_MS;
      this.#saveState();
      return;
    }
    const due = downSince + (this.#nagCount + 1) * period;
    this.ctx.storage.transactionSync(() => {
      if (now >= due) {
        const id = crypto.randomUUID();
        const snap = this.#snapshot(id, { old_status: "down", new_status: "down", reason: "reminder" }, now);
        this.#enqueue({ ...snap, down_duration: now - downSince });
        this.#nagCount++;
      }
      this.#nagDue = downSince + (this.#nagCount + 1) * period;
      this.#saveState();
    });
  }

  #snapshot(flipId: string, change: FlipChange, created: number): CheckSnapshot {
    const cfg = this.#cfg!;
    const after: CheckState = { ...this.#st, status: change.new_status };
    const conf = config(this.env, cfg.origin);
    const last = this.#sql.exec("SELECT kind, scheme, body, exitstatus FROM pings ORDER BY n DESC LIMIT 1").toArray()[0];
    const previous = this.#sql
      .exec("SELECT created, new_status FROM flips WHERE id != ? ORDER BY seq DESC LIMIT 1", flipId)
      .toArray()[0];
    const limit = last?.scheme === "email" ? SNAPSHOT_EMAIL_LIMIT : SNAPSHOT_BODY_LIMIT;
    const body = last === undefined ? null : new Uint8Array(last.body as ArrayBuffer).subarray(0, limit);
    return {
      check: renderCheck(cfg, after, {
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
      old_status: change.old_status,
      new_status: change.new_status,
      reason: change.reason,
      down_duration:
        change.new_status === "up" && previous?.new_status === "down" ? created - (previous.created as number) : null,
      last_ping_body: body === null ? null : new TextDecoder().decode(body),
      last_ping_exitstatus: (last?.exitstatus as number | null | undefined) ?? null,
      last_ping_kind: (last?.kind as PingKind | undefined) ?? null,
      last_ping_scheme: (last?.scheme as string | undefined) ?? null,
    };
  }

  /** Healthchecks keeps flips no older than the oldest ping still in the log, or 93 days. */
  #pruneFlips(now: number): void {
    const oldest = this.#sql.exec("SELECT min(created) AS c FROM pings").toArray()[0]?.c as number | null;
    const cutoff = Math.min(oldest ?? now, now - 93 * DAY_MS);
    this.#sql.exec("DELETE FROM flips WHERE created < ?", cutoff);
  }

  #summary(): Summary {
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
    };
  }

  /**
   * Mirrors the summary into D1 (DESIGN invariant 5), storing the snapshots of outbox rows in the same
   * round trip; on failure the alarm retries.
   */
  async #mirror(): Promise<void> {
    if (this.#cfg === null) return;
    const version = this.#summaryVersion;
    const pending = (this.#sql.exec("SELECT flip_id, snapshot FROM outbox ORDER BY rowid").toArray() as unknown as PendingAlert[]).filter(
      (row) => !this.#stored.has(row.flip_id),
    );
    try {
      const outcome = await withTimeout(mirrorSummary(this.env.DB, this.#summary(), pending), MIRROR_TIMEOUT_MS);
      for (const row of pending) this.#stored.add(row.flip_id);
      if (outcome === "orphan") {
        // The catalog no longer has this check: never alert for a check nobody can see.
        console.warn(`check ${this.#cfg.id} has no catalog row; removing its object`);
        await this.remove();
        return;
      }
      if (this.#summaryVersion === version && this.#mirrorDue !== null) {
        this.#mirrorDue = null;
        this.#saveState();
      }
    } catch (err) {
      console.error("summary mirror failed", err);
      this.#mirrorDue = Date.now() + OUTBOX_FALLBACK_MS;
      this.#saveState();
    }
  }

  #drainOutbox(): Promise<void> {
    this.#draining ??= this.#drain().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  /** Hands outbox rows to the queue: snapshot into D1 (unless the mirror stored it), ids onto the queue, row deleted after send() resolved. */
  async #drain(): Promise<void> {
    if (!this.#hasSchema()) return;
    const tried = new Set<string>();
    for (;;) {
      const row = this.#sql
        .exec("SELECT flip_id, snapshot, attempts FROM outbox ORDER BY rowid")
        .toArray()
        .find((r: Row) => !tried.has(r.flip_id as string));
      if (row === undefined) return;
      const flipId = row.flip_id as string;
      tried.add(flipId);
      try {
        if (!this.#stored.has(flipId)) {
          await storeAlertStatements(this.env.DB, [{ flip_id: flipId, snapshot: row.snapshot as string }], Date.now())[0]!.run();
        }
        const snap = JSON.parse(row.snapshot as string) as CheckSnapshot;
        await this.alerts.send({ flip_id: flipId, check_id: snap.check_id, project_id: snap.project_id });
        this.#sql.exec("DELETE FROM outbox WHERE flip_id = ?", flipId);
        this.#stored.delete(flipId);
      } catch (err) {
        const attempts = (row.attempts as number) + 1;
        const backoff = Math.min(300_000, 1000 * 2 ** attempts);
        console.error(`outbox drain of flip ${flipId} failed (attempt ${attempts})`, err);
        this.#sql.exec("UPDATE outbox SET attempts = ?, next_attempt = ? WHERE flip_id = ?", attempts, Date.now() + backoff, flipId);
      }
    }
  }

  async #finishRemoval(): Promise<boolean> {
    await this.#drainOutbox();
    const pending = this.#sql.exec("SELECT count(*) AS n FROM outbox").toArray()[0]?.n as number;
    if (pending > 0) return false;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#armedAt = undefined;
    this.#schemaReady = false;
    // Stay tombstoned in memory: a ping already past the catalog lookup must not resurrect the check.
    this.#cfg = null;
    this.#st = initialState();
    return true;
  }

  /** Arms the alarm for the earliest of: the deadline, a pending summary mirror, an outbox retry. */
  async #arm(): Promise<void> {
    if (!this.#hasSchema()) return;
    const now = Date.now();
    const times: number[] = [];
    if (this.#removed) times.push(now + OUTBOX_FALLBACK_MS);
    else if (this.#cfg !== null) {
      const deadline = goingDownAfter(this.#cfg, this.#st);
      // A past deadline that is not "down" (impossible by the status rules) must not spin the alarm.
      if (deadline !== null && (deadline > now || getStatus(this.#cfg, this.#st, now) === "down")) times.push(deadline);
      if (this.#mirrorDue !== null) times.push(this.#mirrorDue);
      if (this.#nagDue !== null && this.#st.status === "down") times.push(this.#nagDue);
    }
    const outbox = this.#sql.exec("SELECT min(next_attempt) AS t FROM outbox").toArray()[0]?.t as number | null;
    if (outbox !== null && outbox !== undefined) times.push(outbox);
    const earliest = times.length === 0 ? null : Math.min(...times);
    // An alarm already due is being delivered (often why a loaded object was loaded): keep it rather
    // than pay a storage write per object. One overdue by far is taken as lost and set again.
    const armed = this.#armedAt;
    if (earliest !== null && earliest <= now && armed != null && armed <= now && armed > now - LOST_ALARM_MS) return;
    // Never arm at or before now: an alarm set to "now" inside alarm() can be silently dropped.
    const at = earliest === null ? null : Math.max(earliest, now + 1);
    if (at === this.#armedAt) return;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
    this.#armedAt = at;
  }
}
