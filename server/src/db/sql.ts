import type { PGlite, Transaction } from "@electric-sql/pglite";
import type pg from "pg";

/**
 * The one database port: repositories and jobs see only this, so the same code runs on a
 * `pg` pool (real Postgres) and on embedded PGlite.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Multi-statement SQL without parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `fn` in one transaction; a throw rolls it back. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export function fromPgPool(pool: pg.Pool): Sql {
  const onClient = (client: pg.PoolClient): Sql => ({
    query: async (text, params) => client.query(text, params as unknown[]) as never,
    exec: async (text) => {
      await client.query(text);
    },
    transaction: (fn) => fn(onClient(client)),
  });
  return {
    query: async (text, params) => pool.query(text, params as unknown[]) as never,
    exec: async (text) => {
      await pool.query(text);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(onClient(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

export function fromPGlite(db: PGlite): Sql {
  const onTransaction = (tx: Transaction): Sql => ({
    query: async (text, params) => tx.query(text, params as unknown[]) as never,
    exec: async (text) => {
      await tx.exec(text);
    },
    transaction: (fn) => fn(onTransaction(tx)),
  });
  return {
    query: async (text, params) => db.query(text, params as unknown[]) as never,
    exec: async (text) => {
      await db.exec(text);
    },
    transaction: (fn) => db.transaction((tx) => fn(onTransaction(tx))),
  };
}
