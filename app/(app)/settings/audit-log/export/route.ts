import { getDb } from "@/db";
import { allAuditEvents } from "@/db/queries/audit";
import { auditFilters, csvRow, parseAuditExport } from "@/lib/audit/search";
import { getOrgSelection } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

type ExportRow = {
  createdAt: Date;
  actorLabel: string;
  action: string;
  keyName: string | null;
  keyId: string | null;
  actorKeyId: string | null;
  metadata: unknown;
};

const HEADER = csvRow(["time", "actor", "action", "key", "key_id", "actor_key_id", "details"]);
const rowsText = (rows: ExportRow[]) =>
  rows
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
  const params = new URL(request.url).searchParams;
  const parsed = parseAuditExport(
    Object.fromEntries([...new Set(params.keys())].map((name) => [name, params.getAll(name)])),
  );
  if (!parsed.ok) {
    return new Response(`These filters are not valid: ${parsed.fields.join(", ")}.`, {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  const batches = allAuditEvents(getDb(), ctx.organizationId, auditFilters(parsed.search));
  // The first batch is read before answering: a failing query is a 500, not a 200 cut short.
  const first = await batches.next();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(encoder.encode(HEADER + (first.done ? "" : rowsText(first.value))));
        if (!first.done) {
          for await (const rows of batches) controller.enqueue(encoder.encode(rowsText(rows)));
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
