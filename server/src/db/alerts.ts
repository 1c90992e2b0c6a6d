import type { Sql } from "./sql.ts";

export interface AlertRecord {
  id: string;
  clusterId: string;
  vmid: number;
  kind: string;
  message: string;
  raisedAt: Date;
}

export async function listOpenAlerts(sql: Sql, clusterId?: string): Promise<AlertRecord[]> {
  const { rows } = await sql.query<{ id: string; cluster_id: string; vmid: number; kind: string; message: string; raised_at: Date }>(
    `SELECT id, cluster_id, vmid, kind, message, raised_at FROM alerts
     WHERE cleared_at IS NULL AND ($1::text IS NULL OR cluster_id = $1) ORDER BY raised_at`,
    [clusterId ?? null],
  );
  return rows.map((r) => ({ id: r.id, clusterId: r.cluster_id, vmid: r.vmid, kind: r.kind, message: r.message, raisedAt: r.raised_at }));
}

/** Raises the alert, or refreshes the message of the open one; true when it was not open before. */
export async function raiseAlert(sql: Sql, alert: Omit<AlertRecord, "raisedAt">, now: Date): Promise<boolean> {
  const { rows } = await sql.query<{ open: boolean }>("SELECT cleared_at IS NULL AS open FROM alerts WHERE id = $1", [alert.id]);
  const wasOpen = rows[0]?.open ?? false;
  await sql.query(
    `INSERT INTO alerts (id, cluster_id, vmid, kind, message, raised_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET message = EXCLUDED.message,
       raised_at = CASE WHEN alerts.cleared_at IS NULL THEN alerts.raised_at ELSE EXCLUDED.raised_at END, cleared_at = NULL`,
    [alert.id, alert.clusterId, alert.vmid, alert.kind, alert.message, now],
  );
  return !wasOpen;
}

export async function clearAlert(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query("UPDATE alerts SET cleared_at = $2 WHERE id = $1 AND cleared_at IS NULL", [id, now]);
}
