type TestRequest = {
  userId: string | null;
  /** The session version the test's session token carries (0 when unset). */
  sessionVersion?: number;
  cookies: Map<string, string>;
  headers: Headers;
};

const key = Symbol.for("latchkey.testRequest");
const g = globalThis as Record<symbol, unknown>;

export function testRequest(): TestRequest {
  g[key] ??= { userId: null, cookies: new Map(), headers: new Headers() };
  return g[key] as TestRequest;
}

/** Makes the following server-action calls come from this user (null: signed out). */
export function actAs(userId: string | null, activeOrganizationId?: string): void {
  const req = testRequest();
  req.userId = userId;
  req.cookies.clear();
  if (activeOrganizationId) req.cookies.set("lk_org", activeOrganizationId);
}
