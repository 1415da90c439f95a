// Config for better-auth's CLI, used only to generate src/db/auth-schema.ts:
//   npx auth generate --config scripts/auth.config.ts --output src/db/auth-schema.ts -y
// then `npx drizzle-kit generate --name <name>` for the SQL migration. No database is opened.
import { drizzleAdapter } from "@better-auth/drizzle-adapter";
import { betterAuth } from "better-auth/minimal";
import { authPlugins, sharedOptions } from "../src/auth/options";

export const auth = betterAuth({
  ...sharedOptions,
  secret: "schema-generation-only-not-a-secret-0123456789",
  database: drizzleAdapter({}, { provider: "sqlite" }),
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: true, storage: "database" },
  plugins: authPlugins(),
});
