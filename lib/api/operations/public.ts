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
    summary: "Verify another key of your organization",
    description:
      "For your own services. Keys of other organizations read as `invalid_key`; the checked key's rate limit and IP allowlist are not applied.",
    tag: "Keys",
    auth: ["keys:verify"],
    body: verifyKeyBody,
    responses: { 200: { description: "The verdict.", schema: verifyKeyResultSchema } },
  },
);
