// Pre-deploy checks of `npm run deploy`, kept apart from scripts/deploy.mjs so they can be tested
// without Cloudflare.

const HOW = "Set it first with `npx wrangler secret put SECRET_KEY -c wrangler.toml` (a long random string).";

/**
 * Why the deploy must stop, judged from `wrangler secret list` (JSON output), or null when
 * SECRET_KEY is among the Worker's secrets. Without it the Worker refuses every public request.
 * @param {{ status: number | null, stdout: string, stderr: string }} run
 * @returns {string | null}
 */
export function secretKeyProblem(run) {
  if (run.status !== 0) {
    const detail = run.stderr.trim().split("\n").slice(-3).join("\n");
    return `could not list the Worker's secrets (wrangler secret list: ${run.status === null ? "killed" : `exit ${run.status}`}), so SECRET_KEY cannot be confirmed.${detail ? `\n${detail}` : ""}\n${HOW}`;
  }
  // wrangler may print warnings ("▲ [WARNING] …") around the JSON array, which starts a line.
  const start = run.stdout.search(/^\[/m);
  const end = run.stdout.lastIndexOf("]");
  let secrets;
  try {
    secrets = JSON.parse(run.stdout.slice(start, end + 1));
  } catch {
    secrets = null;
  }
  if (start < 0 || !Array.isArray(secrets)) return `could not read the output of wrangler secret list, so SECRET_KEY cannot be confirmed.\n${HOW}`;
  if (!secrets.some((s) => s !== null && typeof s === "object" && s.name === "SECRET_KEY")) {
    return `SECRET_KEY is not set for this Worker: deployed without it, it would answer 503 to every request but /api/v3/status/.\n${HOW}`;
  }
  return null;
}
