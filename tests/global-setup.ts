import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "@/db";

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: { kind: "postgres"; name: string } | { kind: "pglite"; file: string };
  }
}

/**
 * Migrates one template database per run; every test file then gets its own copy of it (CREATE
 * DATABASE … TEMPLATE on PostgreSQL, a loaded data-dir dump on PGlite), far faster than migrating.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `lk_tpl_${process.pid}_${Date.now()}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const tplUrl = new URL(url);
    tplUrl.pathname = `/${name}`;
    const sql = postgres(tplUrl.toString(), { max: 1, onnotice: () => {} });
    await migrateDatabase({ kind: "postgres", sql, close: () => sql.end() });
    await sql.end();
    project.provide("templateDatabase", { kind: "postgres", name });
    return async () => {
      const stale = await admin<{ datname: string }[]>`
        select datname from pg_database where datname like ${`lk_t_${process.pid}_%`} or datname = ${name}`;
      for (const { datname } of stale) {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
      await admin.end();
    };
  }
  const pg = new PGlite();
  await migrateDatabase({ kind: "pglite", pg, close: () => pg.close() });
  const dump = await pg.dumpDataDir("none");
  await pg.close();
  const dir = path.resolve(".data/test");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("templateDatabase", { kind: "pglite", file });
  return () => rmSync(file, { force: true });
}
