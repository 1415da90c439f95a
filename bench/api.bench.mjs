#!/usr/bin/env node
// Management API benchmark: GET /api/v3/checks/ for a project with 1,000 checks. The list is
// rendered from the D1 summaries, so its cost must not grow with Durable Object calls.
import { load, percentile, withInstance } from "./instance.mjs";

const CHECKS = 1000;

await withInstance(async ({ base, project }) => {
  const headers = { "X-Api-Key": project.api_key, "Content-Type": "application/json" };
  const started = performance.now();
  await load("create checks (POST /api/v3/checks/)", CHECKS, 20, (i) => [
    `${base}/api/v3/checks/`,
    { method: "POST", headers, body: JSON.stringify({ name: `job ${i}`, tags: `t${i % 10}`, timeout: 3600 }) },
  ]);
  const { checks } = await (await fetch(`${base}/api/v3/checks/`, { headers })).json();
  // Give every check a ping so the summaries carry real state.
  await load("first ping of each check", CHECKS, 20, (i) => [checks[i].ping_url]);
  console.log(`setup: ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const times = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/api/v3/checks/`, { headers });
    const body = await res.json();
    times.push(performance.now() - t);
    if (body.checks.length !== CHECKS) throw new Error(`expected ${CHECKS} checks, got ${body.checks.length}`);
  }
  times.sort((a, b) => a - b);
  console.log(
    `GET /api/v3/checks/ with ${CHECKS} checks: median ${percentile(times, 50).toFixed(1)} ms, ` +
      `p90 ${percentile(times, 90).toFixed(1)} ms (30 sequential requests)`,
  );
  const tagged = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await (await fetch(`${base}/api/v3/checks/?tag=t3`, { headers })).json();
    tagged.push(performance.now() - t);
  }
  tagged.sort((a, b) => a - b);
  console.log(`GET /api/v3/checks/?tag=t3 (100 of ${CHECKS}): median ${percentile(tagged, 50).toFixed(1)} ms`);
});
