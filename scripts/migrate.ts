import { closeDb, configureDatabase, migrateDatabase } from "../db";
import { env } from "../lib/env";

const config = env();
const { DATABASE_URL, DATA_DIR } = config;
configureDatabase(config);
await migrateDatabase();
console.info(`Migrations applied to ${DATABASE_URL ? "PostgreSQL" : `PGlite in ${DATA_DIR}`}.`);
await closeDb();
