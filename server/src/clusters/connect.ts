import { readFile } from "node:fs/promises";
import type { ClusterConfig } from "../config.ts";
import { loadClusterConnection, upsertCluster, type ClusterConnectionRow } from "../db/clusters.ts";
import type { Sql } from "../db/sql.ts";
import type { Logger } from "../log.ts";
import type { SecretBox } from "../secrets/box.ts";
import { ProxmoxClient } from "../proxmox/index.ts";

/** Records a cluster from configuration (environment or demo) so it survives restarts like any other. */
export async function registerConfiguredCluster(sql: Sql, box: SecretBox, cluster: ClusterConfig): Promise<void> {
  const caPem = cluster.caFile ? await readFile(cluster.caFile, "utf8") : null;
  await upsertCluster(sql, box, {
    id: cluster.id,
    name: cluster.name,
    apiUrl: cluster.url,
    authKind: cluster.auth.kind,
    authUser: cluster.auth.kind === "token" ? cluster.auth.tokenId : cluster.auth.username,
    authSecret: cluster.auth.kind === "token" ? cluster.auth.secret : cluster.auth.password,
    fingerprint: cluster.fingerprint ?? null,
    caPem,
    insecure: cluster.insecure,
  });
}

export async function clientForCluster(sql: Sql, box: SecretBox, clusterId: string, log: Logger): Promise<ProxmoxClient> {
  const row = await loadClusterConnection(sql, box, clusterId);
  if (!row) throw new Error(`No cluster ${clusterId}`);
  return clientFromRow(row, log);
}

export function clientFromRow(row: ClusterConnectionRow, log: Logger): ProxmoxClient {
  return new ProxmoxClient(
    {
      baseUrl: row.apiUrl,
      auth:
        row.authKind === "token"
          ? { kind: "token", tokenId: row.authUser, secret: row.authSecret }
          : { kind: "ticket", username: row.authUser, password: row.authSecret },
      tls: { fingerprint: row.fingerprint ?? undefined, caPem: row.caPem ?? undefined, insecure: row.insecure },
    },
    { logger: log.child({ clusterId: row.id }) },
  );
}
