import type { GuestStatus, HostStatus } from "../../../shared/src/protocol.ts";
import type { ObservedEstate, ObservedGuest, ObservedHost } from "./model.ts";
import { sameObservedGuest } from "./same-guest.ts";

/** The fields of a /cluster/resources entry this projection reads (already coerced by the client). */
export interface ResourceEntry {
  type: string;
  node?: string;
  vmid?: number;
  name?: string;
  status?: string;
  template?: boolean;
  lock?: string;
  tags?: readonly string[] | string;
  cpu?: number;
  maxcpu?: number;
  mem?: number;
  maxmem?: number;
  disk?: number;
  maxdisk?: number;
  netin?: number;
  netout?: number;
  uptime?: number;
}

const MiB = 1024 * 1024;
const KiB = 1024;
const UINT32_MAX = 0xffff_ffff;

/** The fields of a /cluster/tasks entry this projection reads: running entries have no end time. */
export interface TaskEntry {
  type: string;
  id?: string;
  upid: string;
  endtime?: number;
  status?: string;
}

/**
 * Normalises one /cluster/resources + /cluster/tasks reply into the estate: pure, so each cycle is
 * testable. Tasks whose UPID Proximity is following are not "external". A guest that normalises to what
 * `previous` holds for it is that same object: at 10,000 guests most cycles change few, and not
 * allocating the others spares the garbage collector copying the whole reply, still live, each time.
 */
export function observeEstate(
  resources: readonly ResourceEntry[],
  tasks: readonly TaskEntry[] = [],
  ownUpids: ReadonlySet<string> = new Set(),
  previous: ReadonlyMap<number, ObservedGuest> = new Map(),
): ObservedEstate {
  const running = new Map<number, string>();
  for (const t of tasks) {
    const vmid = Number(t.id);
    if (t.endtime === undefined && !t.status && Number.isInteger(vmid) && vmid > 0 && !ownUpids.has(t.upid)) running.set(vmid, t.type);
  }
  const hosts: ObservedHost[] = [];
  const guests: ObservedGuest[] = [];
  for (const r of resources) {
    if (r.type === "node" && r.node) hosts.push(observeHost(r, r.node));
    else if ((r.type === "lxc" || r.type === "qemu") && r.vmid !== undefined && r.node) guests.push(observeGuest(r, r.type, r.vmid, r.node, running.get(r.vmid) ?? "", previous.get(r.vmid)));
  }
  return { hosts, guests };
}

function observeHost(r: ResourceEntry, node: string): ObservedHost {
  const status: HostStatus = r.status === "online" || r.status === "offline" ? r.status : "unknown";
  return {
    node,
    status,
    maxCpu: whole(r.maxcpu),
    maxMemMiB: scaled(r.maxmem, MiB),
    cpu: fraction(r.cpu),
    memMiB: scaled(r.mem, MiB),
    uptime: whole(r.uptime),
  };
}

function observeGuest(
  r: ResourceEntry,
  type: "lxc" | "qemu",
  vmid: number,
  node: string,
  externalTask: string,
  previous: ObservedGuest | undefined,
): ObservedGuest {
  const status: GuestStatus = r.status === "running" || r.status === "stopped" ? r.status : "unknown";
  const observed: ObservedGuest = {
    vmid,
    node,
    type,
    // PVE shows guests without a name (and fresh ones before the next status broadcast) nameless.
    name: r.name?.trim() || `${type === "lxc" ? "CT" : "VM"}${vmid}`,
    status,
    tags: Array.isArray(r.tags) ? r.tags.join(";") : typeof r.tags === "string" ? r.tags : "",
    lock: r.lock ?? "",
    template: r.template ?? false,
    cpus: whole(r.maxcpu),
    maxMemMiB: scaled(r.maxmem, MiB),
    maxDiskMiB: scaled(r.maxdisk, MiB),
    externalTask,
    cpu: fraction(r.cpu),
    memMiB: scaled(r.mem, MiB),
    diskMiB: scaled(r.disk, MiB),
    netInKiB: scaled(r.netin, KiB),
    netOutKiB: scaled(r.netout, KiB),
    uptime: whole(r.uptime),
  };
  // The fresh copy dies young (cheap); keeping the previous one spares the old generation a new object a cycle.
  return previous !== undefined && sameObservedGuest(previous, observed) ? previous : observed;
}

function whole(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.min(Math.round(value), UINT32_MAX) : 0;
}

function scaled(bytes: number | undefined, unit: number): number {
  return bytes !== undefined ? whole(bytes / unit) : 0;
}

function fraction(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}
