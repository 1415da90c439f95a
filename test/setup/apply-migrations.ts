import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Idempotent: setup files may run once per test file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
