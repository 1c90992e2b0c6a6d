import type { Sql } from "../../db/sql.ts";
import type { ProxmoxClient } from "../../proxmox/index.ts";

export interface PlacementCandidate {
  node: string;
  status: string;
  freeMiB: number;
}

export interface Placement {
  /** The online node with the most free memory that fits the request, or null when none does. */
  node: string | null;
  candidates: PlacementCandidate[];
}

const MiB = 1024 * 1024;

/** Where a new guest fits best right now: free memory from Proxmox's live node figures. */
export async function placeGuest(client: ProxmoxClient, memoryMiB: number): Promise<Placement> {
  const resources = await client.clusterResources("node");
  const candidates = resources
    .flatMap((r) => (r.type === "node" ? [r] : []))
    .map((r) => ({ node: r.node, status: r.status, freeMiB: Math.max(0, Math.floor(((r.maxmem ?? 0) - (r.mem ?? 0)) / MiB)) }))
    .sort((a, b) => b.freeMiB - a.freeMiB || a.node.localeCompare(b.node));
  const best = candidates.find((c) => c.status === "online" && c.freeMiB >= memoryMiB);
  return { node: best?.node ?? null, candidates };
}

export async function hostStatus(sql: Sql, clusterId: string, node: string): Promise<string | null> {
  const { rows } = await sql.query<{ status: string }>("SELECT status FROM hosts WHERE cluster_id = $1 AND node = $2", [clusterId, node]);
  return rows[0]?.status ?? null;
}

/** The cluster's online nodes, in name order. */
export async function onlineNodes(sql: Sql, clusterId: string): Promise<string[]> {
  const { rows } = await sql.query<{ node: string }>("SELECT node FROM hosts WHERE cluster_id = $1 AND status = 'online' ORDER BY node", [clusterId]);
  return rows.map((r) => r.node);
}
