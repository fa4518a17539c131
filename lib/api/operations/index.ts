import { buildOpenApiDocument, defineOperations } from "@/lib/api/openapi";
import { apiKeyOperations } from "./api-keys";
import { auditOperations } from "./audit-log";
import { leakOperations } from "./leaks";
import { publicOperations } from "./public";
import { webhookOperations } from "./webhooks";

const documentOperation = defineOperations({
  method: "get",
  path: "/api/v1/openapi.json",
  operationId: "getOpenApiDocument",
  summary: "This document",
  tag: "Service",
  auth: "public",
  responses: { 200: { description: "OpenAPI 3.1." } },
});

/** Every /api/v1 route. A new route adds its operations file to this list. */
export const operations = [
  ...publicOperations,
  ...apiKeyOperations,
  ...auditOperations,
  ...webhookOperations,
  ...leakOperations,
  ...documentOperation,
];

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;
export function openApiDocument() {
  cached ??= buildOpenApiDocument(operations);
  return cached;
}
