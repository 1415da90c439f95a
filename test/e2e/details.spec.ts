// A check's details and log pages: the schedule dialog's preview and validation, pings turning the
// status, the ping dialog (also from a #ping-<n> link), pause and resume, clearing the events, the
// log page's filters in the query string; axe on both pages and screenshots in both themes.
import type { Page } from "@playwright/test";
import { expectAccessible } from "./axe";
import { expect, newEmail, newPerson, PROJECT_URL, projectIdOf, shot, shotThemes, signUp, test } from "./helpers";

/** Signs up (the new project has "My First Check") and opens that check's page. */
async function openFirstCheck(page: Page): Promise<{ projectId: string; uuid: string }> {
  await signUp(page, newEmail("details"));
  await expect(page).toHaveURL(PROJECT_URL);
  const projectId = projectIdOf(page);
  const uuid = await page.evaluate(async (id) => {
    const res = await fetch(`/app/api/projects/${id}/checks`);
    const body = (await res.json()) as { checks: { uuid: string; name: string }[] };
    return body.checks.find((c) => c.name === "My First Check")!.uuid;
  }, projectId);
  await page.goto(`/projects/${projectId}/checks/${uuid}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My First Check");
  return { projectId, uuid };
}

const statusOf = (page: Page) => page.locator("#status .status-line").getByRole("status");

/** A POST of the dashboard API from the page (with its session), as JSON. */
const postJson = (page: Page, path: string, body: unknown) =>
  page.evaluate(
    async ([p, b]) => {
      const res = await fetch(`/app/api${p}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(b) });
      return (await res.json()) as Record<string, unknown>;
    },
    [path, body] as const,
  );

test("the schedule dialog previews a cron schedule in its zone and refuses a bad one", async ({ page }) => {
  await openFirstCheck(page);
  await page.getByRole("button", { name: "Change schedule…" }).click();
  const dialog = page.getByRole("dialog", { name: "Change schedule" });
  await expect(dialog.getByRole("slider", { name: "Period" })).toHaveAttribute("aria-valuetext", "1 day");
  await dialog.getByRole("radio", { name: "Cron" }).check();
  const expression = dialog.getByLabel("Cron expression");
  await expression.fill("61 * * * *");
  await expect(expression).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByText("Schedule is not a valid cron expression: Bad minute")).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Save schedule" })).toBeDisabled();

  await expression.fill("30 2 * * 1-5");
  await dialog.getByLabel("Time zone").selectOption("Europe/Riga");
  await expect(expression).not.toHaveAttribute("aria-invalid");
  const preview = dialog.getByRole("region", { name: "Preview" });
  await expect(preview).toContainText("At 02:30");
  await expect(preview.getByRole("listitem")).toHaveCount(6);
  // Each time is in the check's zone (Riga is UTC+2 or +3) and says how far away it is.
  await expect(preview.getByRole("listitem").first()).toContainText(/02:30:00 (EET|EEST|GMT\+[23])/);
  await expect(preview.getByRole("listitem").first()).toContainText(/in \d+ (hours?|days?|minutes?)/);
  await shot(page, "check-schedule-dialog");
  await dialog.getByRole("button", { name: "Save schedule" }).click();
  await expect(dialog).toBeHidden();
  const schedule = page.locator("#schedule");
  await expect(schedule).toContainText("30 2 * * 1-5");
  await expect(schedule).toContainText("Europe/Riga");

  // Back to a simple period with the number and unit: 2 hours.
  await page.getByRole("button", { name: "Change schedule…" }).click();
  await dialog.getByRole("radio", { name: "Simple" }).check();
  await dialog.getByLabel("Period, number").fill("2");
  await dialog.getByLabel("Period, unit").selectOption("hours");
  await expect(dialog.getByRole("slider", { name: "Period" })).toHaveAttribute("aria-valuetext", "2 hours");
  await page.setViewportSize({ width: 360, height: 740 });
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);
  await shot(page, "check-schedule-simple-360");
  await page.setViewportSize({ width: 1280, height: 720 });
  await dialog.getByRole("button", { name: "Save schedule" }).click();
  await expect(dialog).toBeHidden();
  await expect(schedule).toContainText("2 hours");
});

