// Secrets are set with `wrangler secret put` (or `--var` locally), so `wrangler types` cannot see them.
interface Env {
  ADMIN_TOKEN?: string;
  SECRET_KEY?: string;
}
