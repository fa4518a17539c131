/** Glue shared by the management API's route handlers. */
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { getDb } from "@/db";
import { getKey } from "@/db/queries/api-keys";
import { problem } from "@/lib/api/problem";
import { currentCredits } from "@/lib/keys/credits";
import type { Actor } from "@/lib/keys/service/audit";
import { KeyServiceError } from "@/lib/keys/service/errors";
import { effectiveStatus } from "@/lib/keys/status";
import type { Scope } from "@/lib/scopes";
import type { ApiKeyContext } from "@/lib/verify/with-api-key";
import type { apiKeySchema } from "./schemas";

type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

export function validationProblem(error: z.ZodError, detail: string): Response {
  return problem(400, "validation_failed", detail, {
    extra: {
      errors: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    },
  });
}

/** Query string → schema; repeated parameters are refused rather than silently merged. */
export function parseQuery<S extends z.ZodType>(
  request: NextRequest,
  schema: S,
): Parsed<z.output<S>> {
  const params = request.nextUrl.searchParams;
  const input: Record<string, string | string[]> = {};
  for (const name of new Set(params.keys())) {
    const all = params.getAll(name);
    input[name] = all.length > 1 ? all : (all[0] as string);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      response: validationProblem(parsed.error, "The query string is not valid."),
    };
  }
  return { ok: true, data: parsed.data };
}

export const notFound = () => problem(404, "not_found", "This key does not exist.");

/** A key id from the path: anything that is not a UUID names no key. */
export function keyIdOf(params: { id?: string }): string | null {
  const id = params.id ?? "";
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id.toLowerCase()
    : null;
}

/** The acting key as the audit log names it: "key lk_live_AbCd… (name)". */
export async function keyActor(ctx: ApiKeyContext): Promise<Actor> {
  const self = await getKey(getDb(), ctx.organization.id, ctx.key.id);
  const start = self?.prefix ?? ctx.key.environment;
  return {
    organizationId: ctx.organization.id,
    userId: null,
    keyId: ctx.key.id,
    label: `key ${start}… (${ctx.key.name})`,
  };
}

const fieldProblems = (fieldErrors: Record<string, string[]> = {}) =>
  Object.entries(fieldErrors).flatMap(([path, messages]) =>
    messages.map((message) => ({ path, message })),
  );

function serviceProblem(error: KeyServiceError): Response {
  if (error.code === "not_found") return notFound();
  // What an acting key may do to another key is decided by the key service on the locked row.
  if (error.code === "insufficient_scope") return problem(403, "insufficient_scope", error.message);
  if (error.code === "invalid_input") {
    // Valid on its own, not for this key (a refill or top-up without a limit): named per field.
    return problem(400, "validation_failed", error.message, {
      extra: { errors: fieldProblems(error.fieldErrors) },
    });
  }
  if (error.code === "policy_violation") {
    // The organization's key policy, named per field like a validation error.
    return problem(400, "policy_violation", error.message, {
      extra: { errors: fieldProblems(error.fieldErrors) },
    });
  }
  return problem(409, "conflict", error.message);
}

/** Expected key-service failures as problems; anything else is left to withApiKey's 500. */
export async function serviceCall<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  try {
    return { ok: true, data: await fn() };
  } catch (error) {
    if (error instanceof KeyServiceError) {
      return { ok: false, response: serviceProblem(error) };
    }
    throw error;
  }
}

type KeyRow = NonNullable<Awaited<ReturnType<typeof getKey>>>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A key as the API shows it: never the hash, status derived (expired included). */
export function toApiKey(row: KeyRow): z.input<typeof apiKeySchema> {
  // What is left now: a refill that came due counts even before the next spend writes it.
  const credits = currentCredits(row);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    environment: row.environment,
    start: row.prefix,
    scopes: row.scopes as Scope[],
    status: effectiveStatus(row),
    expiresAt: iso(row.expiresAt),
    allowedIps: row.allowedIps,
    rateLimitPerMinute: row.rateLimitPerMinute,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
    rolledFromId: row.rolledFromId,
    webhookUrl: row.webhookUrl,
    leakedAt: iso(row.leakedAt),
    usageLimit: credits.usageLimit,
    usageRefill: credits.usageRefill,
    usageRemaining: credits.usageRemaining,
  };
}

export const json = (body: unknown, status = 200) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });
