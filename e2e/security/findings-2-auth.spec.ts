import { expect, test } from "@playwright/test";
import {
  addMember,
  createKeyOverHttp,
  type Member,
  membersOf,
  signInOverHttp,
  signUpOverHttp,
} from "./accounts";
import { actionByName, callAction, succeeded } from "./actions";
import { type SpawnedServer, startServer } from "./server";

// Sessions and organization choice, driven over HTTP against the production build.

const baseURL = () => test.info().project.use.baseURL as string;

/** The organization id of a member's active org, from a key's /api/v1/me. */
async function orgIdOf(member: Member) {
  const { key } = await createKeyOverHttp(member, ["customers:read"]);
  const me = await fetch(`${member.baseURL}/api/v1/me`, { headers: { "X-API-Key": key } });
  return ((await me.json()) as { organization: { id: string } }).organization.id;
}

/** A new user with their own organization (signUpOverHttp answers its name too). */
const signUp = async (prefix: string) =>
  (await signUpOverHttp(baseURL(), prefix)) as Member & { organization: string };

const orgCookie = async (member: Member) =>
  (await member.ctx.storageState()).cookies.find((c) => c.name === "lk_org")?.value;

/** A user in organization A (their own) and B (added as admin), with B chosen. */
async function memberOfChosenOrg() {
  const user = await signUp("leaver");
  const ownerB = await signUp("owner-b");
  await addMember(ownerB, user.email, "admin");
  const orgB = await orgIdOf(ownerB);
  const switched = await callAction(
    user.ctx,
    actionByName("switchOrganization"),
    [{ organizationId: orgB }],
    { baseURL: baseURL() },
  );
  expect(succeeded(switched), switched.body.slice(0, 300)).toBe(true);
  expect(await (await user.ctx.get("/settings/general")).text()).toContain(ownerB.organization);
  /** B's owner removes the user from B. */
  const remove = async () => {
    const userId = (await membersOf(ownerB)).get(user.email)?.userId as string;
    const removed = await callAction(ownerB.ctx, actionByName("removeMember"), [{ userId }], {
      baseURL: baseURL(),
    });
    expect(succeeded(removed), removed.body.slice(0, 300)).toBe(true);
  };
  return { user, ownerB, orgB, remove };
}

async function removedFromChosenOrg() {
  const world = await memberOfChosenOrg();
  await world.remove();
  return world;
}

test.describe("a chosen organization the user was removed from", () => {
  test("pages send the user to /welcome, which says so; nothing of the other org is shown", async () => {
    const { user, orgB } = await removedFromChosenOrg();
    for (const path of ["/", "/settings/general", "/settings/api-keys", "/settings/members"]) {
      const page = await user.ctx.get(path, { maxRedirects: 0 });
      expect(page.status(), path).toBeGreaterThanOrEqual(300);
      expect(page.status(), path).toBeLessThan(400);
      expect(new URL(page.headers().location ?? "", baseURL()).pathname, path).toBe("/welcome");
    }
    const welcome = await (await user.ctx.get("/welcome")).text();
    expect(welcome).toContain("You are no longer a member of that organization.");
    expect(welcome).toContain("Choose an organization");
    // The way on: the user's remaining organization, to choose (not already chosen for them).
    expect(welcome).toContain(user.organization);
    expect(await orgCookie(user)).toBe(orgB);
    const exported = await user.ctx.get("/settings/audit-log/export");
    expect(exported.status()).toBe(403);
  });

  test("server actions refuse with a clear error, clear the choice and change nothing anywhere", async () => {
    const { user, ownerB, orgB } = await removedFromChosenOrg();
    const rename = actionByName("renameOrganization");
    const refused = await callAction(user.ctx, rename, [{ name: "Renamed by mistake" }], {
      baseURL: baseURL(),
    });
    expect(succeeded(refused)).toBe(false);
    expect(refused.body).toContain("You are no longer a member of that organization");
    expect(await orgCookie(user)).not.toBe(orgB);
    // Still nothing is active: a second try is refused as well, pages still go to /welcome.
    const again = await callAction(user.ctx, rename, [{ name: "Renamed by mistake" }], {
      baseURL: baseURL(),
    });
    expect(again.body).toContain("You are no longer a member of that organization");
    const page = await user.ctx.get("/settings/general", { maxRedirects: 0 });
    expect(new URL(page.headers().location ?? "", baseURL()).pathname).toBe("/welcome");
    expect(await (await user.ctx.get("/welcome")).text()).toContain(
      "You are no longer a member of that organization.",
    );

    // Choosing the remaining organization opens it, untouched; B is untouched too.
    const orgA = (await (await user.ctx.get("/welcome")).text()).match(
      /name="organizationId" value="([0-9a-f-]{36})"/,
    )?.[1];
    expect(orgA).toBeTruthy();
    const chosen = await callAction(
      user.ctx,
      actionByName("switchOrganization"),
      [{ organizationId: orgA, redirectTo: "/" }],
      { baseURL: baseURL() },
    );
    expect(chosen.status, chosen.body.slice(0, 300)).toBeLessThan(400);
    const general = await (await user.ctx.get("/settings/general")).text();
    expect(general).toContain(user.organization);
    expect(general).not.toContain("Renamed by mistake");
    expect(await (await ownerB.ctx.get("/settings/general")).text()).not.toContain(
      "Renamed by mistake",
    );
  });

  test("in the browser: the next page load explains and offers the remaining organization", async ({
    browser,
  }) => {
    const { user } = await removedFromChosenOrg();
    const context = await browser.newContext({
      baseURL: baseURL(),
      storageState: await user.ctx.storageState(),
    });
    const page = await context.newPage();
    await page.goto("/settings/api-keys");
    await expect(page).toHaveURL(/\/welcome$/);
    await expect(page.getByRole("status")).toHaveText(
      "You are no longer a member of that organization.",
    );
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose an organization");
    await page.getByRole("button", { name: `Open ${user.organization}` }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole("heading", { level: 1, name: user.organization })).toBeVisible();
    await context.close();
  });

  test("in the browser: a form sent from a page of the organization left is refused", async ({
    browser,
  }) => {
    const { user, ownerB, remove } = await memberOfChosenOrg();
    const context = await browser.newContext({
      baseURL: baseURL(),
      storageState: await user.ctx.storageState(),
    });
    const page = await context.newPage();
    await page.goto("/settings/general");
    await expect(page.getByRole("textbox", { name: "Organization name" })).toHaveValue(
      ownerB.organization,
    );
    await remove();
    await page.getByRole("textbox", { name: "Organization name" }).fill("Renamed by mistake");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(
      page.getByText("You are no longer a member of that organization").first(),
    ).toBeVisible();
    await expect(page).toHaveURL(/\/welcome$/);
    await context.close();
    const mine = await (await user.ctx.get("/welcome")).text();
    expect(mine).not.toContain("Renamed by mistake");
    expect(await (await ownerB.ctx.get("/settings/general")).text()).not.toContain(
      "Renamed by mistake",
    );
  });
});

test.describe("Auth.js's own sign-out route", () => {
  test("POST /api/auth/signout ends the session everywhere: a copied cookie stops working", async ({
    playwright,
  }) => {
    const owner = await signUpOverHttp(baseURL());
    const copy = await playwright.request.newContext({
      baseURL: baseURL(),
      storageState: await owner.ctx.storageState(),
    });
    const rename = actionByName("renameOrganization");
    const before = await callAction(copy, rename, [{ name: "Renamed before" }], {
      baseURL: baseURL(),
    });
    expect(succeeded(before)).toBe(true);

    const { csrfToken } = (await (await owner.ctx.get("/api/auth/csrf")).json()) as {
      csrfToken: string;
    };
    const out = await owner.ctx.post("/api/auth/signout", {
      form: { csrfToken, callbackUrl: `${baseURL()}/sign-in` },
      maxRedirects: 0,
    });
    expect(out.status()).toBe(302);

    const page = await copy.get("/settings/general", { maxRedirects: 0 });
    expect(page.status()).toBeGreaterThanOrEqual(300);
    expect(page.status()).toBeLessThan(400);
    expect(page.headers().location).toContain("/sign-in");
    const after = await callAction(copy, rename, [{ name: "Renamed after" }], {
      baseURL: baseURL(),
    });
    expect(succeeded(after)).toBe(false);
    expect(after.body).toContain('"code":"unauthenticated"');
  });

  test("an already-ended cookie posting to it cannot end the user's newer session", async ({
    playwright,
  }) => {
    const owner = await signUpOverHttp(baseURL());
    const stale = await playwright.request.newContext({
      baseURL: baseURL(),
      storageState: await owner.ctx.storageState(),
    });
    await callAction(owner.ctx, actionByName("signOut"), [], { baseURL: baseURL() });
    const again = await signInOverHttp(baseURL(), owner.email, owner.password);
    expect((await again.ctx.get("/settings/general", { maxRedirects: 0 })).status()).toBe(200);

    const { csrfToken } = (await (await stale.get("/api/auth/csrf")).json()) as {
      csrfToken: string;
    };
    await stale.post("/api/auth/signout", { form: { csrfToken }, maxRedirects: 0 });
    expect((await again.ctx.get("/settings/general", { maxRedirects: 0 })).status()).toBe(200);
  });
});

test.describe("adding members, on a server of its own with MEMBER_ADDS_PER_HOUR=10", () => {
  test.describe.configure({ mode: "serial" });
  let server: SpawnedServer;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startServer({ MEMBER_ADDS_PER_HOUR: "10" });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("past 10 attempts an hour, per user and per IP, the email field says so", async () => {
    const owner = await signUpOverHttp(server.url, "adder");
    const teammate = await signUpOverHttp(server.url, "teammate");
    const add = actionByName("addMember");
    const attempt = (by: Member, email: string) =>
      callAction(by.ctx, add, [{ email, role: "member" }], { baseURL: server.url });
    for (let i = 0; i < 10; i++) {
      const r = await attempt(owner, `nobody-${i}@example.test`);
      expect(r.body).toContain("No user with this email");
    }
    const throttled = await attempt(owner, teammate.email);
    expect(succeeded(throttled)).toBe(false);
    expect(throttled.body).toContain("Too many members added in the last hour. Try again later.");
    expect(throttled.body).not.toContain("No user with this email");
    expect((await membersOf(owner)).has(teammate.email)).toBe(false);
    // Another user from the same address (127.0.0.1) has spent nothing, but the address has.
    const other = await attempt(teammate, owner.email);
    expect(other.body).toContain("Too many members added in the last hour. Try again later.");
  });
});
