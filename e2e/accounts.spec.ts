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
  for (const path of [
    "/",
    "/settings/api-keys",
    "/settings/members",
    "/settings/audit-log",
    "/settings/account",
  ]) {
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

test("changing the password ends every other session; this one stays signed in", async ({
  page,
  browser,
}) => {
  // Two browsers, two sign-ins and four argon2 checks: more than a minute on a busy machine.
  test.slow();
  const account = await signUp(page);
  // The same user signed in in a second browser.
  const elsewhere = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const other = await elsewhere.newPage();
  await signIn(other, account);

  await page.goto("/settings/general");
  await page.getByRole("link", { name: "Your account" }).click();
  await expect(page).toHaveURL(/\/settings\/account$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  const current = page.getByRole("textbox", { name: "Current password" });
  const next = page.getByRole("textbox", { name: "New password", exact: true });
  const confirm = page.getByRole("textbox", { name: "Confirm new password" });
  const submit = page.getByRole("button", { name: "Change password" });

  await current.fill("not-my-password");
  await next.fill("short");
  await confirm.fill("other");
  await submit.click();
  await expect(page.getByText("Password must be at least 8 characters.")).toBeVisible();
  await expect(page.getByText("The passwords do not match.")).toBeVisible();
  await expect(confirm).toHaveAttribute("aria-invalid", "true");

  const newPassword = `new-${account.password}`;
  await current.fill("not-my-password");
  await next.fill(newPassword);
  await confirm.fill(newPassword);
  await submit.click();
  await expect(page.getByText("Current password is incorrect")).toBeVisible();
  await expect(current).toHaveAttribute("aria-invalid", "true");
  // Nothing typed comes back from the server.
  await expect(current).toHaveValue("");

  await current.fill(account.password);
  await next.fill(newPassword);
  await confirm.fill(newPassword);
  await submit.click();
  await expect(
    page
      .getByRole("status")
      .filter({ hasText: "Password changed. Your other sessions have been signed out." }),
  ).toBeVisible();

  // This browser is still signed in, also after a reload and on other pages.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await page.goto("/settings/members");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();

  // Asking Auth.js to refresh the ended session (as its client's update() does) revives nothing.
  const { csrfToken } = (await (await other.request.get("/api/auth/csrf")).json()) as {
    csrfToken: string;
  };
  const refreshed = await other.request.post("/api/auth/session", {
    data: { csrfToken, data: { reissue: "guess", sessionVersion: 99 } },
  });
  expect(refreshed.status()).toBe(200);
  // Still the version it was signed in with (a new account's first: 0), now a past one.
  expect(await refreshed.json()).toMatchObject({ sessionVersion: 0 });

  // The other browser's session has ended: its next navigation lands on /sign-in.
  await other.goto("/settings/api-keys");
  await expect(other).toHaveURL(/\/sign-in$/);
  await other.getByRole("textbox", { name: "Email" }).fill(account.email);
  await other.getByRole("textbox", { name: "Password" }).fill(account.password);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByText("Invalid email or password")).toBeVisible();
  await signIn(other, { email: account.email, password: newPassword });
  await elsewhere.close();
});
