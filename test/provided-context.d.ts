// Values the vitest globalSetup provides to tests (test/setup/receiver.ts).
declare module "vitest" {
  export interface ProvidedContext {
    receiverPort: number;
  }
}
export {};
