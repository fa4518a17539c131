import { and, desc, eq, lt, or } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { customers } from "@/db/schema";
import { createCustomerBody } from "@/lib/api/public-schemas";
import { parseJsonBody } from "@/lib/verify/body";
import { problem } from "@/lib/verify/problem";
import { withApiKey } from "@/lib/verify/with-api-key";

const customerColumns = {
  id: customers.id,
  name: customers.name,
  email: customers.email,
  createdAt: customers.createdAt,
};

function encodeCursor(row: { createdAt: Date; id: string }) {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string) {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  if (!id || Number.isNaN(date.getTime()) || !z.uuid().safeParse(id).success) return null;
  return { createdAt: date, id };
}

/** The organization's customers, newest first, with cursor pagination. */
export const GET = withApiKey(
  async (request, { organization }) => {
    const params = request.nextUrl.searchParams;
    const limit = Math.min(Math.max(Number(params.get("limit") ?? 50) || 50, 1), 100);
    const cursorParam = params.get("cursor");
    const cursor = cursorParam ? decodeCursor(cursorParam) : null;
    if (cursorParam && !cursor) return problem(400, "validation_failed", "Invalid cursor.");
    const rows = await getDb()
      .select(customerColumns)
      .from(customers)
      .where(
        and(
          eq(customers.organizationId, organization.id),
          cursor
            ? or(
                lt(customers.createdAt, cursor.createdAt),
                and(eq(customers.createdAt, cursor.createdAt), lt(customers.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(customers.createdAt), desc(customers.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return Response.json({
      data: page,
      nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
    });
  },
  { scopes: ["customers:read"] },
);

export const POST = withApiKey(
  async (request, { organization }) => {
    const body = await parseJsonBody(request, createCustomerBody);
    if (!body.ok) return body.response;
    const [created] = await getDb()
      .insert(customers)
      .values({ organizationId: organization.id, ...body.data })
      .returning(customerColumns);
    return Response.json(created, { status: 201 });
  },
  { scopes: ["customers:write"] },
);
