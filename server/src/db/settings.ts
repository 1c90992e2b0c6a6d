import type { Sql } from "./sql.ts";

export async function readSetting(sql: Sql, key: string): Promise<string | null> {
  const { rows } = await sql.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]);
  return rows[0]?.value ?? null;
}

/** Stores `value` unless the key exists; returns what is stored (so concurrent starters agree). */
export async function settingOrInsert(sql: Sql, key: string, value: string): Promise<string> {
  await sql.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [key, value]);
  return (await readSetting(sql, key)) ?? value;
}

export async function writeSetting(sql: Sql, key: string, value: string): Promise<void> {
  await sql.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2", [key, value]);
}

export async function deleteSetting(sql: Sql, key: string): Promise<void> {
  await sql.query("DELETE FROM settings WHERE key = $1", [key]);
}
