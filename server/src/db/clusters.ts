import type { ClusterStatus } from "../../../shared/src/protocol.ts";
import type { SecretBox } from "../secrets/box.ts";
import type { Sql } from "./sql.ts";

export interface ClusterRow {
  id: string;
  name: string;
  apiUrl: string;
  status: ClusterStatus;
  lastError: string;
  lastSyncAt: Date | null;
}

/** Connection settings including the secret: only the Proxmox client factory reads these. */
export interface ClusterConnectionRow {
  id: string;
  apiUrl: string;
  authKind: "token" | "ticket";
  authUser: string;
  authSecret: string;
  fingerprint: string | null;
  caPem: string | null;
  insecure: boolean;
}

/** The secret is sealed before it reaches the database. */
export async function upsertCluster(sql: Sql, box: SecretBox, c: ClusterConnectionRow & { name: string }): Promise<void> {
  await sql.query(
    `INSERT INTO clusters (id, name, api_url, auth_kind, auth_user, auth_secret, fingerprint, ca_pem, insecure)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET name = $2, api_url = $3, auth_kind = $4, auth_user = $5, auth_secret = $6,
       fingerprint = $7, ca_pem = $8, insecure = $9`,
    [c.id, c.name, c.apiUrl, c.authKind, c.authUser, box.seal(c.authSecret), c.fingerprint, c.caPem, c.insecure],
  );
}

export async function listClusters(sql: Sql): Promise<ClusterRow[]> {
  const { rows } = await sql.query<{
    id: string;
    name: string;
    api_url: string;
    status: ClusterStatus;
    last_error: string;
    last_sync_at: Date | null;
  }>("SELECT id, name, api_url, status, last_error, last_sync_at FROM clusters ORDER BY created_at, id");
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    apiUrl: r.api_url,
    status: r.status,
    lastError: r.last_error,
    lastSyncAt: r.last_sync_at,
  }));
}

export async function loadClusterConnection(sql: Sql, box: SecretBox, id: string): Promise<ClusterConnectionRow | null> {
  const { rows } = await sql.query<{
    id: string;
    api_url: string;
    auth_kind: "token" | "ticket";
    auth_user: string;
    auth_secret: string;
    fingerprint: string | null;
    ca_pem: string | null;
    insecure: boolean;
  }>("SELECT id, api_url, auth_kind, auth_user, auth_secret, fingerprint, ca_pem, insecure FROM clusters WHERE id = $1", [id]);
  const r = rows[0];
  return r
    ? {
        id: r.id,
        apiUrl: r.api_url,
        authKind: r.auth_kind,
        authUser: r.auth_user,
        authSecret: box.open(r.auth_secret),
        fingerprint: r.fingerprint,
        caPem: r.ca_pem,
        insecure: r.insecure,
      }
    : null;
}

export async function recordClusterSync(
  sql: Sql,
  id: string,
  result: { status: ClusterStatus; error: string; at: Date | null },
): Promise<void> {
  await sql.query(
    "UPDATE clusters SET status = $2, last_error = $3, last_sync_at = COALESCE($4, last_sync_at) WHERE id = $1",
    [id, result.status, result.error, result.at],
  );
}

/** Everything of the cluster goes with it (hosts, guests, operations, apps, schedules: foreign keys cascade). */
export async function deleteCluster(sql: Sql, id: string): Promise<boolean> {
  const { rows } = await sql.query("DELETE FROM clusters WHERE id = $1 RETURNING id", [id]);
  return rows.length > 0;
}

export interface ClusterSummary extends ClusterRow {
  authUser: string;
  fingerprint: string | null;
}

/** What an admin sees of each connection: never the secret. */
export async function listClusterSummaries(sql: Sql): Promise<ClusterSummary[]> {
  const { rows } = await sql.query<{ id: string; auth_user: string; fingerprint: string | null }>(
    "SELECT id, auth_user, fingerprint FROM clusters",
  );
  const extra = new Map(rows.map((r) => [r.id, r]));
  return (await listClusters(sql)).map((c) => ({ ...c, authUser: extra.get(c.id)?.auth_user ?? "", fingerprint: extra.get(c.id)?.fingerprint ?? null }));
}
