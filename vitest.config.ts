import path from "node:path";
import { defineConfig } from "vitest/config";
import { trustTestCertificates } from "./test/setup/smtp-certs.ts";

// Two projects: "workers" runs inside workerd against the real bindings;
// "node" drives whole processes (npm start, browsers, SMTP/HTTP receivers).
export default defineConfig(async () => {
  // The SMTP TLS tests' CA must be in NODE_EXTRA_CA_CERTS before miniflare loads (it reads it once,
  // at import), hence the plugin's dynamic import after this.
  trustTestCertificates();
  const { cloudflareTest, readD1Migrations } = await import("@cloudflare/vitest-plugin");
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  // fast-check's seed for the property tests: fixed, so every run checks the same cases;
  // FC_SEED=<n> replays a failure's seed (printed in its message) or tries other cases.
  const fcSeed = Number(process.env.FC_SEED ?? "20261126");
  if (!Number.isSafeInteger(fcSeed)) throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
  return {
    test: {
      teardownTimeout: 60_000,
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test-admin-token",
                  SECRET_KEY: "test-secret-key",
                  // The tests' HTTP receiver listens on loopback.
                  INTEGRATIONS_ALLOW_PRIVATE_IPS: "true",
                },
                // Overridden so queue tests do not wait for wrangler.toml's batch timeout.
                queueConsumers: { alerts: { maxBatchTimeout: 0.05 } },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/workers/**/*.test.ts"],
            setupFiles: ["./test/setup/apply-migrations.ts"],
            provide: { fcSeed },
            globalSetup: ["./test/setup/receiver.ts", "./test/setup/smtp.ts"],
          },
        },
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.ts"],
            environment: "node",
            testTimeout: 120_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
