import { closeDb, migrateDatabase } from "../db";
import { env } from "../lib/env";

const { DATABASE_URL, DATA_DIR } = env();
await migrateDatabase();
console.info(`Migrations applied to ${DATABASE_URL ? "PostgreSQL" : `PGlite in ${DATA_DIR}`}.`);
await closeDb();
