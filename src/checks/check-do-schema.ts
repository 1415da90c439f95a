// The CheckDO's own SQLite schema: the version-1 tables, then one step per later version. Each object
// applies the steps it has not seen when it loads, so deployed objects migrate themselves.
export const CHECK_DO_SCHEMA_VERSION = 3;

export const CHECK_DO_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  last_ping INTEGER,
  last_start INTEGER,
  last_start_rid TEXT,
  last_duration INTEGER,
  n_pings INTEGER NOT NULL,
  has_confirmation_link INTEGER NOT NULL,
  summary_version INTEGER NOT NULL,
  mirror_due INTEGER,
  removed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pings (
  n INTEGER PRIMARY KEY,
  created INTEGER NOT NULL,
  kind TEXT NOT NULL,
  scheme TEXT NOT NULL,
  remote_addr TEXT,
  method TEXT NOT NULL,
  ua TEXT NOT NULL,
  body BLOB NOT NULL,
  exitstatus INTEGER,
  rid TEXT
);
CREATE TABLE IF NOT EXISTS flips (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL,
  old_status TEXT NOT NULL,
  new_status TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS flips_created ON flips (created);
CREATE TABLE IF NOT EXISTS outbox (
  flip_id TEXT PRIMARY KEY,
  snapshot TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL
);
`;

/** Steps from version n-1 to n, indexed by n. */
export const CHECK_DO_MIGRATIONS: Record<number, string> = {
  // Reminders: when to look again whether a "still down" reminder is due, and how many were sent.
  2: "ALTER TABLE state ADD COLUMN nag_due INTEGER; ALTER TABLE state ADD COLUMN nag_count INTEGER NOT NULL DEFAULT 0;",
  // Scheduled items in one table (the alarm is the earliest); the down-since time, the last reminder and
  // flap control kept in state rather than derived from prunable flips; alerts numbered in check order.
  3: `
CREATE TABLE IF NOT EXISTS schedule (item TEXT PRIMARY KEY, due INTEGER NOT NULL);
ALTER TABLE state ADD COLUMN down_since INTEGER;
ALTER TABLE state ADD COLUMN last_reminder INTEGER;
ALTER TABLE state ADD COLUMN flap_since INTEGER;
ALTER TABLE state ADD COLUMN flap_held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE state ADD COLUMN flap_ended INTEGER;
ALTER TABLE state ADD COLUMN alert_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
UPDATE state SET down_since = coalesce((SELECT max(created) FROM flips WHERE new_status = 'down'), last_ping, unixepoch() * 1000)
  WHERE status = 'down';
INSERT OR REPLACE INTO schedule (item, due) SELECT 'reminder', nag_due FROM state WHERE nag_due IS NOT NULL AND status = 'down';
INSERT OR REPLACE INTO schedule (item, due) SELECT 'mirror', mirror_due FROM state WHERE mirror_due IS NOT NULL;
ALTER TABLE state DROP COLUMN nag_due;
ALTER TABLE state DROP COLUMN nag_count;
ALTER TABLE state DROP COLUMN mirror_due;
`,
};
