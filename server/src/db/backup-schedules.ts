import type { Sql } from "./sql.ts";

export interface BackupSchedule {
  id: string;
  clusterId: string;
  /** Exactly one of vmid and tag selects the guests. */
  vmid: number | null;
  tag: string | null;
  cron: string;
  storage: string | null;
  keepLast: number;
  createdBy: string;
  createdAt: Date;
  lastRunAt: Date | null;
}

interface Row {
  id: string;
  cluster_id: string;
  vmid: number | null;
  tag: string | null;
  cron: string;
  storage: string | null;
  keep_last: number;
  created_by: string;
  created_at: Date;
  last_run_at: Date | null;
}

const fromRow = (r: Row): BackupSchedule => ({
  id: r.id,
  clusterId: r.cluster_id,
  vmid: r.vmid,
  tag: r.tag,
  cron: r.cron,
  storage: r.storage,
  keepLast: r.keep_last,
  createdBy: r.created_by,
  createdAt: r.created_at,
  lastRunAt: r.last_run_at,
});

export async function insertBackupSchedule(sql: Sql, s: Omit<BackupSchedule, "lastRunAt">): Promise<void> {
  await sql.query(
    `INSERT INTO backup_schedules (id, cluster_id, vmid, tag, cron, storage, keep_last, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [s.id, s.clusterId, s.vmid, s.tag, s.cron, s.storage, s.keepLast, s.createdBy, s.createdAt],
  );
}

export async function listBackupSchedules(sql: Sql): Promise<BackupSchedule[]> {
  const { rows } = await sql.query<Row>("SELECT * FROM backup_schedules ORDER BY created_at, id");
  return rows.map(fromRow);
}

export async function deleteBackupSchedule(sql: Sql, id: string): Promise<boolean> {
  const { rows } = await sql.query("DELETE FROM backup_schedules WHERE id = $1 RETURNING id", [id]);
  return rows.length > 0;
}

/** Claims a due run: only one scheduler pass records it, so a run is never started twice. */
export async function claimScheduleRun(sql: Sql, id: string, previous: Date | null, at: Date): Promise<boolean> {
  const { rows } = await sql.query(
    "UPDATE backup_schedules SET last_run_at = $3 WHERE id = $1 AND last_run_at IS NOT DISTINCT FROM $2 RETURNING id",
    [id, previous, at],
  );
  return rows.length > 0;
}
