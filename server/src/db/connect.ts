import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { fromPGlite, fromPgPool, type Sql } from "./sql.ts";

// int8 (bigserial ids, counts) as JS numbers: ours never pass 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** The database and what pg-boss needs to reach the same one. */
export interface Database {
  sql: Sql;
  backend: { kind: "postgres"; url: string } | { kind: "pglite"; pglite: PGlite };
  close(): Promise<void>;
}

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => undefined); // idle-client errors surface on the next query instead
  await pool.query("SELECT 1");
  return { sql: fromPgPool(pool), backend: { kind: "postgres", url }, close: () => pool.end() };
}

/** Embedded Postgres (WASM) persisted in `dataDir`; `null` keeps it in memory. */
export async function openPglite(dataDir: string | null): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir ?? undefined);
  return { sql: fromPGlite(pglite), backend: { kind: "pglite", pglite }, close: () => pglite.close() };
}
