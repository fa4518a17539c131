import { expect, request, test } from "@playwright/test";
import {
  addMember,
  createKeyOverHttp,
  credentials,
  membersOf,
  signInOverHttp,
  signUpOverHttp,
} from "./accounts";
import { actionByName, callAction, formData, succeeded } from "./actions";
import { type SpawnedServer, startServer } from "./server";

// The eight findings of the attack on a running instance, each driven over HTTP.

const baseURL = () => test.info().project.use.baseURL as string;

test.describe("request bodies on /api/v1", () => {
  test("over 1 MiB is refused with 413 without reading the rest; other media types get 415", async () => {
    const owner = await signUpOverHttp(baseURL());
    const { key } = await createKeyOverHttp(owner, ["customers:write"]);
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${baseURL()}/api/v1/customers`, {
        method: "POST",
        headers: { "X-API-Key": key, "Content-Type": "application/json", ...headers },
        body,
        // @ts-expect-error Node's fetch streams a request body only with duplex: "half".
        duplex: "half",
      });

    const declared = await post(`{"name":"${"a".repeat(1024 * 1024)}","email":"a@b.co"}`);
    expect(declared.status).toBe(413);
    expect(declared.headers.get("content-type")).toBe("application/problem+json");
    expect((await declared.json()).code).toBe("payload_too_large");

    // 64 MiB offered chunk by chunk with no Content-Length: the server stops pulling near 1 MiB.
    let pulled = 0;
    const chunk = new TextEncoder().encode(`${"[".repeat(1024)}`.repeat(64));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 64 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const streamed = await post(stream);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).code).toBe("payload_too_large");
    expect(pulled).toBeLessThan(8 * 1024 * 1024);

    const text = await post(JSON.stringify({ name: "A", email: "a@b.co" }), {
      "Content-Type": "text/plain",
    });
    expect(text.status).toBe(415);
    expect(text.headers.get("content-type")).toBe("application/problem+json");
    expect((await text.json()).code).toBe("unsupported_media_type");

    const ok = await post(JSON.stringify({ name: "Fits", email: "fits@example.com" }));
    expect(ok.status).toBe(201);
  });
});

test("unknown /api/v1 paths are 404 and missing methods 405 with Allow, as problem+json", async ({
  request,
}) => {
  for (const path of [
    "/api/v1/nope",
    "/api/v1/keys",
    "/api/v1/customers/x/y",
    "/api/v1/me/extra",
  ]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(404);
    expect(res.headers()["content-type"]).toBe("application/problem+json");
    expect((await res.json()).code).toBe("not_found");
  }
  const del = await request.delete("/api/v1/customers");
  expect(del.status()).toBe(405);
  expect(del.headers()["content-type"]).toBe("application/problem+json");
  expect(del.headers().allow).toBe("GET, HEAD, OPTIONS, POST");
  expect((await del.json()).code).toBe("method_not_allowed");
  const get = await request.get("/api/v1/keys/verify");
  expect(get.status()).toBe(405);
  expect(get.headers().allow).toBe("OPTIONS, POST");
});

test.describe("security headers", () => {
  test("every response refuses framing and sniffing; pages carry a nonce CSP their scripts satisfy", async ({
    page,
    request,
  }) => {
    for (const path of ["/sign-in", "/", "/api/v1/health", "/api/v1/nope", "/favicon.ico"]) {
      const res = await request.get(path, { maxRedirects: 0 });
      const h = res.headers();
      expect(h["x-content-type-options"], path).toBe("nosniff");
      expect(h["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(h["x-frame-options"], path).toBe("DENY");
      if (!path.includes("."))
        expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
    }
    const first = await request.get("/sign-in");
    const second = await request.get("/sign-in");
    const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];
    const nonce = nonceOf(first.headers()["content-security-policy"]);
    expect(nonce).toBeTruthy();
    expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonce);
    const html = await first.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto("/sign-in");
    // Hydrated: the form is React's (a client-side field error would need JS to appear).
    await page.getByRole("textbox", { name: "Email" }).fill("x@example.com");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeEnabled();
    expect(violations).toEqual([]);

    // Markup injected into the served page (as a stored XSS would be) does not run: the response
    // is the server's own, headers included, with a script tag added without the nonce.
    await page.route("**/sign-in", async (route) => {
      const served = await route.fetch();
      const body = (await served.text()).replace(
        "</body>",
        '<script>window.__injected = true</script><img src=x onerror="window.__injected = true"></body>',
      );
      await route.fulfill({ response: served, body });
    });
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).fill("x@example.com");
    const injected = {
      ran: await page.evaluate(() => (window as { __injected?: boolean }).__injected === true),
      blocked: violations.length > 0,
    };
    expect(injected).toEqual({ ran: false, blocked: true });
  });
});

test("bad query strings on pages fall back to defaults, never a 500", async () => {
  const owner = await signUpOverHttp(baseURL());
  const { id } = await createKeyOverHttp(owner, ["customers:read"]);
  for (const path of [
    `/settings/api-keys/${id}?period=toString`,
    `/settings/api-keys/${id}?period=__proto__`,
    `/settings/api-keys/${id}?period=constructor&period=7d`,
    "/settings/audit-log?page=99999999999999999999",
    "/settings/audit-log?page=-1",
    "/settings/audit-log?page=1e400",
    "/settings/api-keys?sort=",
    "/settings/api-keys?sort=toString&dir=constructor&status=__proto__&page=NaN",
    "/settings/api-keys?q=%F0%9F%94%91&q=x&page=99999999999999999999",
  ]) {
    const res = await owner.ctx.get(path);
    expect(res.status(), path).toBe(200);
  }
  expect((await owner.ctx.get("/settings/api-keys/not-a-uuid")).status()).toBe(404);
});

test("two owners demoting each other at once leave one owner", async () => {
  for (let round = 0; round < 3; round++) {
    const a = await signUpOverHttp(baseURL(), "owner-a");
    const b = await signUpOverHttp(baseURL(), "owner-b");
    await addMember(a, b.email, "owner");
    // b acts in a's organization: the only one it has besides its own, chosen by cookie.
    const members = await membersOf(a);
    const idA = members.get(a.email)?.userId as string;
    const idB = members.get(b.email)?.userId as string;
    const orgCookie = (await a.ctx.storageState()).cookies.find((c) => c.name === "lk_org");
    const switchB = await callAction(
      b.ctx,
      actionByName("switchOrganization"),
      [{ organizationId: orgCookie?.value ?? (await orgIdOf(a)) }],
      { baseURL: baseURL() },
    );
    expect(succeeded(switchB), switchB.body.slice(0, 300)).toBe(true);
    const demote = actionByName("changeMemberRole");
    const [byA, byB] = await Promise.all([
      callAction(a.ctx, demote, [{ userId: idB, role: "admin" }], { baseURL: baseURL() }),
      callAction(b.ctx, demote, [{ userId: idA, role: "admin" }], { baseURL: baseURL() }),
    ]);
    expect([succeeded(byA), succeeded(byB)].filter(Boolean)).toHaveLength(1);
    const after = await membersOf(succeeded(byA) ? a : b);
    expect([...after.values()].filter((m) => m.role === "owner")).toHaveLength(1);
  }
});

/** The organization id of a member's active org, from a key's /api/v1/me. */
async function orgIdOf(member: Awaited<ReturnType<typeof signUpOverHttp>>) {
  const { key } = await createKeyOverHttp(member, ["customers:read"]);
  const me = await fetch(`${member.baseURL}/api/v1/me`, { headers: { "X-API-Key": key } });
  return ((await me.json()) as { organization: { id: string } }).organization.id;
}

test("signing out ends the session: a copy of the old cookie no longer works", async ({
  playwright,
}) => {
  const owner = await signUpOverHttp(baseURL());
  const stolen = await playwright.request.newContext({
    baseURL: baseURL(),
    storageState: await owner.ctx.storageState(),
  });
  const rename = actionByName("renameOrganization");
  const before = await callAction(stolen, rename, [{ name: "Renamed before" }], {
    baseURL: baseURL(),
  });
  expect(succeeded(before)).toBe(true);

  await callAction(owner.ctx, actionByName("signOut"), [], { baseURL: baseURL() });
  const after = await callAction(stolen, rename, [{ name: "Renamed after" }], {
    baseURL: baseURL(),
  });
  expect(succeeded(after)).toBe(false);
  expect(after.body).toContain('"code":"unauthenticated"');
  const home = await stolen.get("/settings/general", { maxRedirects: 0 });
  expect(home.status()).toBeGreaterThanOrEqual(300);
  expect(home.status()).toBeLessThan(400);
  expect(home.headers().location).toContain("/sign-in");

  // Signing in again works, and the organization kept the name from before sign-out.
  const again = await signInOverHttp(baseURL(), owner.email, owner.password);
  const general = await (await again.ctx.get("/settings/general")).text();
  expect(general).toContain("Renamed before");
  expect(general).not.toContain("Renamed after");
});

test.describe("throttles on a server of their own", () => {
  test.describe.configure({ mode: "serial" });
  let server: SpawnedServer;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startServer({ ACCOUNT_WRITES_PER_HOUR: "10" });
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test("30 parallel wrong passwords for one email: at most 10 are evaluated", async () => {
    const victim = await signUpOverHttp(server.url, "victim");
    const signIn = actionByName("signIn");
    const attempts = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const ctx = await request.newContext({ baseURL: server.url });
        return callAction(
          ctx,
          signIn,
          [null, formData({ email: victim.email, password: "wrong-password" })],
          { baseURL: server.url },
        );
      }),
    );
    const evaluated = attempts.filter((a) => a.body.includes("Invalid email or password"));
    const throttled = attempts.filter((a) => a.body.includes("Too many failed sign-in attempts"));
    expect(evaluated.length).toBeLessThanOrEqual(10);
    expect(evaluated.length + throttled.length).toBe(30);
    // The right password is refused too while the email is throttled.
    const right = await signInOverHttp(server.url, victim.email, victim.password);
    expect(right.result.body).toContain("Too many failed sign-in attempts");
  });

  test("sign-up and organization creation are throttled per IP, never below 10 an hour", async () => {
    test.setTimeout(180_000);
    const creator = await signUpOverHttp(server.url, "creator");
    const createOrganization = actionByName("createOrganization");
    const created: boolean[] = [];
    for (let i = 0; i < 11; i++) {
      const r = await callAction(
        creator.ctx,
        createOrganization,
        [null, formData({ name: `Team ${i}` })],
        { baseURL: server.url },
      );
      created.push(!r.body.includes("Too many attempts from your network"));
    }
    expect(created).toEqual([...Array(10).fill(true), false]);

    const signUp = actionByName("signUp");
    const outcomes: boolean[] = [];
    for (let i = 0; i < 11; i++) {
      const ctx = await request.newContext({ baseURL: server.url });
      const r = await callAction(ctx, signUp, [null, formData(credentials("flood"))], {
        baseURL: server.url,
      });
      outcomes.push(!r.body.includes("Too many attempts from your network"));
    }
    // The victim and the creator above spent two of the hour's ten.
    expect(outcomes).toEqual([...Array(8).fill(true), false, false, false]);
  });
});
