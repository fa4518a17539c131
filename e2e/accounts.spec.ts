import { expect, signedOut, test } from "./fixtures";
import { newAccount, signIn, signOut, signUp } from "./helpers";

// These specs are about accounts themselves: each signs up its own users.
test.use(signedOut);

test("sign up creates an account and an organization, and the session survives a reload", async ({
  page,
}) => {
  const account = await signUp(page);
  await expect(page.getByRole("heading", { level: 1, name: account.organization })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("sign out, then sign in again", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);
  await page.goto("/settings/members");
  await expect(page).toHaveURL(/\/sign-in$/);
  await signIn(page, account);
  await expect(page).toHaveURL(/\/$/);
});

test("a wrong password gets one generic error", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);
  await page.getByRole("textbox", { name: "Email" }).fill(account.email);
  await page.getByRole("textbox", { name: "Password" }).fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Invalid email or password")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  // An unknown email reads exactly the same.
  await page.getByRole("textbox", { name: "Email" }).fill("nobody-here@example.test");
  await page.getByRole("textbox", { name: "Password" }).fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Invalid email or password")).toBeVisible();
});

test("signed-out visitors are sent to /sign-in", async ({ page }) => {
  for (const path of ["/", "/settings/api-keys", "/settings/members", "/settings/audit-log"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/sign-in$/);
  }
});

test("a taken email is a field error and keeps what was typed", async ({ page }) => {
  const account = await signUp(page);
  await signOut(page);
  await page.goto("/sign-up");
  await page.getByRole("textbox", { name: "Name" }).fill("Someone Else");
  await page.getByRole("textbox", { name: "Email" }).fill(account.email.toUpperCase());
  await page.getByRole("textbox", { name: "Password" }).fill("another-password");
  await page.getByRole("textbox", { name: "Organization" }).fill("Another Org");
  await page.getByRole("button", { name: "Create account" }).click();
  const email = page.getByRole("textbox", { name: "Email" });
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("textbox", { name: "Name" })).toHaveValue("Someone Else");
  await expect(page).toHaveURL(/\/sign-up$/);
});

test("sign-up validates every field", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByRole("textbox", { name: "Email" }).fill("not-an-email");
  await page.getByRole("textbox", { name: "Password" }).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your name.")).toBeVisible();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Password must be at least 8 characters.")).toBeVisible();
  await expect(page.getByText("Enter an organization name.")).toBeVisible();
  void newAccount;
});
