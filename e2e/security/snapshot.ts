import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";

export type Scope = { orgIds: string[]; userIds: string[]; emailLike: string };

// Every row a refused request could have touched, as JSON. Usage counters and "last used" are
// left out: refused requests with a known key are counted by design.
const QUERIES: [string, string][] = [
  ["organizations", "select to_jsonb(t) j from organizations t where id = any(p.o) order by id"],
  [
    "memberships",
    "select to_jsonb(t) j from memberships t where organization_id = any(p.o) or user_id = any(p.u) order by organization_id, user_id",
  ],
  ["users", "select to_jsonb(t) j from users t where id = any(p.u) or email like p.e order by id"],
  [
    "api_keys",
    "select to_jsonb(t) - 'last_used_at' j from api_keys t where organization_id = any(p.o) order by id",
  ],
  [
    "audit_logs",
    "select to_jsonb(t) j from audit_logs t where organization_id = any(p.o) order by id",
  ],
  [
    "customers",
    "select to_jsonb(t) j from customers t where organization_id = any(p.o) order by id",
  ],
  [
    "key_policies",
    "select to_jsonb(t) j from key_policies t where organization_id = any(p.o) order by organization_id",
  ],
  [
    "webhook_deliveries",
    "select to_jsonb(t) j from webhook_deliveries t where organization_id = any(p.o) order by id",
  ],
];

type Run = (text: string, params: string[]) => Promise<unknown[]>;

async function collect(run: Run, scope: Scope) {
  const params = [`{${scope.orgIds.join(",")}}`, `{${scope.userIds.join(",")}}`, scope.emailLike];
  const out: Record<string, unknown[]> = {};
  // Every query names all three parameters (PostgreSQL wants each bound one used).
  const withParams = (text: string) =>
    `with p as (select $1::uuid[] o, $2::uuid[] u, $3::text e) ${text.replace(/ t where/, " t, p where")}`;
  for (const [name, text] of QUERIES) out[name] = await run(withParams(text), params);
  return out;
}

/** The scoped rows of a PostgreSQL database the server is using right now. */
export async function snapshotPostgres(url: string, scope: Scope) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await collect(
      async (text, params) => (await sql.unsafe(text, params)).map((r) => r.j),
      scope,
    );
  } finally {
    await sql.end();
  }
}

/** The scoped rows of a PGlite directory (its server must be stopped: one process at a time). */
export async function snapshotPglite(dir: string, scope: Scope) {
  const pg = new PGlite(dir);
  try {
    return await collect(
      async (text, params) => (await pg.query<{ j: unknown }>(text, params)).rows.map((r) => r.j),
      scope,
    );
  } finally {
    await pg.close();
  }
}
