import type { EstateChanges, GuestFacts, HostFacts, HostPlacement, KnownEstate } from "../sync/model.ts";
import type { Sql } from "./sql.ts";

interface GuestRow {
  vmid: number;
  node: string;
  type: GuestFacts["type"];
  name: string;
  status: GuestFacts["status"];
  tags: string;
  lock: string;
  template: boolean;
  cpus: number;
  max_mem_mib: number;
  max_disk_mib: number;
}

const GUEST_COLUMNS = "vmid, node, type, name, status, tags, lock, template, cpus, max_mem_mib, max_disk_mib";

function guestFromRow(g: GuestRow): GuestFacts {
  return {
    vmid: g.vmid,
    node: g.node,
    type: g.type,
    name: g.name,
    status: g.status,
    tags: g.tags,
    lock: g.lock,
    template: g.template,
    cpus: g.cpus,
    maxMemMiB: g.max_mem_mib,
    maxDiskMiB: g.max_disk_mib,
  };
}

export async function loadKnownEstate(sql: Sql, clusterId: string): Promise<KnownEstate> {
  const racks = await sql.query<{ id: string; position: number; name: string }>(
    "SELECT id, position, name FROM racks WHERE cluster_id = $1 ORDER BY position",
    [clusterId],
  );
  const hosts = await sql.query<{
    node: string;
    status: HostFacts["status"];
    max_cpu: number;
    max_mem_mib: number;
    rack_id: string;
    slot: number;
  }>("SELECT node, status, max_cpu, max_mem_mib, rack_id, slot FROM hosts WHERE cluster_id = $1", [clusterId]);
  const guests = await sql.query<GuestRow>(`SELECT ${GUEST_COLUMNS} FROM guests WHERE cluster_id = $1`, [clusterId]);
  return {
    racks: racks.rows.map((r) => ({ id: r.id, position: r.position, name: r.name })),
    hosts: new Map(
      hosts.rows.map((h): [string, HostFacts & HostPlacement] => [
        h.node,
        { node: h.node, status: h.status, maxCpu: h.max_cpu, maxMemMiB: h.max_mem_mib, rackId: h.rack_id, slot: h.slot },
      ]),
    ),
    guests: new Map(guests.rows.map((g): [number, GuestFacts] => [g.vmid, guestFromRow(g)])),
  };
}

/** Writes one cycle's changes; the caller wraps this in a transaction. Batched with unnest for 10k guests. */
export async function writeEstateChanges(tx: Sql, clusterId: string, c: EstateChanges): Promise<void> {
  for (const rack of c.newRacks) {
    await tx.query("INSERT INTO racks (id, cluster_id, position, name) VALUES ($1, $2, $3, $4)", [
      rack.id,
      clusterId,
      rack.position,
      rack.name,
    ]);
  }
  if (c.hostsRemoved.length > 0) {
    await tx.query("DELETE FROM hosts WHERE cluster_id = $1 AND node = ANY($2::text[])", [clusterId, c.hostsRemoved]);
  }
  for (const h of c.hostsUpserted) {
    await tx.query(
      `INSERT INTO hosts (cluster_id, node, status, max_cpu, max_mem_mib, rack_id, slot, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (cluster_id, node) DO UPDATE SET status = $3, max_cpu = $4, max_mem_mib = $5, updated_at = now()`,
      [clusterId, h.node, h.status, h.maxCpu, h.maxMemMiB, h.rackId, h.slot],
    );
  }
  if (c.guestsRemoved.length > 0) {
    await tx.query("DELETE FROM guests WHERE cluster_id = $1 AND vmid = ANY($2::int[])", [clusterId, c.guestsRemoved]);
  }
  if (c.guestsUpserted.length > 0) {
    const g = c.guestsUpserted;
    await tx.query(
      `INSERT INTO guests (cluster_id, vmid, node, type, name, status, tags, lock, template, cpus, max_mem_mib, max_disk_mib)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                               $9::boolean[], $10::int[], $11::int[], $12::int[])
       ON CONFLICT (cluster_id, vmid) DO UPDATE SET node = EXCLUDED.node, type = EXCLUDED.type, name = EXCLUDED.name,
         status = EXCLUDED.status, tags = EXCLUDED.tags, lock = EXCLUDED.lock, template = EXCLUDED.template,
         cpus = EXCLUDED.cpus, max_mem_mib = EXCLUDED.max_mem_mib, max_disk_mib = EXCLUDED.max_disk_mib, updated_at = now()`,
      [
        clusterId,
        g.map((x) => x.vmid),
        g.map((x) => x.node),
        g.map((x) => x.type),
        g.map((x) => x.name),
        g.map((x) => x.status),
        g.map((x) => x.tags),
        g.map((x) => x.lock),
        g.map((x) => x.template),
        g.map((x) => x.cpus),
        g.map((x) => x.maxMemMiB),
        g.map((x) => x.maxDiskMiB),
      ],
    );
  }
}

export async function findGuest(sql: Sql, clusterId: string, vmid: number): Promise<GuestFacts | null> {
  const { rows } = await sql.query<GuestRow>(`SELECT ${GUEST_COLUMNS} FROM guests WHERE cluster_id = $1 AND vmid = $2`, [
    clusterId,
    vmid,
  ]);
  return rows[0] ? guestFromRow(rows[0]) : null;
}
