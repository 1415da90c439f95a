#!/usr/bin/env node
// Ping-path benchmark: throughput and latency per scenario against a real local instance, and
// ratios against the plain up→up ping that waits for nothing but its Durable Object.
import { load, withInstance } from "./instance.mjs";

await withInstance(async ({ base, project }) => {
  // Checks are created (and their objects' SQLite files made) before measuring.
  const slugs = Array.from({ length: 100 }, (_, i) => `job-${i}`);
  for (const slug of slugs) await fetch(`${base}/ping/${project.ping_key}/${slug}?create=1`);
  const hot = `${base}/ping/${project.ping_key}/job-0`;
  const list = await fetch(`${base}/api/v3/checks/?slug=job-0`, { headers: { "X-Api-Key": project.api_key } });
  const uuid = (await list.json()).checks[0].uuid;
  await load("warm-up", 500, 20, () => [hot]);

  const results = [];
  results.push(await load("uuid ping, one check, up→up (DO only)", 3000, 50, () => [`${base}/ping/${uuid}`]));
  results.push(await load("slug ping, one check, up→up (D1 read + DO)", 3000, 50, () => [hot]));
  results.push(await load("slug ping, 100 checks, up→up", 3000, 50, (i) => [`${base}/ping/${project.ping_key}/${slugs[i % 100]}`]));
  results.push(
    await load("slug ping, 50 checks, every ping flips (+ D1 mirror)", 3000, 50, (i) => [
      `${base}/ping/${project.ping_key}/${slugs[i % 50]}${Math.floor(i / 50) % 2 === 0 ? "/fail" : ""}`,
    ]),
  );
  results.push(await load("status endpoint (Worker only)", 3000, 50, () => [`${base}/api/v3/status/`]));

  const [byUuid, bySlug, spread, flipping, workerOnly] = results;
  console.log("");
  console.log(`ratio slug / uuid ping throughput:             ${(bySlug.rps / byUuid.rps).toFixed(2)}`);
  console.log(`ratio flipping / up→up slug ping throughput:   ${(flipping.rps / bySlug.rps).toFixed(2)}`);
  console.log(`ratio 100 checks / one check throughput:       ${(spread.rps / bySlug.rps).toFixed(2)}`);
  console.log(`ratio uuid ping / Worker-only throughput:      ${(byUuid.rps / workerOnly.rps).toFixed(2)}`);
  if (results.some((r) => r.errors > 0)) process.exitCode = 1;
});
