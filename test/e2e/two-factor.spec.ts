// Two-factor authentication through the account page: set up with the otpauth URI's secret, confirm
// with a code, then signing in asks for the second factor (here a backup code).
import { expect, passwordForm, PASSWORD, PROJECT_URL, shot, signIn, signUp, test, totp, newEmail } from "./helpers";

test("a member turns on two-factor authentication and then signs in with a backup code", async ({ page }) => {
  const email = newEmail("2fa");
  await signUp(page, email);
  await expect(page).toHaveURL(PROJECT_URL);
  await page.getByRole("link", { name: email }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await expect(page.getByRole("listitem").filter({ hasText: "This device" })).toHaveCount(1);
  await shot(page, "account");

  const section = page.getByRole("region", { name: "Two-factor authentication" });
  await section.getByLabel("Password").fill(PASSWORD);
  await section.getByRole("button", { name: "Set up" }).click();
  const uri = await section.getByLabel("otpauth URI").inputValue();
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const secret = await section.getByLabel("Secret (for typing in)").inputValue();
  expect(new URL(uri).searchParams.get("secret")).toBe(secret);
  const backupCodes = await section.getByRole("list", { name: "Backup codes" }).getByRole("listitem").allInnerTexts();
  expect(backupCodes.length).toBeGreaterThanOrEqual(5);
  await shot(page, "account-2fa-setup");
  await section.getByLabel("Code from the app").fill(totp(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByText("On", { exact: true })).toBeVisible();
  // Turning 2FA on gives the session a new token: the list still knows which one is this device.
  await expect(page.getByRole("listitem").filter({ hasText: "This device" })).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Sessions" }).getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await shot(page, "account-2fa-on");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await signIn(page, email);
  await expect(page).toHaveURL(/\/signin\/two-factor$/);
  await expect(passwordForm(page)).toHaveCount(0);
  await shot(page, "two-factor");
  await page.getByRole("button", { name: "Use a backup code instead" }).click();
  await page.getByLabel("Backup code").fill(backupCodes[0]!.trim());
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(PROJECT_URL);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My Project");
});
