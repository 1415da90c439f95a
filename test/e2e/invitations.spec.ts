// An owner invites a read-only member by link; the invitee signs up from the link, accepts, sees the
// project with every write control of its settings gone, and a forged write is refused.
import { expect, newEmail, newPerson, PROJECT_URL, projectIdOf, shot, signUp, test } from "./helpers";

test("an invitee with the read-only role joins by link and can change nothing", async ({ page, browser, baseURL }) => {
  // The owner names the project, so the invitee's own "My Project" cannot be mistaken for it.
  await signUp(page, newEmail("owner"));
  await expect(page).toHaveURL(PROJECT_URL);
  const projectId = projectIdOf(page);
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${projectId}/settings$`));
  await page.getByRole("textbox", { name: "Name", exact: true }).fill("Nightly Backups");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nightly Backups");

  const inviteeEmail = newEmail("invitee");
  const inviteForm = page.getByRole("form", { name: "Invite a member" });
  await inviteForm.getByLabel("Email address to invite").fill(inviteeEmail);
  await inviteForm.getByLabel("Role").selectOption("readonly");
  await inviteForm.getByRole("button", { name: "Invite" }).click();
  const made = page.getByRole("status").filter({ hasText: `Invited ${inviteeEmail}` });
  await expect(made).toContainText("Read-only");
  const link = await made.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite\/[0-9a-f-]{36}$/);
  await shot(page, "settings-owner");

  // The invitee: another browser context, signed out, opens the link.
  const invitee = await newPerson(browser, baseURL);
  const guest = invitee.page;
  await guest.goto(link);
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("You are invited to a project");
  await shot(guest, "invite-signed-out");
  await guest.getByRole("link", { name: "Sign up" }).last().click();
  await signUp(guest, inviteeEmail, { open: false });

  await expect(guest).toHaveURL(new RegExp(`/invite/[0-9a-f-]{36}$`));
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("Invitation to Nightly Backups");
  await expect(guest.getByText("invites")).toContainText("Read-only");
  await shot(guest, "invite");
  await guest.getByRole("button", { name: "Accept" }).click();

  await expect(guest).toHaveURL(new RegExp(`/projects/${projectId}$`));
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("Nightly Backups");
  await expect(guest.getByText("Your role:")).toContainText("Read-only");

  await guest.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(guest).toHaveURL(new RegExp(`/projects/${projectId}/settings$`));
  await expect(guest.getByRole("note")).toContainText("read-only access");
  await expect(guest.getByRole("textbox", { name: "Name", exact: true })).toBeDisabled();
  for (const name of [/^Rename$/, /^Create\b/, /^Regenerate\b/, /^Revoke\b/, /^Save reminders$/, /^Invite$/, /^Remove$/, /^Offer ownership$/, /^Delete project$/]) {
    await expect(guest.getByRole("button", { name }), String(name)).toHaveCount(0);
  }
  for (const radio of await guest.getByRole("radio").all()) await expect(radio).toBeDisabled();
  await expect(guest.getByRole("combobox", { name: /^Role of/ })).toHaveCount(0);
  await expect(guest.getByRole("heading", { name: "Invitations" })).toHaveCount(0);
  await expect(guest.getByRole("button", { name: "Leave project" })).toBeVisible();
  await expect(guest.getByRole("row").filter({ hasText: inviteeEmail })).toContainText("Read-only");
  await shot(guest, "settings-readonly");

  // A write the page does not offer, forged from the page itself: refused, nothing changed.
  const forged = await guest.evaluate(async (id) => {
    const res = await fetch(`/app/api/projects/${id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Hijacked" }),
    });
    return { status: res.status, body: (await res.json()) as { error?: string } };
  }, projectId);
  expect(forged.status).toBe(403);
  expect(forged.body.error).toMatch(/readonly/);
  const after = await guest.evaluate(async (id) => (await (await fetch(`/app/api/projects/${id}`)).json()).name, projectId);
  expect(after).toBe("Nightly Backups");
  await guest.reload();
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("Nightly Backups");

  // The owner sees the new member with their role, and no pending invitation.
  await page.reload();
  await expect(page.getByRole("row").filter({ hasText: inviteeEmail }).getByRole("combobox")).toHaveValue("readonly");
  await expect(page.getByText("No pending invitations.")).toBeVisible();
  await shot(page, "settings-owner-team");
  await invitee.context.close();
});
