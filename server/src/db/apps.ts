import type { Sql } from "./sql.ts";

export type AppOrigin = "deployed" | "adopted" | "cloned" | "restored";

/** A guest Proximity manages, and what it knows about the app on it. */
export interface ManagedApp {
  clusterId: string;
  vmid: number;
  appId: string;
  origin: AppOrigin;
  config: Record<string, unknown>;
  url: string;
}

interface AppRow {
  cluster_id: string;
  vmid: number;
  app_id: string;
  origin: AppOrigin;
  config: Record<string, unknown>;
  url: string;
}

const fromRow = (r: AppRow): ManagedApp => ({
  clusterId: r.cluster_id,
  vmid: r.vmid,
  appId: r.app_id,
  origin: r.origin,
  config: r.config,
  url: r.url,
});

/** Records (or replaces) what Proximity knows about a guest it manages. */
export async function recordApp(sql: Sql, app: ManagedApp, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO apps (cluster_id, vmid, app_id, origin, config, url, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
     ON CONFLICT (cluster_id, vmid) DO UPDATE SET app_id = $3, origin = $4, config = $5::jsonb, url = $6`,
    [app.clusterId, app.vmid, app.appId, app.origin, JSON.stringify(app.config), app.url, now],
  );
}

export async function forgetApp(sql: Sql, clusterId: string, vmid: number): Promise<void> {
  await sql.query("DELETE FROM apps WHERE cluster_id = $1 AND vmid = $2", [clusterId, vmid]);
}

export async function findApp(sql: Sql, clusterId: string, vmid: number): Promise<ManagedApp | null> {
  const { rows } = await sql.query<AppRow>("SELECT * FROM apps WHERE cluster_id = $1 AND vmid = $2", [clusterId, vmid]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function listApps(sql: Sql, clusterId?: string): Promise<ManagedApp[]> {
  const { rows } = clusterId
    ? await sql.query<AppRow>("SELECT * FROM apps WHERE cluster_id = $1", [clusterId])
    : await sql.query<AppRow>("SELECT * FROM apps");
  return rows.map(fromRow);
}
