import path from "node:path";
import { defineConfig } from "vitest/config";
import { trustTestCertificates } from "./test/setup/smtp-certs.ts";

// Three projects: "workers" runs inside workerd against the real bindings; "workers-loopback" too,
// for the few tests whose real queue consumer must reach the loopback receiver; "node" drives whole
// processes (npm start, browsers, SMTP/HTTP receivers).
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
  // The queues as wrangler.toml configures them (batch size, retries, dead-letter queue): a
  // miniflare override replaces a consumer's whole entry, so it is rebuilt from the file here, only
  // with a shorter batch timeout so queue tests do not wait for it.
  const { unstable_readConfig } = await import("wrangler"); // loads miniflare: after trustTestCertificates
  const wrangler = unstable_readConfig({ config: path.join(import.meta.dirname, "wrangler.toml") });
  const queueConsumers = Object.fromEntries(
    wrangler.queues.consumers!.map((q) => [
      q.queue,
      { maxBatchSize: q.max_batch_size, maxBatchTimeout: 0.05, maxRetries: q.max_retries, deadLetterQueue: q.dead_letter_queue },
    ]),
  );
  const workersProject = (o: { name: string; include: string[]; bindings: Record<string, string> }) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-token", SECRET_KEY: "test-secret-key", ...o.bindings },
          queueConsumers,
        },
      }),
    ],
    test: {
      name: o.name,
      include: o.include,
      setupFiles: ["./test/setup/apply-migrations.ts"],
      provide: { fcSeed, alertsMaxRetries: queueConsumers.alerts!.maxRetries! },
      globalSetup: ["./test/setup/receiver.ts", "./test/setup/smtp.ts"],
    },
  });
  return {
    test: {
      teardownTimeout: 60_000,
      projects: [
        workersProject({
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          // The private-address guard is on, as in a deployment: tests that deliver to the loopback
          // receiver pass INTEGRATIONS_ALLOW_PRIVATE_IPS in the env they hand to the Worker themselves.
          bindings: {},
        }),
        workersProject({
          // The real queue consumer reads the runtime's bindings, which a test cannot swap: tests that
          // deliver through it to the loopback receiver run here, with private targets allowed and
          // retries without delay (ALERT_RETRY_DELAY_MS, read by src/alerts/consumer.ts).
          name: "workers-loopback",
          include: ["test/workers-loopback/**/*.test.ts"],
          bindings: { INTEGRATIONS_ALLOW_PRIVATE_IPS: "true", ALERT_RETRY_DELAY_MS: "0" },
        }),
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
