import { expect, signedOut, test } from "./fixtures";
import { newAccount } from "./helpers";

// The forms are server actions handed to useActionState as they are, so a browser that has not
// run (or will never run) the page's JavaScript still submits them, and sees errors and what it
// typed come back from the server.
test.use({ javaScriptEnabled: false });

test.describe("signed out", () => {
  test.use(signedOut);

  test("sign up with field errors first, then sign out and sign in", async ({ page }) => {
    const account = newAccount("nojs");
    await page.goto("/sign-up");
    await page.getByRole("textbox", { name: "Name" }).fill(account.name);
    await page.getByRole("textbox", { name: "Email" }).fill(account.email);
    await page.getByRole("textbox", { name: "Password" }).fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Password must be at least 8 characters.")).toBeVisible();
    await expect(page.getByText("Enter an organization name.")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Name" })).toHaveValue(account.name);
    await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(account.email);
    await expect(page.getByRole("textbox", { name: "Password" })).toHaveValue("");

    await page.getByRole("textbox", { name: "Password" }).fill(account.password);
    await page.getByRole("textbox", { name: "Organization" }).fill(account.organization);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: account.organization })).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.getByRole("textbox", { name: "Email" }).fill(account.email);
    await page.getByRole("textbox", { name: "Password" }).fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Invalid email or password")).toBeVisible();
    await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(account.email);

    await page.getByRole("textbox", { name: "Password" }).fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: account.organization })).toBeVisible();
  });

  test("change the password: errors, then success keeps this session", async ({ page }) => {
    const account = newAccount("nojs-pw");
    await page.goto("/sign-up");
    for (const [label, value] of [
      ["Name", account.name],
      ["Email", account.email],
      ["Password", account.password],
      ["Organization", account.organization],
    ] as const) {
      await page.getByRole("textbox", { name: label }).fill(value);
    }
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/$/);

    await page.goto("/settings/account");
    const current = page.getByRole("textbox", { name: "Current password" });
    const next = page.getByRole("textbox", { name: "New password", exact: true });
    const confirm = page.getByRole("textbox", { name: "Confirm new password" });
    const newPassword = `new-${account.password}`;
    await current.fill("not-my-password");
    await next.fill(newPassword);
    await confirm.fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Current password is incorrect")).toBeVisible();
    await expect(current).toHaveValue("");

    await current.fill(account.password);
    await next.fill(newPassword);
    await confirm.fill(`${newPassword}x`);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("The passwords do not match.")).toBeVisible();

    await current.fill(account.password);
    await next.fill(newPassword);
    await confirm.fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(
      page
        .getByRole("status")
        .filter({ hasText: "Password changed. Your other sessions have been signed out." }),
    ).toBeVisible();
    await page.goto("/settings/account");
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await page.getByRole("textbox", { name: "Email" }).fill(account.email);
    await page.getByRole("textbox", { name: "Password" }).fill(account.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Invalid email or password")).toBeVisible();
    await page.getByRole("textbox", { name: "Password" }).fill(newPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/$/);
  });
});

test("create an organization, rename it and add a member", async ({ page, browser }) => {
  await page.goto("/welcome");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("Enter an organization name.")).toBeVisible();
  const name = newAccount().organization;
  await page.getByRole("textbox", { name: "Organization" }).fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  await page.goto("/settings/general");
  const field = page.getByRole("textbox", { name: "Organization name" });
  await field.fill(" ");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter an organization name.")).toBeVisible();
  await field.fill(`${name} renamed`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Organization renamed." })).toBeVisible();
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: `${name} renamed` })).toBeVisible();

  // Someone to add: a user signed up in a browser of their own.
  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const teammate = newAccount("teammate");
  const signup = await other.newPage();
  await signup.goto("/sign-up");
  for (const [label, value] of [
    ["Name", teammate.name],
    ["Email", teammate.email],
    ["Password", teammate.password],
    ["Organization", teammate.organization],
  ] as const) {
    await signup.getByRole("textbox", { name: label }).fill(value);
  }
  await signup.getByRole("button", { name: "Create account" }).click();
  await expect(signup).toHaveURL(/\/$/);
  await other.close();

  await page.goto("/settings/members");
  await page.getByRole("textbox", { name: "Email" }).fill("nobody-at-all@example.test");
  await page.getByRole("combobox", { name: "Role" }).selectOption("admin");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText("No user with this email. Ask them to sign up first.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Email" })).toHaveValue(
    "nobody-at-all@example.test",
  );
  await expect(page.getByRole("combobox", { name: "Role" })).toHaveValue("admin");

  await page.getByRole("textbox", { name: "Email" }).fill(teammate.email);
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByText(`${teammate.name} was added as admin.`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: teammate.email })).toContainText("admin");
});
