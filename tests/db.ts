import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { createPostgresClient, type DbClient, setClient } from "@/db";

/** A fresh copy of the migrated template database for this test file. */
export async function createTestDatabase(): Promise<DbClient> {
  const template = inject("templateDatabase");
  if (template.kind === "pglite") {
    const blob = new Blob([readFileSync(template.file)]);
    const pg = new PGlite({ loadDataDir: blob });
    await pg.waitReady;
    return { kind: "pglite", pg, close: () => pg.close() };
  }
  const url = process.env.DATABASE_URL as string;
  const name = `lk_t_${process.ppid}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template.name}"`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const client = createPostgresClient(dbUrl.toString(), 5);
  return {
    ...client,
    close: async () => {
      await client.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Gives the test file its own database, installed as the process-wide client. */
export function withTestDatabase(): { client: () => DbClient } {
  let client: DbClient | undefined;
  beforeAll(async () => {
    client = await createTestDatabase();
    setClient(client);
  });
  afterAll(async () => {
    setClient(undefined);
    await client?.close();
  });
  return {
    client: () => {
      if (!client) throw new Error("test database not ready");
      return client;
    },
  };
}
