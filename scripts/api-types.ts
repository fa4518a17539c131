/** Writes the typed client's types from the OpenAPI document: `npm run api:types`. */
import { writeFileSync } from "node:fs";
import { API_TYPES_FILE, apiTypes } from "@/lib/api/client/generate";

writeFileSync(API_TYPES_FILE, await apiTypes());
console.info(`wrote ${API_TYPES_FILE}`);
