#!/usr/bin/env node
// `npm run deploy`: check that SECRET_KEY is set, build the UI, apply the D1 migrations to the
// remote database, then deploy the Worker. Stops at the first failing step with that step's exit code.
//
// Needs Cloudflare credentials (`wrangler login`, or CLOUDFLARE_API_TOKEN and
// CLOUDFLARE_ACCOUNT_ID), the real database_id in wrangler.toml, and the secrets
// set once: `wrangler secret put SECRET_KEY`, `wrangler secret put ADMIN_TOKEN`.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { secretKeyProblem } from "./deploy-checks.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONFIG = "wrangler.toml";
const DATABASE = "edgechecks";

/** Absolute path of a locally installed package's bin script. */
function localBin(pkg, bin = pkg) {
  const dir = path.join(ROOT, "node_modules", pkg);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[bin];
  return path.join(dir, rel);
}

console.log("[deploy] check that SECRET_KEY is set");
const listed = spawnSync(process.execPath, [localBin("wrangler"), "secret", "list", "--format", "json", "-c", CONFIG], {
  cwd: ROOT,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "pipe"],
});
const problem = secretKeyProblem({ status: listed.error ? 1 : listed.status, stdout: listed.stdout ?? "", stderr: listed.stderr || listed.error?.message || "" });
if (problem !== null) {
  console.error(`[deploy] refusing to deploy: ${problem}`);
  process.exit(1);
}

const steps = [
  ["build the UI", localBin("vite"), ["build", "ui"]],
  [
    "apply D1 migrations (remote)",
    localBin("wrangler"),
    ["d1", "migrations", "apply", DATABASE, "--remote", "-c", CONFIG],
  ],
  ["deploy the Worker", localBin("wrangler"), ["deploy", "-c", CONFIG]],
];

for (const [title, script, args] of steps) {
  console.log(`\n[deploy] ${title}`);
  const result = spawnSync(process.execPath, [script, ...args], { cwd: ROOT, stdio: "inherit" });
  if (result.error) {
    console.error(`[deploy] ${title}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    const why = result.status === null ? `signal ${result.signal}` : `exit ${result.status}`;
    console.error(`[deploy] ${title} failed (${why}); stopping.`);
    process.exit(result.status || 1);
  }
}
console.log("\n[deploy] done");
