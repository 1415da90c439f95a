// The other pages render, show the server's refusals, and hold up at 360 px and in dark mode.
import { expectAccessible } from "./axe";
import { expect, newEmail, PROJECT_URL, shot, signUp, test } from "./helpers";

test("forgot-password and reset-password show the server's answer", async ({ page }) => {
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill("someone@example.org");
  await page.getByRole("button", { name: "Email me a link" }).click();
  // This instance has no SMTP server: the route says so, the same for every address.
  await expect(page.getByRole("alert")).toContainText("no SMTP server");
  await shot(page, "forgot-password");

  await page.goto("/reset-password?token=not-a-real-token");
  await page.getByLabel("New password", { exact: true }).fill("a new password!");
  await page.getByLabel("New password, again").fill("a new password!");
  await page.getByRole("button", { name: "Set password" }).click();
  await expect(page.getByRole("alert")).toContainText(/invalid token/i);
  await shot(page, "reset-password");

  await page.goto("/reset-password?error=INVALID_TOKEN");
  await expect(page.getByRole("alert")).toContainText("not valid any more");
});

test("an unknown address shows the not-found page, and the magic-link form shows the server's refusal", async ({ page }) => {
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await page.goto("/signin");
  const form = page.getByRole("form", { name: "With a link by email" });
  await form.getByLabel("Email").fill("someone@example.org");
  await form.getByRole("button", { name: "Email me a link" }).click();
  await expect(form.getByRole("alert")).toContainText("no SMTP server");
});

test("pages fit a 360 px screen and follow a dark colour scheme", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/signin");
  await shot(page, "signin-360-dark");
  await signUp(page, newEmail("small"));
  await expect(page).toHaveURL(PROJECT_URL);
  await shot(page, "project-360-dark");
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  await page.getByRole("button", { name: /^Create API key$/ }).click();
  await expect(page.getByLabel("New API key (shown once)")).toHaveValue(/^hcw_/);
  // Nothing wider than the screen: no sideways scrolling.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(page, "settings-360-dark");
  await page.getByRole("link", { name: /@example\.org$/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await shot(page, "account-360-dark");
});

test("the keyboard reaches the skip link first and every control shows its focus", async ({ page }) => {
  await page.goto("/signin");
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  const focused = page.locator(":focus");
  await expect(focused).toHaveAttribute("name", "email");
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
});

test("axe finds nothing serious on the sign-in, sign-up, password, settings and account pages", async ({ page }) => {
  for (const [path, heading] of [
    ["/signin", "Sign in"],
    ["/signup", "Sign up"],
    ["/forgot-password", "Forgot your password?"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, `${path} (${heading})`);
  }
  await signUp(page, newEmail("axe"));
  await expect(page).toHaveURL(PROJECT_URL);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page.getByRole("heading", { name: "API keys" })).toBeVisible();
  await expectAccessible(page, "project settings");
  await page.getByRole("link", { name: /@example\.org$/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await expectAccessible(page, "account");
});
