import { ACTIVE_OPERATION_STATES, guestKey, type OperationState } from "../../../shared/src/protocol.ts";
import { hostKey, type ClusterRecord, type GuestRecord, type HostRecord, type OperationRecord, type WorldEventRecord } from "./records.ts";

/** What changed since the last flush. Consumers (scene, HUD, list) redraw only these. */
export interface EstateChanges {
  /** A cluster, host or guest appeared, disappeared or moved: positions must be recomputed. */
  structure: boolean;
  clusters: ReadonlySet<string>;
  hosts: ReadonlySet<string>;
  guests: ReadonlySet<string>;
  operations: ReadonlySet<string>;
  /** Self-healing events and alerts that appeared, changed or were cleared. */
  events: ReadonlySet<string>;
}

export type EstateListener = (changes: EstateChanges) => void;

interface PendingChanges {
  structure: boolean;
  clusters: Set<string>;
  hosts: Set<string>;
  guests: Set<string>;
  operations: Set<string>;
  events: Set<string>;
}

function emptyChanges(): PendingChanges {
  return { structure: false, clusters: new Set(), hosts: new Set(), guests: new Set(), operations: new Set(), events: new Set() };
}

/**
 * The client's mirror of the world: plain records keyed the way the server keys them, plus the little local state
 * that belongs with them (commands sent but not yet answered, failures the user has seen). Mutations accumulate and
 * are delivered to subscribers in one batch per `flush()` (once per frame), so a 10,000-guest join is one redraw.
 */
export class Estate {
  readonly clusters = new Map<string, ClusterRecord>();
  readonly hosts = new Map<string, HostRecord>();
  readonly guests = new Map<string, GuestRecord>();
  readonly operations = new Map<string, OperationRecord>();
  readonly events = new Map<string, WorldEventRecord>();

  private readonly guestsByHost = new Map<string, Set<string>>();
  private readonly latestOperationByGuest = new Map<string, string>();
  private readonly pendingGuests = new Set<string>();
  private readonly acknowledgedOperations = new Set<string>();
  private readonly listeners = new Set<EstateListener>();
  private pending: PendingChanges = emptyChanges();

