import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { expect, it } from "vitest";
import { createPostgresClient, migrateDatabase } from "@/db";

const url = process.env.DATABASE_URL;

// Several instances starting at once against one empty database (a cluster's first deploy).
it.skipIf(!url)(
  "three migrations started at once on an empty database all succeed and apply each migration once",
  async () => {
    const name = `lk_mig_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(url as string, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const dbUrl = new URL(url as string);
    dbUrl.pathname = `/${name}`;
    // One connection each, as tight as the test template's migration client.
    const clients = [1, 2, 3].map(() => createPostgresClient(dbUrl.toString(), 1));
    try {
      const results = await Promise.allSettled(clients.map((c) => migrateDatabase(c)));
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual([
        "ok",
        "ok",
        "ok",
      ]);
      const check = clients[0]?.kind === "postgres" ? clients[0].sql : undefined;
      if (!check) throw new Error("unreachable");
      const applied = await check<{ hash: string; n: string }[]>`
        select hash, count(*)::text as n from drizzle.__drizzle_migrations group by hash`;
      expect(applied.length).toBeGreaterThanOrEqual(3);
      expect(applied.every((r) => r.n === "1")).toBe(true);
      const [tables] = await check<{ n: string }[]>`
        select count(*)::text as n from information_schema.tables where table_schema = 'public'`;
      expect(Number(tables?.n)).toBeGreaterThanOrEqual(9);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  },
);
