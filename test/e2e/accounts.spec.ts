// Signing up, out and in through the pages, as a person with a browser does.
import { expect, newEmail, passwordForm, PROJECT_URL, shot, signIn, signUp, test } from "./helpers";

test("a visitor signs up and lands on their default project, My Project", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin$/);
  await shot(page, "signin");
  await page.getByRole("link", { name: "Sign up" }).last().click();
  await expect(page).toHaveURL(/\/signup/);
  await shot(page, "signup");

  await signUp(page, newEmail("first"), { open: false });
  await expect(page).toHaveURL(PROJECT_URL);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My Project");
  await expect(page.getByText("Your role:")).toContainText("Owner");
  await expect(page.getByRole("link", { name: "Settings", exact: true })).toBeVisible();
  await shot(page, "project");

  // A real URL: a reload asks the Worker for /projects/<id>, which answers with the SPA.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My Project");
});

test("a member signs out, is sent to sign in for a page, and comes back to it after signing in", async ({ page }) => {
  const email = newEmail("returning");
  await signUp(page, email);
  await expect(page).toHaveURL(PROJECT_URL);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toHaveCount(0);

  await page.goto("/account");
  await expect(page).toHaveURL(/\/signin\?next=%2Faccount$/);
  await signIn(page, email, "not the password");
  await expect(passwordForm(page).getByRole("alert")).toContainText(/invalid email or password/i);
  await shot(page, "signin-error");

  await signIn(page, email);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await expect(page.getByRole("link", { name: email })).toBeVisible();

  await page.getByRole("link", { name: "edgechecks" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Projects");
  await expect(page.getByRole("listitem").filter({ hasText: "My Project" })).toContainText("Owner");
  await shot(page, "projects");
});

test("a member changes their name and time zone on the account page, and they stay after a reload", async ({ page }) => {
  await signUp(page, newEmail("zone"));
  await page.goto("/account");
  const profile = page.getByRole("region", { name: "Profile" });
  await profile.getByLabel("Name").fill("Zane");
  await profile.getByLabel("Time zone").selectOption("Europe/Riga");
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(profile.getByRole("status")).toHaveText("Profile saved.");
  await page.reload();
  await expect(page.getByRole("region", { name: "Profile" }).getByLabel("Time zone")).toHaveValue("Europe/Riga");
  await expect(page.getByRole("region", { name: "Profile" }).getByLabel("Name")).toHaveValue("Zane");
});
