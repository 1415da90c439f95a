#!/usr/bin/env node
// `npm run backup -- --out FILE` / `npm run restore -- --in FILE`: a whole deployment as one JSON-lines
// file, through the admin API's export pages and import chunks (docs/operations.md#backups). Both
// stream: neither side holds more than a page or a chunk. stdout carries one JSON summary; errors go
// to stderr. Exit status: 0 success, 1 the backup or restore failed, 2 usage error. The file holds
// accounts with their password hashes and two-factor secrets: it is written readable by its owner only.
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";

/** Bytes and records per import request: well under the server's limits (32 MiB, 200 records). */
const CHUNK_BYTES = 4 * 1_048_576;
const CHUNK_RECORDS = 100;
const REQUEST_TIMEOUT_MS = 300_000;

const USAGE = `Usage: npm run backup -- [--url URL] [--token TOKEN] --out FILE
       npm run restore -- [--url URL] [--token TOKEN] --in FILE

backup   writes every project (its accounts, D1 rows and each check's object state) to FILE, one
         record a line; FILE holds password hashes and two-factor secrets: keep it secret
restore  imports FILE into an empty deployment (refused if it has projects or accounts)

Options:
  --url URL       the instance (default $EDGECHECKS_URL or http://127.0.0.1:8787)
  --token TOKEN   the admin token (default $ADMIN_TOKEN)
  -h, --help      show this help
`;

function usageError(message) {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function fail(message) {
  process.stderr.write(`${mode}: ${message}\n`);
  process.exit(1);
}

const [mode, ...argv] = process.argv.slice(2);
if (mode !== "backup" && mode !== "restore") usageError("the first argument must be backup or restore");
let opts;
try {
  ({ values: opts } = parseArgs({
    args: argv,
    options: { url: { type: "string" }, token: { type: "string" }, out: { type: "string" }, in: { type: "string" }, help: { type: "boolean", short: "h" } },
  }));
} catch (err) {
  usageError(err.message);
}
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const token = opts.token ?? process.env.ADMIN_TOKEN ?? "";
if (token === "") usageError("no admin token: pass --token or set ADMIN_TOKEN");
const file = mode === "backup" ? opts.out : opts.in;
if (!file) usageError(mode === "backup" ? "--out FILE is required" : "--in FILE is required");
let base;
try {
  const raw = opts.url ?? process.env.EDGECHECKS_URL ?? "http://127.0.0.1:8787";
  base = new URL(raw.endsWith("/") ? raw : `${raw}/`);
} catch {
  usageError(`--url is not a URL: ${opts.url}`);
}

async function call(path, init = {}) {
  const url = new URL(path, base);
  try {
    return await fetch(url, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...init.headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    return fail(`${url}: ${err?.cause?.message ?? err.message}`);
  }
}

const linesOf = (stream) => createInterface({ input: stream, crlfDelay: Infinity });

async function backup() {
  // Written beside the target and renamed at the end: a failed run never leaves a file that looks complete.
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const write = async (line) => {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  };
  const counts = { projects: 0, checks: 0, accounts: 0, records: 0 };
  // An account precedes each project it is in: counted once.
  const accounts = new Set();
  try {
    let cursor = "";
    for (;;) {
      const res = await call(`admin/v1/export?cursor=${encodeURIComponent(cursor)}`);
      if (!res.ok) throw new Error(`export page → HTTP ${res.status}: ${await res.text()}`);
      let next;
      for await (const line of linesOf(Readable.fromWeb(res.body))) {
        if (line === "") continue;
        const record = JSON.parse(line);
        if (record.type === "cursor") {
          next = record.next;
          continue;
        }
        if (record.type === "project") counts.projects++;
        if (record.type === "check") counts.checks++;
        if (record.type === "user") counts.accounts = accounts.add(record.row?.id).size;
        counts.records++;
        await write(line);
      }
      // The cursor line ends every page; without it the page was cut short.
      if (next === undefined) throw new Error("an export page ended early (the server stopped mid-page; see its log)");
      if (next === null) break;
      cursor = next;
    }
    await write(JSON.stringify({ type: "end", ...counts }));
    out.end();
    await once(out, "finish");
    await rename(partial, file);
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    fail(err.message);
  }
  process.stdout.write(`${JSON.stringify({ file, projects: counts.projects, checks: counts.checks, accounts: counts.accounts })}\n`);
}

/** A backup file is complete when it opens with a header and closes with an end record that counts the lines before it. */
async function verify() {
  let n = 0;
  let first;
  let last;
  for await (const line of linesOf(createReadStream(file))) {
    n++;
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      fail(`${file} line ${n} is not JSON: not a backup file, or a damaged one`);
    }
    if (n === 1) first = record;
    last = record;
  }
  if (first?.type !== "header") fail(`${file} does not start with a backup header`);
  if (last?.type !== "end" || last.records !== n - 1) fail(`${file} is incomplete (no end record counting the ${n - 1} lines before it): it was cut short`);
  return n;
}

async function restore() {
  const total = await verify();
  const imported = { users: 0, projects: 0, channels: 0, checks: 0 };
  let chunk = [];
  let bytes = 0;
  let chunkStart = 1;
  const send = async () => {
    if (chunk.length === 0) return;
    const res = await call("admin/v1/import", { method: "POST", headers: { "Content-Type": "application/x-ndjson" }, body: `${chunk.join("\n")}\n` });
    const text = await res.text();
    let answer;
    try {
      answer = JSON.parse(text);
    } catch {
      fail(`import → HTTP ${res.status}, not the admin API's answer:\n${text.slice(0, 2000)}`);
    }
    for (const k of Object.keys(imported)) imported[k] += answer.imported?.[k] ?? 0;
    if (!res.ok) {
      const where = typeof answer.line === "number" ? ` (${file} line ${chunkStart + answer.line - 1})` : "";
      fail(`import → HTTP ${res.status}${where}: ${answer.error}\nimported before it: ${JSON.stringify(imported)}`);
    }
    chunkStart += chunk.length;
    chunk = [];
    bytes = 0;
  };
  let n = 0;
  for await (const line of linesOf(createReadStream(file))) {
    // The end record is the file's own check, not something to import.
    if (++n === total) break;
    const size = Buffer.byteLength(line) + 1;
    if (chunk.length > 0 && (bytes + size > CHUNK_BYTES || chunk.length >= CHUNK_RECORDS)) await send();
    chunk.push(line);
    bytes += size;
  }
  await send();
  process.stdout.write(`${JSON.stringify({ file, imported })}\n`);
}

await (mode === "backup" ? backup() : restore());
