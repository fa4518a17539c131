import { processGlobal } from "@/shared/process-global";

type TestRequest = {
  userId: string | null;
  /** The session version the test's session token carries (0 when unset). */
  sessionVersion?: number;
  cookies: Map<string, string>;
  headers: Headers;
};

export function testRequest(): TestRequest {
  return processGlobal<TestRequest>("testRequest", () => ({
    userId: null,
    cookies: new Map(),
    headers: new Headers(),
  }));
}

/** Makes the following server-action calls come from this user (null: signed out). */
export function actAs(userId: string | null, activeOrganizationId?: string): void {
  const req = testRequest();
  req.userId = userId;
  req.sessionVersion = undefined;
  req.cookies.clear();
  if (activeOrganizationId) req.cookies.set("lk_org", activeOrganizationId);
}
