// The README's "First steps", run as written: every `sh` block of that section, in order, against one
// real `npm start` instance. The start block's `--var`s start the instance; the receiver block runs in
// the background; every other block runs in bash (`set -euo pipefail`), with the shell variables that
// earlier blocks set (PROJECT, KEY, CHECK, CHANNEL) carried over, as in one terminal. The only rewrites
// are the ports: 127.0.0.1:8787 becomes the instance's, 9999 a free port for the receiver (and the
// admin CLI finds the instance through EDGECHECKS_URL). Asserts: the alert reaches the receiver once,
// with `Idempotency-Key: <alert id>:<channel id>`, and its delivery record and the channel say "sent";
// the sign-in link of the last block opens the dashboard on the project.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, poll, ROOT, startInstance, waitUntilServing, type Instance } from "./instance";

const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The `sh` blocks of the README section `heading`. */
function shBlocks(heading: string): string[] {
  const start = README.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = README.indexOf("\n## ", start + 1);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Splits text holding several JSON values one after the other (as `jq .` prints them). */
function jsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let from = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") {
      if (depth++ === 0) from = i;
    } else if ((ch === "}" || ch === "]") && --depth === 0) values.push(JSON.parse(text.slice(from, i + 1)));
  }
  return values;
}

type Notification = { flip_id: string; check: string; channel: string; kind_of_alert: string; status: string; attempts: number; error: string };

describe("README first steps", () => {
  const blocks = shBlocks("First steps");
  let instance: Instance;
  let receiver: ChildProcess | undefined;
  let receiverOut = "";
  let receiverPort = 0;
  let dir = "";
  let state = "";

  /** The block with the ports rewritten for this run. */
  const localize = (block: string) =>
    block.replaceAll("127.0.0.1:8787", `127.0.0.1:${instance.port}`).replaceAll("9999", String(receiverPort));

  /** Runs a block in bash with the variables of earlier blocks; stores the ones it assigns. */
  function run(block: string): string {
    // `NAME=value` alone on its line (or `NAME=$(...)`); `NAME=value command` only sets the command's environment.
    const assigned = [...new Set([...block.matchAll(/^([A-Z_][A-Z0-9_]*)=(?:\$\(|\S*$)/gm)].map((m) => m[1]!))];
    const script = [
      "set -euo pipefail",
      `source ${JSON.stringify(state)}`,
      localize(block),
      ...(assigned.length > 0 ? [`declare -p ${assigned.join(" ")} >> ${JSON.stringify(state)}`] : []),
    ].join("\n");
    const result = spawnSync("bash", ["-c", script], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, EDGECHECKS_URL: instance.baseUrl },
    });
    expect(result.status, `block failed:\n${block}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}\n${instance.log()}`).toBe(0);
    return result.stdout;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "edgechecks-readme-"));
    state = path.join(dir, "state.sh");
    writeFileSync(state, "");
    receiverPort = await freePort();
    const start = blocks[0] ?? "";
    expect(start).toMatch(/^npm start\b/);
    const vars = Object.fromEntries([...start.matchAll(/--var ([A-Z_]+):(\S+)/g)].map((m) => [m[1]!, m[2]!]));
    // Until the driver lets webhooks reach loopback by default, the receiver needs it said explicitly.
    if (!readFileSync(path.join(ROOT, "scripts/start.mjs"), "utf8").includes("INTEGRATIONS_ALLOW_PRIVATE_IPS")) {
      vars.INTEGRATIONS_ALLOW_PRIVATE_IPS = "true";
    }
    instance = await startInstance({ vars });
    await waitUntilServing(instance, "/api/v3/status/");
  }, 150_000);

  afterAll(async () => {
    if (receiver?.pid !== undefined) {
      try {
        process.kill(-receiver.pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await instance?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("runs every block; the alert arrives once and its delivery record says sent", async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const outputs: string[] = [];
    for (const block of blocks.slice(1)) {
      if (block.includes("scripts/receiver.mjs")) {
        receiver = spawn("bash", ["-c", localize(block)], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        receiver.stdout?.on("data", (chunk: Buffer) => (receiverOut += chunk.toString()));
        receiver.stderr?.on("data", (chunk: Buffer) => (receiverOut += chunk.toString()));
        await poll("the receiver to listen", 10_000, () => (receiverOut.includes("listening") ? true : undefined), () => receiverOut);
        continue;
      }
      if (block.includes("/notifications/")) {
        // The record is written as soon as the send finishes; give it a moment.
        const output = await poll("the delivery record to say sent", 20_000, () => {
          const out = run(block);
          const [list] = jsonValues(out) as [{ notifications: Notification[] }];
          return list.notifications[0]?.status === "sent" ? out : undefined;
        });
        outputs.push(output);
        continue;
      }
      outputs.push(run(block));
      if (block.includes("/fail")) {
        await poll("the alert at the receiver", 20_000, () => (/^POST \/down /m.test(receiverOut) ? true : undefined), () => `${receiverOut}\n${instance.log()}`);
      }
    }

    const vars = readFileSync(state, "utf8");
    const value = (name: string) => new RegExp(`declare -- ${name}="([^"]*)"`).exec(vars)?.[1] ?? "";
    const project = JSON.parse(outputs[0]!.trim()) as Record<string, string>;
    expect(project.api_key).toMatch(/^hcw_[A-Za-z0-9]{28}$/);
    expect(value("KEY")).toBe(project.api_key);
    const check = value("CHECK");
    const channel = value("CHANNEL");
    expect(check).toMatch(/^[0-9a-f-]{36}$/);
    expect(channel).toMatch(/^[0-9a-f-]{36}$/);

    // Once, with the documented body and idempotency key; nothing else arrived.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const requests = receiverOut.split("\n").filter((line) => /^[A-Z]+ \//.test(line));
    expect(requests, receiverOut).toHaveLength(1);
    const down = /^POST \/down key=([0-9a-f-]{36}):([0-9a-f-]{36}) backup is down$/.exec(requests[0]!);
    expect(down, receiverOut).not.toBeNull();
    expect(down![2]).toBe(channel);

    const [list, channelView] = jsonValues(outputs[blocks.slice(1).filter((b) => !b.includes("scripts/receiver.mjs")).findIndex((b) => b.includes("/notifications/"))]!) as [
      { notifications: Notification[] },
      { last_result: string; last_notify: string | null; last_error: string },
    ];
    expect(list.notifications).toHaveLength(1);
    expect(list.notifications[0]).toMatchObject({
      flip_id: down![1],
      check,
      channel,
      kind_of_alert: "down",
      status: "sent",
      attempts: 1,
      error: "",
    });
    expect(channelView).toMatchObject({ last_result: "sent", last_error: "" });
    expect(channelView.last_notify).not.toBeNull();

    // The last block: a one-time sign-in link into the dashboard, where the project is the account's own.
    const link = outputs.at(-1)!.trim();
    expect(value("LINK")).toBe(link);
    const opened = await fetch(link, { redirect: "manual" });
    expect(opened.status).toBe(302);
    const cookie = opened.headers.getSetCookie().find((c) => c.includes("session_token="))!.split(";")[0]!;
    const me = (await (await fetch(`${instance.baseUrl}/app/api/me`, { headers: { Cookie: cookie } })).json()) as { projects: { id: string; role: string }[] };
    expect(me.projects).toContainEqual(expect.objectContaining({ id: project.id, role: "owner" }));
    const page = await fetch(`${instance.baseUrl}/projects/${project.id}`, { headers: { Accept: "text/html" } });
    expect([page.status, await page.text()]).toEqual([200, expect.stringContaining('<div id="root">')]);
  }, 180_000);
});
