// Secrets are set with `wrangler secret put` (or `--var` locally), so `wrangler types` cannot see them.
interface Env {
  ADMIN_TOKEN?: string;
  SECRET_KEY?: string;
}
interface Env {
  /** Telegram bot token: enables telegram channels. */
  TELEGRAM_BOT_TOKEN?: string;
  /** Pushover application token: enables po channels. */
  PUSHOVER_API_TOKEN?: string;
  /** Matrix bot: homeserver base URL and access token; both enable matrix channels. */
  MATRIX_HOMESERVER?: string;
  MATRIX_ACCESS_TOKEN?: string;
}
interface Env {
  /** SMTP server for email channels; email alerts are disabled without SMTP_HOST. */
  SMTP_HOST?: string;
  /** Default 587 (465 with SMTP_TLS=on). */
  SMTP_PORT?: string;
  SMTP_USER?: string;
  SMTP_PASSWORD?: string;
  /** "starttls" (default), "on" (implicit TLS) or "off". */
  SMTP_TLS?: string;
  /** The From of alert emails: "addr" or "Name <addr>". */
  DEFAULT_FROM_EMAIL?: string;
}
interface Env {
  /** Test-only (the crash suite): "true" makes every alarm handler throw, so the platform gives up on it. */
  TEST_FAIL_ALARMS?: string;
}
interface Env {
  /** Test-only: every queue retry of an alert waits this many ms instead of the schedule (retryDelayMs). */
  ALERT_RETRY_DELAY_MS?: string;
}
interface Env {
  /** Key of the operator endpoint GET /api/v3/metrics/ (header X-Metrics-Key); unset = it answers 403. */
  METRICS_KEY?: string;
}
