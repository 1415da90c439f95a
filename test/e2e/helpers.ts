// What the browser tests share: a client address per browser context (sign-in limits are per
// address, as they would be for real people), fresh accounts, sign-up and sign-in through the pages,
// screenshots, and TOTP codes.
import { createHmac } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";

export { expect };

const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
export const PASSWORD = "correct horse battery staple";

let clients = 0;
/** A distinct client address (TEST-NET-3): wrangler dev keeps a CF-Connecting-IP the client sends. */
const clientIp = () => `203.0.113.${(clients++ % 250) + 1}`;

export const test = base.extend({
  extraHTTPHeaders: async ({}, use) => use({ "CF-Connecting-IP": clientIp() }),
});

/** A second person: their own context (cookies) and client address. */
export async function newPerson(browser: Browser, baseURL: string | undefined): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, extraHTTPHeaders: { "CF-Connecting-IP": clientIp() } });
  return { context, page: await context.newPage() };
}

export const newEmail = (who: string) => `${who}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@example.org`;

/** Fills the sign-up form of the page it is on (or /signup) and submits it. */
export async function signUp(page: Page, email: string, { open = true } = {}) {
  if (open) await page.goto("/signup");
  await expect(page.getByRole("heading", { level: 1, name: "Sign up" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** The password form of /signin (the page also has an email-link form). */
export const passwordForm = (page: Page) => page.getByRole("form", { name: "With your password" });

export async function signIn(page: Page, email: string, password = PASSWORD) {
  const form = passwordForm(page);
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Sign in" }).click();
}

/** The project id of a /projects/<id>[/...] URL. */
export function projectIdOf(page: Page): string {
  const m = /\/projects\/([0-9a-f-]{36})/.exec(new URL(page.url()).pathname);
  if (!m) throw new Error(`not a project page: ${page.url()}`);
  return m[1]!;
}

export const PROJECT_URL = /\/projects\/[0-9a-f-]{36}$/;

/** A full-page screenshot in test/e2e/screenshots/<name>.png (gitignored), to look at. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, as authenticator apps compute it. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/**
 * The page in light and dark, at 1280 px and 390 px wide: <name>-<theme>-<width>.png. The viewport
 * and colour scheme are put back afterwards.
 */
export async function shotThemes(page: Page, name: string) {
  const size = page.viewportSize();
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: size?.height ?? 800 });
      await shot(page, `${name}-${colorScheme}-${width}`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  if (size) await page.setViewportSize(size);
}
