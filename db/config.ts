/**
 * What the database layer needs to open its client. The caller passes it in (server.ts and the
 * scripts pass `env()`): db/ never reads the environment itself and never imports from lib/.
 */
export type DbConfig = {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  DATABASE_URL?: string;
  /** PGlite keeps its data in `<DATA_DIR>/pglite`. */
  DATA_DIR: string;
};
