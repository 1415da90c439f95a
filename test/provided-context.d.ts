// Values the vitest globalSetup provides to tests (test/setup/receiver.ts, test/setup/smtp.ts).
declare module "vitest" {
  export interface ProvidedContext {
    receiverPort: number;
    /** A loopback port nothing listens on. */
    closedPort: number;
    /** SMTP servers (0: not started, no test certificate). */
    smtpPort: number;
    smtpLoginPort: number;
    smtpStartTlsPort: number;
    smtpTlsPort: number;
    /** HTTP: GET /messages?to=<address> → what the SMTP servers received for it. */
    smtpInspectPort: number;
  }
}
export {};
