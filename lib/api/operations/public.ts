import { defineOperations } from "@/lib/api/openapi";
import {
  createCustomerBody,
  customerPageSchema,
  customerSchema,
  customersQuery,
  healthSchema,
  meSchema,
  verifyKeyBody,
  verifyKeyResultSchema,
  verifyUnavailableSchema,
} from "@/lib/api/public-schemas";

export const publicOperations = defineOperations(
  {
    method: "get",
    path: "/api/v1/health",
    operationId: "getHealth",
    summary: "Liveness",
    tag: "Service",
    auth: "public",
    responses: { 200: { description: "The service is up.", schema: healthSchema } },
  },
  {
    method: "get",
    path: "/api/v1/me",
    operationId: "getMe",
    summary: "The calling key and its organization",
    tag: "Service",
    auth: [],
    responses: { 200: { description: "The key.", schema: meSchema } },
  },
  {
    method: "get",
    path: "/api/v1/customers",
    operationId: "listCustomers",
    summary: "List customers (demo resource)",
    tag: "Customers",
    auth: ["customers:read"],
    query: customersQuery,
    responses: { 200: { description: "Newest first.", schema: customerPageSchema } },
  },
  {
    method: "post",
    path: "/api/v1/customers",
    operationId: "createCustomer",
    summary: "Create a customer (demo resource)",
    tag: "Customers",
    auth: ["customers:write"],
    body: createCustomerBody,
    responses: { 201: { description: "Created.", schema: customerSchema } },
  },
  {
    method: "post",
    path: "/api/v1/keys/verify",
    operationId: "verifyKey",
    summary: "Verify a key your service was given",
    description:
      "The authorization decision for a request one of your own services received, the same one the app's routes take: status and expiry, every scope in `scopes`, the key's IP allowlist against `clientIp` (a key with an allowlist checked without `clientIp` is `ip_not_allowed`), and one request of its rate limit spent; usage and \"Last used\" are recorded under `endpoint`. A refused key is still a 200 with `valid: false` and the code. Keys of other organizations read as `invalid_key` with null fields, and nothing of them is spent. `cost` is validated but has no effect yet (keys have no usage limits so far). The caller key's own problems (401, 403, 429) and a bad body (400, 413, 415) are problem+json; a key store that cannot be reached is a 503 in the verdict's shape.",
    tag: "Keys",
    auth: ["keys:verify"],
    body: verifyKeyBody,
    problems: [413, 415],
    responses: {
      200: { description: "The verdict on the checked key.", schema: verifyKeyResultSchema },
      503: {
        description: "The key store cannot be reached: refused (fail closed).",
        schema: verifyUnavailableSchema,
      },
    },
  },
);
