// Starts one isolated instance for the browser tests: `npm start` (scripts/start.mjs, through the
// crash suite's harness) on 127.0.0.1 with a fresh state folder, migrations applied and ui/dist built
// when ui/ changed; stops its whole process group afterwards. E2E_PORT picks the port (else the first
// free one in 8800-8899); its log is copied to test/e2e/results/instance.log.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { Instance, ROOT } from "../chaos/harness.mjs";

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePortInRange(from: number, to: number, except: number[] = []): Promise<number> {
  for (let port = from; port <= to; port++) if (!except.includes(port) && (await isFree(port))) return port;
  throw new Error(`no free port in ${from}-${to}`);
}

/** Debian's Chromium, of the major version this Playwright was built for; else a clear refusal. */
function checkChromium(): void {
  const executable = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executable)) {
    throw new Error(`${executable} is missing: the browser tests use Debian's Chromium (apt-get install chromium fonts-liberation), never a downloaded one`);
  }
  const browsers = JSON.parse(readFileSync(path.join(ROOT, "node_modules", "playwright-core", "browsers.json"), "utf8")) as {
    browsers: { name: string; browserVersion: string }[];
  };
  const want = browsers.browsers.find((b) => b.name === "chromium")?.browserVersion.split(".")[0];
  const version = execFileSync(executable, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  const have = /(\d+)\./.exec(version)?.[1];
  if (have !== want) throw new Error(`${executable} is "${version}", but this @playwright/test drives Chromium ${want}: pin the release built for ${have}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  checkChromium();
  const instance = new Instance("e2e");
  const port = process.env.E2E_PORT ? Number(process.env.E2E_PORT) : await freePortInRange(8800, 8899);
  // The harness takes the ports set before start() (else it picks any free ones).
  Object.assign(instance, { port, inspector: await freePortInRange(8800, 8899, [port]) });
  const keepLog = () => {
    const log = path.join(instance.dir, "instance.log");
    const results = path.join(ROOT, "test", "e2e", "results");
    if (!existsSync(log)) return;
    mkdirSync(results, { recursive: true });
    copyFileSync(log, path.join(results, "instance.log"));
  };
  try {
    await instance.start();
  } catch (err) {
    await instance.stop();
    keepLog();
    instance.cleanup();
    throw new Error(`the e2e instance did not start (log: test/e2e/results/instance.log): ${err instanceof Error ? err.message : String(err)}`);
  }
  process.env.E2E_BASE_URL = instance.base;
  console.log(`e2e instance: ${instance.base} (state ${instance.dir})`);
  return async () => {
    await instance.stop();
    keepLog();
    instance.cleanup();
  };
}
