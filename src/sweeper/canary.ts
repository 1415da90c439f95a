// The canary (CANARY_PING_URL): after each cron run the Worker pings a check on another edgechecks
// or Healthchecks instance, which alerts when the pings stop — when this deployment's cron, Worker or
// account stops. The URL is the operator's own setting, so unlike webhooks it may be a private or
// loopback address (no private-address guard).

const CANARY_TIMEOUT_MS = 10_000;

/** Pings the canary URL if one is set; a failure is logged, never thrown (the sweep is done either way). */
export async function pingCanary(env: Env): Promise<void> {
  const url = (env.CANARY_PING_URL ?? "").trim();
  if (url === "") return;
  try {
    const res = await fetch(url, { method: "GET", signal: AbortSignal.timeout(CANARY_TIMEOUT_MS) });
    // The body is not needed; reading it frees the connection.
    await res.arrayBuffer();
    if (!res.ok) console.error(`canary ping answered HTTP ${res.status}`);
  } catch (err) {
    // The URL itself is a secret of sorts (anyone with it can ping): only the error is logged.
    console.error(`canary ping failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
