import { parseJsonBody } from "@/lib/api/body";
import { methodsNotAllowed } from "@/lib/api/methods";
import { verifyKeyBody } from "@/lib/api/public-schemas";
import { getVerifyRuntime } from "@/lib/verify/runtime";
import { withApiKey } from "@/lib/verify/with-api-key";

/**
 * Lets the organization's own services check a key they were given. Keys of other organizations
 * read as invalid: nothing about them leaks across tenants. The checked key's rate limit is not
 * spent and its IP allowlist does not apply (the caller is not the key's client).
 */
export const POST = withApiKey(
  async (request, { organization }) => {
    const body = await parseJsonBody(request, verifyKeyBody);
    if (!body.ok) return body.response;
    const result = await getVerifyRuntime().verifier.verify({
      key: body.data.key,
      clientIp: undefined,
      skipRateLimit: true,
      skipIpCheck: true,
    });
    if (!result.ok && result.status === 503) {
      return Response.json(
        { valid: false, code: result.code },
        { status: 503, headers: { "cache-control": "no-store" } },
      );
    }
    const { key } = result;
    if (!key || key.organizationId !== organization.id) {
      return Response.json(nullResult("invalid_key"));
    }
    return Response.json({
      valid: result.ok,
      code: result.ok ? "valid" : result.code,
      keyId: key.id,
      organizationId: key.organizationId,
      scopes: key.scopes,
      environment: key.environment,
      expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    });
  },
  { scopes: ["keys:verify"] },
);

function nullResult(code: string) {
  return {
    valid: false,
    code,
    keyId: null,
    organizationId: null,
    scopes: [],
    environment: null,
    expiresAt: null,
  };
}

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
