import { methodsNotAllowed } from "@/lib/api/methods";
import { openApiDocument } from "@/lib/api/operations";

/** The OpenAPI 3.1 document of every /api/v1 route; public, like the docs page. */
export function GET() {
  return Response.json(openApiDocument(), {
    headers: { "cache-control": "public, max-age=300" },
  });
}

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
