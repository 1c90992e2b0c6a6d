import type { GuestStatus, HostStatus } from "../../../shared/src/protocol.ts";

/** What Proximity stores about a host: the durable facts, not its metrics. */
export interface HostFacts {
  node: string;
  status: HostStatus;
  maxCpu: number;
  maxMemMiB: number;
}

export interface HostPlacement {
  rackId: string;
  slot: number;
}

export interface GuestFacts {
  vmid: number;
  node: string;
  type: "lxc" | "qemu";
  name: string;
  status: GuestStatus;
  tags: string;
  lock: string;
  template: boolean;
  cpus: number;
  maxMemMiB: number;
  maxDiskMiB: number;
}

export interface HostMetrics {
  cpu: number;
  memMiB: number;
  uptime: number;
}

export interface GuestMetrics {
  /** A running Proxmox task on the guest, from /cluster/tasks (type, e.g. "vzdump"), or "". */
  externalTask: string;
  cpu: number;
  memMiB: number;
  diskMiB: number;
  netInKiB: number;
  netOutKiB: number;
  uptime: number;
}

export type ObservedHost = HostFacts & HostMetrics;
export type ObservedGuest = GuestFacts & GuestMetrics;
/** A host as the world shows it: observed, in its rack slot. */
export type PlacedHost = ObservedHost & HostPlacement;

/**
 * What a cycle sends the world. `full`: every host and guest of the cluster, and whatever is not listed is
 * gone. Otherwise only the hosts and guests whose observation changed since the cluster's previous update,
 * and the guests gone since; a partial update never adds or removes a host.
 */
export interface EstateUpdate {
  full: boolean;
  hosts: PlacedHost[];
  guests: ObservedGuest[];
  guestsRemoved: number[];
}

/** One cycle's view of a cluster, normalised from /cluster/resources. */
export interface ObservedEstate {
  hosts: ObservedHost[];
  guests: ObservedGuest[];
}

export interface Rack {
  id: string;
  position: number;
  name: string;
}

/** What Postgres holds for a cluster (kept in memory by the sync loop as the diff base). */
export interface KnownEstate {
  racks: Rack[];
  hosts: Map<string, HostFacts & HostPlacement>;
  guests: Map<number, GuestFacts>;
}

export interface EstateChanges {
  newRacks: Rack[];
  hostsUpserted: (HostFacts & HostPlacement)[];
  hostsRemoved: string[];
  guestsUpserted: GuestFacts[];
  guestsRemoved: number[];
}

export function hasChanges(c: EstateChanges): boolean {
  return (
    c.newRacks.length + c.hostsUpserted.length + c.hostsRemoved.length + c.guestsUpserted.length + c.guestsRemoved.length > 0
  );
}
