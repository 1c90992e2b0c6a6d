import { reservedTargetVmids } from "../../db/operations.ts";
import type { Sql } from "../../db/sql.ts";
import type { ProxmoxClient } from "../../proxmox/index.ts";

const MAX_PROBES = 64;

/**
 * A VMID for a new guest: Proxmox's next free id, skipping ids that operations in flight will create.
 * The operation row then reserves it (a unique index), so two racing requests never share one.
 */
export async function allocateVmid(sql: Sql, client: ProxmoxClient, clusterId: string): Promise<number | null> {
  const reserved = await reservedTargetVmids(sql, clusterId);
  let candidate = await client.nextId();
  for (let probes = 0; probes < MAX_PROBES; probes++, candidate++) {
    if (!reserved.has(candidate) && (await client.isVmidFree(candidate))) return candidate;
  }
  return null;
}