  subscribe(listener: EstateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers accumulated changes; returns whether there were any. */
  flush(): boolean {
    const changes = this.pending;
    if (!changes.structure && !changes.clusters.size && !changes.hosts.size && !changes.guests.size && !changes.operations.size && !changes.events.size) {
      return false;
    }
    this.pending = emptyChanges();
    for (const listener of this.listeners) listener(changes);
    return true;
  }

  upsertCluster(record: ClusterRecord): void {
    const previous = this.clusters.get(record.id);
    this.clusters.set(record.id, record);
    this.pending.clusters.add(record.id);
    if (!previous || previous.name !== record.name) this.pending.structure = true;
    if (previous && previous.status !== record.status) this.touchClusterGuests(record.id);
  }

  removeCluster(id: string): void {
    if (!this.clusters.delete(id)) return;
    for (const host of [...this.hosts.values()]) {
      if (host.clusterId === id) this.removeHost(id, host.node);
    }
    this.pending.clusters.add(id);
    this.pending.structure = true;
  }

  upsertHost(record: HostRecord): void {
    const previous = this.hosts.get(record.key);
    this.hosts.set(record.key, record);
    this.pending.hosts.add(record.key);
    if (!previous || previous.rack !== record.rack || previous.slot !== record.slot) this.pending.structure = true;
    if (previous && previous.status !== record.status) this.touchHostGuests(record.key);
  }

  removeHost(clusterId: string, node: string): void {
    const key = hostKey(clusterId, node);
    if (!this.hosts.delete(key)) return;
    for (const gk of [...(this.guestsByHost.get(key) ?? [])]) {
      const guest = this.guests.get(gk);
      if (guest) this.removeGuest(guest.clusterId, guest.node, guest.vmid);
    }
    this.guestsByHost.delete(key);
    this.pending.hosts.add(key);
    this.pending.structure = true;
  }

  upsertGuest(record: GuestRecord): void {
    const previous = this.guests.get(record.key);
    if (previous && previous.node !== record.node) {
      this.guestsByHost.get(hostKey(previous.clusterId, previous.node))?.delete(record.key);
    }
    if (!previous || previous.node !== record.node) {
      const hk = hostKey(record.clusterId, record.node);
      let set = this.guestsByHost.get(hk);
      if (!set) this.guestsByHost.set(hk, (set = new Set()));
      set.add(record.key);
      this.pending.structure = true;
    }
    this.guests.set(record.key, record);
    this.pending.guests.add(record.key);
  }

  /**
   * Removes a guest only if it still sits on `node`: during a migration the add on the new host may arrive before
   * the remove from the old one, and the remove must not erase the guest's new home.
   */
  removeGuest(clusterId: string, node: string, vmid: number): void {
    const key = guestKey(clusterId, vmid);
    const guest = this.guests.get(key);
    if (!guest || guest.node !== node) return;
    this.guests.delete(key);
    this.guestsByHost.get(hostKey(clusterId, node))?.delete(key);
    this.pendingGuests.delete(key);
    this.pending.guests.add(key);
    this.pending.structure = true;
  }

  upsertOperation(record: OperationRecord): void {
    this.operations.set(record.id, record);
    this.pending.operations.add(record.id);
    const gk = guestKey(record.clusterId, record.vmid);
    const latestId = this.latestOperationByGuest.get(gk);
    const latest = latestId === undefined ? undefined : this.operations.get(latestId);
    if (!latest || latest.id === record.id || record.createdAt >= latest.createdAt) {
      this.latestOperationByGuest.set(gk, record.id);
    }
    // The server has taken over from the local "sent" cue.
    this.pendingGuests.delete(gk);
    this.pending.guests.add(gk);
  }

  removeOperation(id: string): void {
    const record = this.operations.get(id);
    if (!record) return;
    this.operations.delete(id);
    const gk = guestKey(record.clusterId, record.vmid);
    if (this.latestOperationByGuest.get(gk) === id) this.latestOperationByGuest.delete(gk);
    this.pending.operations.add(id);
    this.pending.guests.add(gk);
  }

  upsertEvent(record: WorldEventRecord): void {
    this.events.set(record.id, record);
    this.pending.events.add(record.id);
  }

  removeEvent(id: string): void {
    if (this.events.delete(id)) this.pending.events.add(id);
  }

  /** Marks a guest as "command sent, waiting for the server" so the scene reacts before the round trip ends. */
  setPending(key: string, pending: boolean): void {
    if (pending) this.pendingGuests.add(key);
    else this.pendingGuests.delete(key);
    this.pending.guests.add(key);
  }

  isPending(key: string): boolean {
    return this.pendingGuests.has(key);
  }

  /** The user has seen a failure; its guest stops blinking red. */
  acknowledge(operationId: string): void {
    const record = this.operations.get(operationId);
    if (!record || this.acknowledgedOperations.has(operationId)) return;
    this.acknowledgedOperations.add(operationId);
    this.pending.guests.add(guestKey(record.clusterId, record.vmid));
  }

  isAcknowledged(operationId: string): boolean {
    return this.acknowledgedOperations.has(operationId);
  }

  /** The operation a guest is in, or its most recent one (for the outcome). */
  latestOperationOf(key: string): OperationRecord | undefined {
    const guest = this.guests.get(key);
    if (guest?.operationId) {
      const current = this.operations.get(guest.operationId);
      if (current) return current;
    }
    const id = this.latestOperationByGuest.get(key);
    return id === undefined ? undefined : this.operations.get(id);
  }

  guestKeysOfHost(key: string): ReadonlySet<string> {
    return this.guestsByHost.get(key) ?? new Set();
  }

  hostOf(guest: GuestRecord): HostRecord | undefined {
    return this.hosts.get(hostKey(guest.clusterId, guest.node));
  }

  /** Drops everything (a fresh room after a rejoin), reporting every key as changed. */
  clear(): void {
    for (const id of this.clusters.keys()) this.pending.clusters.add(id);
    for (const key of this.hosts.keys()) this.pending.hosts.add(key);
    for (const key of this.guests.keys()) this.pending.guests.add(key);
    for (const id of this.operations.keys()) this.pending.operations.add(id);
    for (const id of this.events.keys()) this.pending.events.add(id);
    this.clusters.clear();
    this.hosts.clear();
    this.guests.clear();
    this.operations.clear();
    this.events.clear();
    this.guestsByHost.clear();
    this.latestOperationByGuest.clear();
    this.pendingGuests.clear();
    this.pending.structure = true;
  }

  private touchHostGuests(key: string): void {
    for (const gk of this.guestsByHost.get(key) ?? []) this.pending.guests.add(gk);
  }

  private touchClusterGuests(clusterId: string): void {
    for (const host of this.hosts.values()) {
      if (host.clusterId !== clusterId) continue;
      this.pending.hosts.add(host.key);
      this.touchHostGuests(host.key);
    }
  }
}

export function isActiveOperationState(state: string): boolean {
  return (ACTIVE_OPERATION_STATES as readonly string[]).includes(state as OperationState);
}
