import { readdir, readFile } from "node:fs/promises";
import type { Sql } from "./sql.ts";

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);

/**
 * Applies every migrations/NNN_name.sql not yet recorded, each in its own transaction, in order.
 * A transaction-scoped advisory lock keeps two servers starting together from applying one twice.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  await sql.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const version = file.slice(0, -4);
    const text = await readFile(new URL(file, MIGRATIONS_DIR), "utf8");
    const didApply = await sql.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(727274)");
      const { rows } = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [version]);
      if (rows.length > 0) return false;
      await tx.exec(text);
      await tx.query("INSERT INTO schema_migrations (version) VALUES ($1)", [version]);
      return true;
    });
    if (didApply) applied.push(version);
  }
  return applied;
}
