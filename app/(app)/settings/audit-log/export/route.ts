import { getDb } from "@/db";
import { allAuditEvents } from "@/db/queries/audit";
import { auditFilters, csvRow, parseAuditSearch } from "@/lib/audit/search";
import { getOrgSelection } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** The filtered audit log as CSV, for members of the organization (checked in the database). */
export async function GET(request: Request) {
  const selection = await getOrgSelection();
  if (selection.kind === "lost") {
    return new Response("You are no longer a member of that organization.", { status: 403 });
  }
  if (selection.kind !== "active") {
    return new Response("Sign in to export the audit log.", { status: 401 });
  }
  const { ctx } = selection;
  const search = parseAuditSearch(Object.fromEntries(new URL(request.url).searchParams));
  const filters = auditFilters(search);
  const organizationId = ctx.organizationId;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(
          encoder.encode(
            csvRow(["time", "actor", "action", "key", "key_id", "actor_key_id", "details"]),
          ),
        );
        for await (const rows of allAuditEvents(getDb(), organizationId, filters)) {
          const text = rows
            .map((r) =>
              csvRow([
                r.createdAt.toISOString(),
                r.actorLabel,
                r.action,
                r.keyName,
                r.keyId,
                r.actorKeyId,
                r.metadata ? JSON.stringify(r.metadata) : "",
              ]),
            )
            .join("");
          controller.enqueue(encoder.encode(text));
        }
        controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-log-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
}
