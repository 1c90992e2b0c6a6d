import type { Sql } from "./sql.ts";

export interface AuditEntry {
  actor: string;
  action: string;
  target: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

export async function appendAudit(sql: Sql, entry: AuditEntry, at: Date): Promise<void> {
  await sql.query("INSERT INTO audit_log (at, actor, action, target, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)", [
    at,
    entry.actor,
    entry.action,
    entry.target,
    entry.outcome,
    JSON.stringify(entry.detail ?? {}),
  ]);
}

export async function listAudit(sql: Sql, filter: { target?: string; limit: number }): Promise<AuditRecord[]> {
  const { rows } = await sql.query<{
    id: number;
    at: Date;
    actor: string;
    action: string;
    target: string;
    outcome: string;
    detail: Record<string, unknown>;
  }>(
    `SELECT id, at, actor, action, target, outcome, detail FROM audit_log
     WHERE ($1::text IS NULL OR target = $1) ORDER BY id DESC LIMIT $2`,
    [filter.target ?? null, filter.limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
