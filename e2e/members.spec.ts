import { expect, signedOut, test } from "./fixtures";
import { newAccount, signIn, signOut, signUp } from "./helpers";

// These specs are about accounts themselves: each signs up its own users.
test.use(signedOut);

test("an owner adds an existing user as a member, who then cannot manage members", async ({
  page,
}) => {
  const member = await signUp(page, newAccount("member"));
  await signOut(page);
  const owner = await signUp(page, newAccount("owner"));

  await page.getByRole("link", { name: "Settings" }).click();
  await page
    .getByRole("navigation", { name: "Settings" })
    .getByRole("link", { name: "Members" })
    .click();
  await expect(page).toHaveURL(/\/settings\/members$/);

  // Unknown email: a field error, nothing added.
  await page.getByRole("textbox", { name: "Email" }).fill("nobody-at-all@example.test");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText("No user with this email. Ask them to sign up first.")).toBeVisible();

  await page.getByRole("textbox", { name: "Email" }).fill(member.email);
  await page.getByRole("combobox", { name: "Role" }).selectOption("member");
  await page.getByRole("button", { name: "Add member" }).click();
  const row = page.getByRole("row").filter({ hasText: member.email });
  await expect(row).toBeVisible();
  await expect(row).toContainText(member.name);
  await expect(page.getByRole("row").filter({ hasText: owner.email })).toContainText("owner");
  await signOut(page);

  // The member switches to the owner's organization and sees it read-only.
  await signIn(page, member);
  await page.getByRole("combobox", { name: "Organization" }).selectOption({
    label: `${owner.organization} (member)`,
  });
  await expect(page.getByRole("heading", { level: 1, name: owner.organization })).toBeVisible();
  await page.goto("/settings/members");
  await expect(page.getByRole("row").filter({ hasText: owner.email })).toBeVisible();
  await expect(page.getByRole("button", { name: "Add member" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
});
