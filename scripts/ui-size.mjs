// The SPA's first page: the JavaScript index.html loads before anything renders (its entry script
// and the modules it preloads), gzipped, from a built ui/dist. Every other page loads on first visit.
// `node scripts/ui-size.mjs` prints it; test/node/ui-bundle.test.ts holds it to the budget.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const DIST = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "ui", "dist");

/** [{ file, gzip }] of the first page's scripts, and their total (bytes). */
export function firstPageScripts(dist = DIST) {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const files = [...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const scripts = files.map((file) => ({ file, gzip: gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length }));
  return { scripts, total: scripts.reduce((sum, s) => sum + s.gzip, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { scripts, total } = firstPageScripts();
  for (const s of scripts) console.log(`${(s.gzip / 1024).toFixed(1).padStart(7)} KiB  ${s.file}`);
  console.log(`${(total / 1024).toFixed(1).padStart(7)} KiB  first page, gzipped`);
}
