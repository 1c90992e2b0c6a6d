import type { Role } from "../../../shared/src/protocol.ts";
import type { Sql } from "./sql.ts";

export interface ActiveSession {
  sessionId: string;
  userId: string;
  username: string;
  role: Role;
  expiresAt: Date;
}

export async function insertSession(sql: Sql, s: { id: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
  await sql.query("INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", [
    s.id,
    s.userId,
    s.createdAt,
    s.expiresAt,
  ]);
}

/** The session and its user as they are now: revoked, expired or disabled give null. */
export async function findActiveSession(sql: Sql, id: string, now: Date): Promise<ActiveSession | null> {
  const { rows } = await sql.query<{ id: string; user_id: string; username: string; role: Role; expires_at: Date }>(
    `SELECT s.id, s.user_id, u.username, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND NOT u.disabled`,
    [id, now],
  );
  const r = rows[0];
  return r ? { sessionId: r.id, userId: r.user_id, username: r.username, role: r.role, expiresAt: r.expires_at } : null;
}

export async function revokeSession(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [id, now]);
}

export async function revokeUserSessions(sql: Sql, userId: string, now: Date): Promise<void> {
  await sql.query("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [userId, now]);
}
