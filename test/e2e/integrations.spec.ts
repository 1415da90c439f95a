// The integrations page (a webhook to a local receiver: added, tested, assigned, renamed, removed),
// what a read-only member may do there, the badges page, and the projects index with its status
// cards and the top bar's switcher.
import type { Page } from "@playwright/test";
import { Receiver } from "../chaos/harness.mjs";
import { expectAccessible } from "./axe";
import { expect, newEmail, newPerson, PROJECT_URL, projectIdOf, shot, shotThemes, signUp, test } from "./helpers";

/** A dashboard API call from the page itself (its cookie and Origin go along). */
function fromPage<T>(page: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ path, init }) => {
      const res = await fetch(`/app/api${path}`, {
        method: init.method ?? "GET",
        headers: { "Content-Type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: res.status, body: await res.json() };
    },
    { path, init },
  );
}

async function firstCheck(page: Page, projectId: string): Promise<string> {
  const { body } = await fromPage<{ checks: { uuid: string }[] }>(page, `/projects/${projectId}/checks`);
  return body.checks[0]!.uuid;
}

let receiver: Receiver;

test.beforeAll(async () => {
  receiver = new Receiver();
  await receiver.up();
});

test.afterAll(async () => {
  await receiver.down();
});

test("a webhook integration: added through the page, tested, assigned, renamed and removed", async ({ page }) => {
  await signUp(page, newEmail("integrations"));
  await expect(page).toHaveURL(PROJECT_URL);
  const projectId = projectIdOf(page);
  await page.goto(`/projects/${projectId}/integrations`);
  await expect(page.getByText("This project has no integrations.")).toBeVisible();
  await expectAccessible(page, "integrations, empty");

  // Add: the catalogue's webhook, its form in a dialog.
  await page.getByRole("button", { name: "Add Webhook" }).click();
  const dialog = page.getByRole("dialog", { name: "Add Webhook" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await expect(dialog).toContainText("This project's check will use it");
  await dialog.getByLabel("Name").fill("Receiver");
  const down = dialog.getByRole("group", { name: "When a check goes down" });
  await down.getByLabel("URL").fill("not a url");
  await dialog.getByRole("button", { name: "Add integration" }).click();
  // The server's own rule, checked in the page, shown by its field.
  await expect(down.getByText("Down URL is not a valid URL")).toBeVisible();
  await expect(down.getByLabel("URL")).toBeFocused();
  await down.getByLabel("URL").fill(`${receiver.url("page")}/down/$CODE`);
  await expect(down.getByText("Down URL is not a valid URL")).toHaveCount(0);
  await expect(down.getByLabel("Method")).toHaveValue("POST");
  await down.getByLabel("Body").fill("$NAME is $STATUS");
  await down.getByLabel("Headers").fill("X-Secret: hunter2-hunter2");
  await shot(page, "integrations-add-webhook");
  await expectAccessible(page, "integrations, add dialog");
  await dialog.getByRole("button", { name: "Add integration" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("status")).toContainText("Added Receiver.");
  const row = page.getByRole("row").filter({ hasText: "Receiver" });
  await expect(row).toContainText("1 of 1 checks");
  await expect(row).toContainText("Ready to deliver");
  await expect(row).toContainText("Never");
  await expect(row).toContainText(`POST ${receiver.url("page")}/down/$CODE`);
  // The header's value is a secret: never shown again.
  await expect(page.getByText("hunter2-hunter2")).toHaveCount(0);
  await expect(page.getByText("This project has no integrations.")).toHaveCount(0);

  // Send test: the receiver gets the test alert, the page says so and shows the delivery.
  await row.getByRole("button", { name: "Send test to Receiver" }).click();
  await expect(page.getByRole("status")).toContainText("Receiver: Test notification sent!");
  await expect.poll(() => receiver.box("page").length).toBe(1);
  const [hit] = receiver.box("page");
  expect(hit).toMatchObject({ method: "POST", body: "TEST is down" });
  expect(hit!.headers["x-secret"]).toBe("hunter2-hunter2");
  await expect(row).toContainText(/Delivered (just now|\d+ seconds? ago)/);

  // Assign: off for the project's one check, then on again.
  await row.getByRole("button", { name: /1 of 1 checks/ }).click();
  const assign = page.getByRole("dialog", { name: "Checks that use Receiver" });
  const box = assign.getByRole("checkbox", { name: /My First Check/ });
  await expect(box).toBeChecked();
  await expect(box).toBeFocused();
  await box.uncheck();
  await expect(assign).toContainText("0 of 1 checks use it");
  await assign.getByRole("button", { name: "Done" }).click();
  await expect(assign).toHaveCount(0);
  await expect(row).toContainText("0 of 1 checks");
  const uuid = await firstCheck(page, projectId);
  expect((await fromPage<{ channels: string[] }>(page, `/projects/${projectId}/checks/${uuid}`)).body.channels).toEqual([]);
  await row.getByRole("button", { name: /0 of 1 checks/ }).click();
  await assign.getByRole("checkbox", { name: /My First Check/ }).check();
  await expect(assign).toContainText("1 of 1 checks use it");
  await page.keyboard.press("Escape");
  await expect(assign).toHaveCount(0);
  await expect(row).toContainText("1 of 1 checks");

  // Rename without touching (or retyping) its settings.
  await row.getByRole("button", { name: "Edit Receiver" }).click();
  const edit = page.getByRole("dialog", { name: "Edit Receiver" });
  await expect(edit.getByRole("group", { name: "When a check goes down" }).getByLabel("URL")).toHaveValue(`${receiver.url("page")}/down/$CODE`);
  await expect(edit.getByRole("group", { name: "When a check goes down" }).getByLabel("Headers")).toHaveValue("");
  await edit.getByLabel("Name").fill("Local receiver");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toHaveCount(0);
  const renamed = page.getByRole("row").filter({ hasText: "Local receiver" });
  await expect(renamed).toContainText("1 of 1 checks");
  await row.getByRole("button", { name: "Send test to Local receiver" }).click();
  await expect.poll(() => receiver.box("page").length).toBe(2);
  // The stored header survived the rename.
  expect(receiver.box("page")[1]!.headers["x-secret"]).toBe("hunter2-hunter2");

  await expectAccessible(page, "integrations");
  await shotThemes(page, "integrations");

  // The top bar and the projects index count it.
  await page.goto("/");
  await expect(page.getByRole("listitem").filter({ hasText: "My Project" })).toContainText("1 integration");

  // Remove, after a second press.
  await page.goto(`/projects/${projectId}/integrations`);
  await renamed.getByRole("button", { name: "Remove" }).click();
  await renamed.getByRole("group").getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("status")).toContainText("Removed Local receiver.");
  await expect(page.getByRole("row").filter({ hasText: "Local receiver" })).toHaveCount(0);
  await expect(page.getByText("This project has no integrations.")).toBeVisible();
  expect((await fromPage<{ channels: string[] }>(page, `/projects/${projectId}/checks/${uuid}`)).body.channels).toEqual([]);
});

test("a read-only member may send a test notification but sees no control that changes anything", async ({ page, browser, baseURL }) => {
  await signUp(page, newEmail("owner"));
  await expect(page).toHaveURL(PROJECT_URL);
  const projectId = projectIdOf(page);
  const made = await fromPage<{ id: string }>(page, `/projects/${projectId}/channels`, {
    method: "POST",
    body: { name: "Shared hook", kind: "webhook", value: { url_down: `${receiver.url("readonly")}/down` } },
  });
  expect(made.status).toBe(201);
  const guestEmail = newEmail("viewer");
  const invited = await fromPage<{ link: string }>(page, `/projects/${projectId}/invitations`, { method: "POST", body: { email: guestEmail, role: "readonly" } });
  expect(invited.status).toBe(201);

  const guest = (await newPerson(browser, baseURL)).page;
  await signUp(guest, guestEmail);
  await expect(guest).toHaveURL(PROJECT_URL);
  await guest.goto(invited.body.link);
  await guest.getByRole("button", { name: "Accept" }).click();
  await expect(guest).toHaveURL(new RegExp(`/projects/${projectId}$`));
  await guest.goto(`/projects/${projectId}/integrations`);
  await expect(guest.getByRole("note")).toContainText("read-only access");
  const row = guest.getByRole("row").filter({ hasText: "Shared hook" });
  await expect(row).toContainText("1 of 1 checks");
  await expect(row.getByRole("button", { name: /checks/ })).toHaveCount(0);
  for (const name of [/^Edit/, /^Remove/, /^Add/]) await expect(guest.getByRole("button", { name }), String(name)).toHaveCount(0);
  await expect(guest.getByRole("heading", { name: "Add an integration" })).toHaveCount(0);
  await row.getByRole("button", { name: "Send test to Shared hook" }).click();
  await expect(guest.getByRole("status")).toContainText("Shared hook: Test notification sent!");
  await expect.poll(() => receiver.box("readonly").length).toBe(1);
  await expectAccessible(guest, "integrations, read-only");
  await shot(guest, "integrations-readonly");
});

test("the badges page previews each badge and gives its address in every format", async ({ page }) => {
  await signUp(page, newEmail("badges"));
  await expect(page).toHaveURL(PROJECT_URL);
  const projectId = projectIdOf(page);
  const uuid = await firstCheck(page, projectId);
  expect((await fromPage(page, `/projects/${projectId}/checks/${uuid}`, { method: "PATCH", body: { tags: "prod db@dc1" } })).status).toBe(200);
  await page.goto(`/projects/${projectId}/badges`);

  for (const what of ["all checks", "tag db@dc1", "tag prod"]) {
    const img = page.getByRole("img", { name: `Current status badge of ${what}` });
    await expect(img).toBeVisible();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  const all = page.getByLabel("SVG image address for all checks");
  await expect(all).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/badge\/[\w-]+\/[\w-]{8}\.svg$/);
  const svg = await page.request.get(await all.inputValue());
  expect(svg.headers()["content-type"]).toBe("image/svg+xml");
  await expect(page.getByLabel("SVG image address for tag db@dc1")).toHaveValue(/\/db%2540dc1\.svg$/);

  await page.getByRole("radio", { name: "Up or down (2 states)" }).check();
  await expect(all).toHaveValue(/\/[\w-]{8}-2\.svg$/);
  await page.getByRole("radio", { name: "JSON" }).check();
  const json = page.getByLabel("JSON address for all checks");
  await expect(json).toHaveValue(/-2\.json$/);
  expect(await (await page.request.get(await json.inputValue())).json()).toEqual({ status: "up", total: 1, grace: 0, down: 0 });
  await page.getByRole("radio", { name: "Shields.io" }).check();
  await expect(page.getByLabel("Shields.io address for tag prod")).toHaveValue(/^https:\/\/img\.shields\.io\/endpoint\?url=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Fbadge%2F.+-2%2Fprod\.shields$/);
  await page.getByRole("radio", { name: "Up, late or down (3 states)" }).check();
  await page.getByRole("radio", { name: "SVG image" }).check();

  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy" }).first().click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  await expectAccessible(page, "badges");
  await shotThemes(page, "badges");
});

test("the projects index shows each project's status and counts, down first; so does the switcher", async ({ page }) => {
  await signUp(page, newEmail("projects"));
  await expect(page).toHaveURL(PROJECT_URL);
  const first = projectIdOf(page);
  await page.goto("/");
  const mine = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "My Project" }) });
  await expect(mine).toContainText("No pings yet");
  await expect(mine).toContainText("1 check · 0 integrations");
  await expect(mine).toContainText("Owner: you");
  await expect(mine.locator(".role")).toHaveText("Owner");

  // A second project, "Alpha", sorts first by name until "My Project" has a check down.
  await page.getByLabel("Project name").fill("Alpha");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(PROJECT_URL);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 2 }).first()).toHaveText("Alpha");
  await expect(page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Alpha" }) })).toContainText("No checks");

  const uuid = await firstCheck(page, first);
  expect((await page.request.get(`/ping/${uuid}/fail`)).status()).toBe(200);
  await page.reload();
  await expect(page.getByRole("heading", { level: 2 }).first()).toHaveText("My Project");
  await expect(mine).toContainText("1 of 1 down");
  const switcher = page.getByRole("combobox", { name: "Project", exact: true });
  await expect(switcher.locator("option", { hasText: "My Project" })).toHaveText("My Project — 1 down");
  await expect(switcher.locator("option", { hasText: "Alpha" })).toHaveText("Alpha — no checks");
  await expectAccessible(page, "projects");
  await shotThemes(page, "projects");

  // The switcher, by keyboard: to the project, whose status icon stands beside it.
  await switcher.focus();
  await switcher.selectOption({ label: "My Project — 1 down" });
  await expect(page).toHaveURL(new RegExp(`/projects/${first}$`));
  await expect(page.locator(".switcher .status-down")).toBeVisible();

  expect((await page.request.get(`/ping/${uuid}`)).status()).toBe(200);
  await page.goto("/");
  await expect(mine).toContainText("Up");
  await expect(page.getByRole("heading", { level: 2 }).first()).toHaveText("Alpha");
});