test("pings turn the status, open in a dialog, and the check pauses, resumes and clears", async ({ page, request }) => {
  const { projectId, uuid } = await openFirstCheck(page);
  await expect(statusOf(page)).toHaveText("This check has never received a ping.");

  await page.getByRole("button", { name: "Edit name, tags and description…" }).click();
  const edit = page.getByRole("dialog", { name: "Edit the check" });
  await edit.getByLabel("Tags").fill(" prod  backups ");
  await edit.getByLabel("Description").fill("Nightly backup of the main database.\nRunbook: https://example.org/runbook.");
  await edit.getByRole("button", { name: "Save", exact: true }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole("list", { name: "Tags" }).getByRole("listitem")).toHaveText(["prod", "backups"]);
  await expect(page.getByRole("link", { name: "https://example.org/runbook" })).toHaveAttribute("href", "https://example.org/runbook");

  // Two timed runs: one succeeds, one fails.
  await request.post(`/ping/${uuid}/start`);
  await request.post(`/ping/${uuid}`, { data: "backup finished: 42 files" });
  await request.post(`/ping/${uuid}/start`);
  await request.post(`/ping/${uuid}/fail`, { data: "disk full" });
  // No reload: the page follows the project's live updates.
  await expect(statusOf(page)).toHaveText("This check is down.");
  const events = page.getByRole("list", { name: "Recent events, newest first" });
  await expect(events.getByRole("link").first()).toContainText("Failure");
  await expect(events.getByRole("link").first()).toContainText("#4");
  await expect(events).toContainText("Status: up → down");
  await expect(page.locator("#status")).toContainText("1 downtime");
  await expect(page.locator("#history")).toContainText("Last 2 runs: median");

  await expectAccessible(page, "check details");
  await shotThemes(page, "check-details");

  // A ping opens in a dialog, with its #ping-<n> in the address.
  await events.getByRole("link").first().click();
  const dialog = page.getByRole("dialog", { name: "Ping #4" });
  await expect(dialog).toContainText("disk full");
  await expect(page).toHaveURL(/#ping-4$/);
  await expectAccessible(page, "ping dialog");
  await shot(page, "check-ping-dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page).not.toHaveURL(/#ping/);
  // A link to #ping-2 opens that ping.
  await page.goto(`/projects/${projectId}/checks/${uuid}#ping-2`);
  await expect(page.getByRole("dialog", { name: "Ping #2" })).toContainText("backup finished: 42 files");
  await page.getByRole("dialog", { name: "Ping #2" }).getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(statusOf(page)).toHaveText("This check is paused; its next ping resumes it.");
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(statusOf(page)).not.toContainText("paused");

  await page.getByRole("button", { name: "Clear events" }).click();
  await page.getByRole("group", { name: /Delete every ping/ }).getByRole("button", { name: "Clear events" }).click();
  await expect(statusOf(page)).toHaveText("This check has never received a ping.");
  await expect(page.locator("#events")).toContainText("No events yet.");
});

test("the log page's filters live in the address and survive a reload", async ({ page, request }) => {
  const { projectId, uuid } = await openFirstCheck(page);
  await request.post(`/ping/${uuid}/start`);
  await request.post(`/ping/${uuid}`, { data: "all good" });
  await page.getByRole("link", { name: "Full log" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Log of My First Check");
  const list = page.getByRole("list", { name: "Events, newest first" });
  await expect(list.getByRole("link")).toHaveCount(2);
  await page.getByRole("checkbox", { name: "Started" }).uncheck();
  await expect(page).toHaveURL(/types=success%2Cfail%2Clog%2Cign%2Cflip%2Calert|types=success,fail,log,ign,flip,alert/);
  await expect(list.getByRole("link")).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Started" })).not.toBeChecked();
  await expect(page.getByRole("checkbox", { name: "Success" })).toBeChecked();
  await expect(page.getByRole("list", { name: "Events, newest first" }).getByRole("link")).toHaveCount(1);
  await expect(page.getByText("The oldest stored ping is #1.")).toBeVisible();
  await expectAccessible(page, "check log");
  await shot(page, "check-log");
  await page.getByRole("link", { name: "My First Check" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/checks/${uuid}$`));
});

test("Ping now, the integration switches, and a copy that keeps them; removing it goes back to the checks", async ({ page }) => {
  const { projectId } = await openFirstCheck(page);
  await page.getByRole("button", { name: "Ping now" }).click();
  await expect(page.getByText("Pinged.")).toBeVisible();
  await expect(statusOf(page)).toHaveText("This check is up.");

  // A new integration is on for every check; this check's switch turns it off, and it stays off.
  await postJson(page, `/projects/${projectId}/channels`, { name: "pager", kind: "pd", value: "0123456789abcdef0123" });
  await page.reload();
  const pager = page.getByRole("switch", { name: "Alerts to pager" });
  await expect(pager).toBeChecked();
  await pager.uncheck();
  await expect(pager).not.toBeChecked();
  await page.reload();
  await expect(page.getByRole("switch", { name: "Alerts to pager" })).not.toBeChecked();

  await page.getByRole("button", { name: "Create a copy" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("My First Check (copy)");
  await expect(page.getByLabel("Ping URL by slug")).toHaveValue(/\/my-first-check-copy$/);
  await expect(page.locator("#schedule")).toContainText("1 day");
  await expect(page.getByRole("switch", { name: "Alerts to pager" })).not.toBeChecked();
  await page.getByRole("button", { name: "Remove check" }).click();
  await page.getByRole("group", { name: /Remove “My First Check \(copy\)”/ }).getByRole("button", { name: "Remove" }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}$`));
  const names = await page.evaluate(async (id) => ((await (await fetch(`/app/api/projects/${id}/checks`)).json()) as { checks: { name: string }[] }).checks.map((c) => c.name), projectId);
  expect(names).toEqual(["My First Check"]);
});

test("a read-only member sees the check without any control that changes it", async ({ page, browser, baseURL }) => {
  const { projectId, uuid } = await openFirstCheck(page);
  const guestEmail = newEmail("readonly");
  const invitation = await postJson(page, `/projects/${projectId}/invitations`, { email: guestEmail, role: "readonly" });
  const { page: guest } = await newPerson(browser, baseURL);
  await signUp(guest, guestEmail);
  await expect(guest).toHaveURL(PROJECT_URL);
  await postJson(guest, `/invitations/${String(invitation.id)}/accept`, {});
  await guest.goto(`/projects/${projectId}/checks/${uuid}`);
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("My First Check");
  await expect(guest.locator("#how-to-ping").getByLabel("Ping URL", { exact: true })).toHaveValue(new RegExp(`/ping/${uuid}$`));
  for (const name of [/^Edit name/, /^Pause$/, /^Resume$/, /^Ping now$/, /^Filtering rules/, /^Change schedule/, /^Create a copy$/, /^Clear events$/, /^Remove check$/]) {
    await expect(guest.getByRole("button", { name }), String(name)).toHaveCount(0);
  }
  await expect(guest.getByRole("switch")).toHaveCount(0);
  await expectAccessible(guest, "check details, read-only");
});
