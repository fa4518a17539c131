import { methodsNotAllowed } from "@/lib/api/methods";
import { withApiKey } from "@/lib/verify/with-api-key";

export const GET = withApiKey(async (_request, { key, organization }) =>
  Response.json({
    key: { id: key.id, name: key.name, environment: key.environment, scopes: key.scopes },
    organization,
  }),
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
