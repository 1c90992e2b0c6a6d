import type { Role } from "../../../shared/src/protocol.ts";
import type { Sql } from "./sql.ts";

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  password_hash: string;
}

const fromRow = (r: UserRow): UserRecord => ({ id: r.id, username: r.username, role: r.role, disabled: r.disabled, createdAt: r.created_at });

export async function countUsers(sql: Sql): Promise<number> {
  const { rows } = await sql.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
  return rows[0]?.n ?? 0;
}

export async function insertUser(sql: Sql, user: { id: string; username: string; passwordHash: string; role: Role }): Promise<UserRecord | null> {
  const { rows } = await sql.query<UserRow>(
    `INSERT INTO users (id, username, password_hash, role) VALUES ($1, $2, $3, $4)
     ON CONFLICT (username) DO NOTHING RETURNING *`,
    [user.id, user.username, user.passwordHash, user.role],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** With the hash, for sign-in only. */
export async function findUserForLogin(sql: Sql, username: string): Promise<(UserRecord & { passwordHash: string }) | null> {
  const { rows } = await sql.query<UserRow>("SELECT * FROM users WHERE username = $1", [username]);
  return rows[0] ? { ...fromRow(rows[0]), passwordHash: rows[0].password_hash } : null;
}

export async function listUsers(sql: Sql): Promise<UserRecord[]> {
  const { rows } = await sql.query<UserRow>("SELECT * FROM users ORDER BY username");
  return rows.map(fromRow);
}

export async function updateUser(sql: Sql, id: string, change: { role?: Role; disabled?: boolean }): Promise<UserRecord | null> {
  const { rows } = await sql.query<UserRow>(
    "UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled) WHERE id = $1 RETURNING *",
    [id, change.role ?? null, change.disabled ?? null],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}
