#!/usr/bin/env node
// Fails when the modules under src/ import each other in a cycle (type-only imports count too: a
// cycle of types is still two modules that cannot be understood apart). Prints each cycle found.
// madge would do this, but its peer range pins TypeScript 5; this is the same check in 40 lines.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(process.argv[2] ?? "src");
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) files.push(full);
  }
})(root);

const resolve = (from, spec) => {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    if (files.includes(candidate)) return candidate;
  }
  return null;
};

const graph = new Map(
  files.map((f) => {
    const source = readFileSync(f, "utf8");
    const specs = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.[^"']+)["']/g)].map((m) => m[1]);
    return [f, [...new Set(specs.map((s) => resolve(f, s)).filter((x) => x !== null))]];
  }),
);

const cycles = [];
const state = new Map(); // 1 = on the stack, 2 = done
const stack = [];
function visit(f) {
  state.set(f, 1);
  stack.push(f);
  for (const g of graph.get(f)) {
    if (state.get(g) === 1) cycles.push([...stack.slice(stack.indexOf(g)), g]);
    else if (!state.has(g)) visit(g);
  }
  stack.pop();
  state.set(f, 2);
}
for (const f of files) if (!state.has(f)) visit(f);

for (const c of cycles) console.log(`cycle: ${c.map((f) => path.relative(root, f)).join(" → ")}`);
console.log(`${files.length} modules, ${cycles.length} import cycles`);
process.exit(cycles.length === 0 ? 0 : 1);
