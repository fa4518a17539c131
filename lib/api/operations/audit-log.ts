import { defineOperations } from "@/lib/api/openapi";
import { auditLogQuery, auditPageSchema } from "@/lib/api/schemas";

export const auditOperations = defineOperations({
  method: "get",
  path: "/api/v1/audit-log",
  operationId: "listAuditEvents",
  summary: "Search the audit log",
  description: "Newest first, with cursor pagination.",
  tag: "Audit log",
  auth: ["api_keys:read"],
  query: auditLogQuery,
  responses: { 200: { description: "One page of events.", schema: auditPageSchema } },
});
