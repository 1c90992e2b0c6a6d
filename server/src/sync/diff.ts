import { sameGuestFacts } from "./same-guest.ts";
import type {
  EstateChanges,
  GuestFacts,
  HostFacts,
  HostPlacement,
  KnownEstate,
  ObservedEstate,
  Rack,
} from "./model.ts";

/** Hosts per rack: a 42U rack with 2U chassis and room left for guest bays and cabling. */
export const HOSTS_PER_RACK = 4;

/**
 * The whole of a sync cycle's decision, as a pure function: what to write so that Postgres
 * matches what Proxmox reported. Level-triggered: a missed cycle is repaired by the next one.
 */
export function diffEstate(clusterId: string, known: KnownEstate, observed: ObservedEstate): EstateChanges {
  const observedNodes = new Set(observed.hosts.map((h) => h.node));
  const hostsRemoved = [...known.hosts.keys()].filter((node) => !observedNodes.has(node));

  const occupied = new Set(
    [...known.hosts.values()].filter((h) => observedNodes.has(h.node)).map((h) => `${h.rackId}#${h.slot}`),
  );
  const racks = [...known.racks];
  const newRacks: Rack[] = [];
  const hostsUpserted: (HostFacts & HostPlacement)[] = [];
  for (const host of [...observed.hosts].sort((a, b) => a.node.localeCompare(b.node, "en", { numeric: true }))) {
    const facts: HostFacts = { node: host.node, status: host.status, maxCpu: host.maxCpu, maxMemMiB: host.maxMemMiB };
    const previous = known.hosts.get(host.node);
    if (previous) {
      if (
        previous.status !== facts.status ||
        previous.maxCpu !== facts.maxCpu ||
        previous.maxMemMiB !== facts.maxMemMiB
      ) {
        hostsUpserted.push({ ...facts, rackId: previous.rackId, slot: previous.slot });
      }
      continue;
    }
    const placement = firstFreeSlot(clusterId, racks, occupied);
    if (placement.newRack) {
      racks.push(placement.newRack);
      newRacks.push(placement.newRack);
    }
    occupied.add(`${placement.rackId}#${placement.slot}`);
    hostsUpserted.push({ ...facts, rackId: placement.rackId, slot: placement.slot });
  }

  const guestsUpserted: GuestFacts[] = [];
  let stillThere = 0;
  for (const guest of observed.guests) {
    const previous = known.guests.get(guest.vmid);
    if (previous) stillThere++;
    if (!previous || !sameGuestFacts(previous, guest)) guestsUpserted.push(pickGuestFacts(guest));
  }
  // Counting the known guests seen again spares a set of 10,000 vmids on the cycles where none went.
  let guestsRemoved: number[] = [];
  if (stillThere < known.guests.size) {
    const observedVmids = new Set(observed.guests.map((g) => g.vmid));
    guestsRemoved = [...known.guests.keys()].filter((vmid) => !observedVmids.has(vmid));
  }

  return { newRacks, hostsUpserted, hostsRemoved, guestsUpserted, guestsRemoved };
}

export function pickGuestFacts(g: GuestFacts): GuestFacts {
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
    maxMemMiB: g.maxMemMiB,
    maxDiskMiB: g.maxDiskMiB,
  };
}

function firstFreeSlot(
  clusterId: string,
  racks: Rack[],
  occupied: Set<string>,
): { rackId: string; slot: number; newRack?: Rack } {
  const ordered = [...racks].sort((a, b) => a.position - b.position);
  for (const rack of ordered) {
    for (let slot = 0; slot < HOSTS_PER_RACK; slot++) {
      if (!occupied.has(`${rack.id}#${slot}`)) return { rackId: rack.id, slot };
    }
  }
  const position = ordered.length === 0 ? 0 : Math.max(...ordered.map((r) => r.position)) + 1;
  const rack: Rack = { id: `${clusterId}-r${position + 1}`, position, name: `Rack ${position + 1}` };
  return { rackId: rack.id, slot: 0, newRack: rack };
}

/** Applies changes to the in-memory copy of what Postgres holds, after they were written. */
export function applyToKnown(known: KnownEstate, changes: EstateChanges): void {
  known.racks.push(...changes.newRacks);
  for (const node of changes.hostsRemoved) known.hosts.delete(node);
  for (const host of changes.hostsUpserted) known.hosts.set(host.node, host);
  for (const vmid of changes.guestsRemoved) known.guests.delete(vmid);
  for (const guest of changes.guestsUpserted) known.guests.set(guest.vmid, guest);
}
