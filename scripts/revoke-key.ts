// Revokes one key through the typed client: LK=lk_live_… npx tsx scripts/revoke-key.ts <key id>
import createClient from "openapi-fetch";
import type { paths } from "@/lib/api/client/schema";

const api = createClient<paths>({
  baseUrl: process.env.LATCHKEY_URL ?? "http://localhost:3000",
  headers: { "X-API-Key": process.env.LK },
});

const { data, error } = await api.DELETE("/api/v1/api-keys/{id}", {
  params: { path: { id: process.argv[2] ?? "" } },
});
if (error) throw new Error(`${error.code}: ${error.detail}`);
console.info(`${data.name} is ${data.status}`);
