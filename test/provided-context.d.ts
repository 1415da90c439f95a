// Values the vitest globalSetup provides to tests (test/setup/receiver.ts, test/setup/smtp.ts).
declare module "vitest" {
  export interface ProvidedContext {
    receiverPort: number;
    /** A loopback port nothing listens on. */
    closedPort: number;
    /** fast-check's seed (FC_SEED, default fixed; vitest.config.ts). */
    fcSeed: number;
    /** max_retries of the alerts queue's consumer in wrangler.toml (vitest.config.ts). */
    alertsMaxRetries: number;
    /** SMTP servers (0: not started, no test certificate). */
    smtpPort: number;
    smtpLoginPort: number;
    smtpStartTlsPort: number;
    smtpTlsPort: number;
    /** Why the TLS servers are missing ("" when they run): the TLS tests fail with it. */
    smtpTlsError: string;
    /** TCP: accepts and never greets; GET /silent on smtpInspectPort → {"accepted": n}. */
    smtpSilentPort: number;
    /** HTTP: GET /messages?to=<address> → what the SMTP servers received for it. */
    smtpInspectPort: number;
  }
}
export {};
