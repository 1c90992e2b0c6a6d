import { guestKey, PROTOCOL_VERSION } from "../../../shared/src/protocol.ts";
import { Cluster, Guest, Host, Operation, WorldEvent, type WorldState } from "../../../shared/src/schema/world.ts";
import type { AlertRecord } from "../db/alerts.ts";
import type { ManagedApp } from "../db/apps.ts";
import type { ClusterRow } from "../db/clusters.ts";
import type { OperationRecord } from "../db/operations.ts";
import type { FeedEvent } from "../feed/feed.ts";
import type { EstateUpdate, GuestFacts, GuestMetrics, KnownEstate, ObservedGuest, PlacedHost } from "../sync/model.ts";

/** Finished operations kept in the state for the operations log; older ones stay in Postgres only. */
export const FINISHED_OPERATIONS_KEPT = 30;
/** Self-healing (maintenance) events kept in the state, newest first; open alerts always stay until cleared. */
export const EVENTS_KEPT = 30;

// Metrics move on every pvestatd broadcast (every 10 s, for every running guest). A move smaller than
// the hall can show is not worth a patch to every client: each metric is re-sent only once it has moved
// by its step from the value the clients have.
/** The hall shows cpu in whole percent. */
const CPU_STEP = 0.01;
/** Memory and disk use: 1 % of the guest's or host's size. */
const USAGE_STEP = 0.01;
/** Network totals only grow: 0.5 % of the total, below the hall's three significant digits. */
const COUNTER_STEP = 0.005;
/**
 * A boot time derived from uptime wobbles by up to one pvestatd period plus one poll, because uptime
 * is as old as the last broadcast. A smaller move is that wobble, not a reboot.
 */
export const BOOT_TIME_TOLERANCE_MS = 30_000;

/**
 * Projects feed events into the room state. Assigns a field only when its value changed (metrics:
 * changed by more than their step), so a cycle where nothing moved costs no patch bytes.
 */
export class WorldProjection {
  /** Where each guest sits (cluster/vmid → node), to move it when Proxmox migrates it. */
  readonly #guestNode = new Map<string, string>();
  readonly #activeOperation = new Map<string, string>();
  /** Guests Proximity manages (cluster/vmid → app), applied to a guest whenever it appears. */
  readonly #apps = new Map<string, ManagedApp>();

  /**
   * @param sendPatch sends the changes made so far to the clients at once (the room's broadcastPatch). A
   * cycle's facts (status, names, placement) then reach every client ahead of its metrics, which can be
   * thousands of guests on a pvestatd broadcast and take clients far longer to decode.
   */
  constructor(
    private readonly state: WorldState,
    private readonly sendPatch: () => void = () => undefined,
  ) {
    state.protocol = PROTOCOL_VERSION;
  }

  /** Seeds the state from Postgres before the first sync cycle, so a restart shows the estate at once. */
  load(clusters: ClusterRow[], estates: Map<string, KnownEstate>, operations: OperationRecord[], alerts: AlertRecord[], apps: ManagedApp[] = []): void {
    for (const app of apps) this.#apps.set(guestKey(app.clusterId, app.vmid), app);
    for (const c of clusters) {
      this.#cluster(c.id, c.name, c.status, c.lastError, c.lastSyncAt?.getTime() ?? 0);
      const estate = estates.get(c.id);
      if (!estate) continue;
      const zero = { cpu: 0, memMiB: 0, uptime: 0 };
      this.#estate(c.id, {
        full: true,
        hosts: [...estate.hosts.values()].map((h) => ({ ...h, ...zero })),
        guests: [...estate.guests.values()].map(withoutMetrics),
        guestsRemoved: [],
      });
    }
    for (const op of [...operations].reverse()) this.#operation(op);
    for (const a of alerts) {
      this.#event({ type: "event", id: a.id, kind: "alert", severity: "warning", source: "reconciler", message: a.message, clusterId: a.clusterId, vmid: a.vmid, at: a.raisedAt.getTime() });
    }
  }

  apply(event: FeedEvent): void {
    switch (event.type) {
      case "cluster":
        this.#cluster(event.clusterId, event.name, event.status, event.error, event.lastSyncAt);
        return;
      case "cluster.removed":
        this.state.clusters.delete(event.clusterId);
        for (const key of [...this.#guestNode.keys()]) if (key.startsWith(`${event.clusterId}/`)) this.#guestNode.delete(key);
        return;
      case "estate":
        this.#estate(event.clusterId, event);
        return;
      case "operation":
        this.#operation(event.operation);
        return;
      case "app":
        this.#app(event.clusterId, event.vmid, event.app);
        return;
      case "event":
        this.#event(event);
        return;
      case "event.cleared":
        this.state.events.delete(event.id);
        return;
      case "estate.rewritten":
      case "estate.resend":
      case "session.revoked":
        return;
    }
  }

  #cluster(id: string, name: string, status: string, error: string, lastSyncAt: number): Cluster {
    let cluster = this.state.clusters.get(id);
    if (!cluster) {
      cluster = new Cluster({ id, name, status, error, lastSyncAt });
      this.state.clusters.set(id, cluster);
    }
    assign(cluster, { name, status, error });
    if (lastSyncAt > 0) assign(cluster, { lastSyncAt });
    return cluster;
  }

  #estate(clusterId: string, update: EstateUpdate): void {
    const cluster = this.state.clusters.get(clusterId) ?? this.#cluster(clusterId, clusterId, "online", "", 0);
    // The sync loop publishes a cycle's lastSyncAt just before its estate: the moment these uptimes were read.
    const observedAt = cluster.lastSyncAt;
    let factsChanged = false;
    const hosts: [Host, PlacedHost][] = [];
    for (const h of update.hosts) {
      const [host, changed, created] = this.#hostFacts(cluster, h);
      // A new object goes out whole, metrics included, as one addition.
      if (created) hostMetrics(host, h, observedAt);
      else hosts.push([host, h]);
      factsChanged ||= changed;
    }
    // A full update lists everything: a host it leaves out is gone before its guests are placed.
    if (update.full) {
      const listed = new Set(update.hosts.map((h) => h.node));
      for (const node of [...cluster.hosts.keys()]) if (!listed.has(node)) factsChanged = cluster.hosts.delete(node) || factsChanged;
    }
    const guests: [Guest, ObservedGuest][] = [];
    for (const g of update.guests) {
      const placed = this.#guestFacts(cluster, clusterId, g);
      if (!placed) continue;
      const [guest, changed, created] = placed;
      if (created) guestMetrics(guest, g, observedAt);
      else guests.push([guest, g]);
      factsChanged ||= changed;
    }
    const gone = update.full ? this.#unlisted(clusterId, update.guests) : update.guestsRemoved.map((vmid) => guestKey(clusterId, vmid));
    for (const key of gone) factsChanged = this.#dropGuest(cluster, clusterId, key) || factsChanged;

    if (factsChanged) this.sendPatch();
    for (const [host, h] of hosts) hostMetrics(host, h, observedAt);
    for (const [guest, g] of guests) guestMetrics(guest, g, observedAt);
  }

  #unlisted(clusterId: string, guests: readonly ObservedGuest[]): string[] {
    const listed = new Set(guests.map((g) => guestKey(clusterId, g.vmid)));
    return [...this.#guestNode.keys()].filter((key) => key.startsWith(`${clusterId}/`) && !listed.has(key));
  }

  /** The host's identity and placement; whether any of it changed, and whether the host is new. */
  #hostFacts(cluster: Cluster, h: PlacedHost): [Host, boolean, boolean] {
    let host = cluster.hosts.get(h.node);
    const added = !host;
    if (!host) {
      host = new Host({ node: h.node });
      cluster.hosts.set(h.node, host);
    }
    // Field by field: at 10,000 guests this runs for thousands of objects a cycle, and a generic assign over
    // a list of keys (an object and a key array per call, keyed reads through the schema's accessors) cost
    // several times as much.
    let changed = added;
    if (host.status !== h.status) (host.status = h.status), (changed = true);
    if (host.maxCpu !== h.maxCpu) (host.maxCpu = h.maxCpu), (changed = true);
    if (host.maxMemMiB !== h.maxMemMiB) (host.maxMemMiB = h.maxMemMiB), (changed = true);
    if (host.rack !== h.rackId) (host.rack = h.rackId), (changed = true);
    if (host.slot !== h.slot) (host.slot = h.slot), (changed = true);
    return [host, changed, added];
  }

  /** The guest's identity, state and placement; null when its host is unknown, else whether any of it changed and whether the object is new. */
  #guestFacts(cluster: Cluster, clusterId: string, g: ObservedGuest): [Guest, boolean, boolean] | null {
    const host = cluster.hosts.get(g.node);
    if (!host) return null;
    const key = guestKey(clusterId, g.vmid);
    const id = String(g.vmid);
    const previousNode = this.#guestNode.get(key);
    let changed = previousNode !== g.node;
    if (previousNode !== undefined && previousNode !== g.node) cluster.hosts.get(previousNode)?.guests.delete(id);
    this.#guestNode.set(key, g.node);
    let guest = host.guests.get(id);
    const created = !guest;
    if (!guest) {
      guest = new Guest({ vmid: g.vmid, operationId: this.#activeOperation.get(key) ?? "" });
      host.guests.set(id, guest);
      changed = true;
    }
    if (guest.name !== g.name) (guest.name = g.name), (changed = true);
    if (guest.type !== g.type) (guest.type = g.type), (changed = true);
    if (guest.status !== g.status) (guest.status = g.status), (changed = true);
    if (guest.cpus !== g.cpus) (guest.cpus = g.cpus), (changed = true);
    if (guest.maxMemMiB !== g.maxMemMiB) (guest.maxMemMiB = g.maxMemMiB), (changed = true);
    if (guest.maxDiskMiB !== g.maxDiskMiB) (guest.maxDiskMiB = g.maxDiskMiB), (changed = true);
    if (guest.tags !== g.tags) (guest.tags = g.tags), (changed = true);
    if (guest.lock !== g.lock) (guest.lock = g.lock), (changed = true);
    if (guest.template !== g.template) (guest.template = g.template), (changed = true);
    if (guest.externalTask !== g.externalTask) (guest.externalTask = g.externalTask), (changed = true);
    assignApp(guest, this.#apps.get(key));
    return [guest, changed, created];
  }

  /** Whether there was such a guest to drop. */
  #dropGuest(cluster: Cluster, clusterId: string, key: string): boolean {
    const node = this.#guestNode.get(key);
    if (node === undefined) return false;
    cluster.hosts.get(node)?.guests.delete(key.slice(clusterId.length + 1));
    this.#guestNode.delete(key);
    return true;
  }

  #operation(op: OperationRecord): void {
    let entry = this.state.operations.get(op.id);
    if (!entry) {
      entry = new Operation({ id: op.id });
      this.state.operations.set(op.id, entry);
    }
    assign(entry, {
      kind: op.kind,
      clusterId: op.clusterId,
      vmid: op.vmid,
      node: op.node,
      requestedBy: op.requestedBy,
      state: op.state,
      progress: op.progress,
      message: op.message,
      error: op.error,
      createdAt: op.createdAt.getTime(),
      finishedAt: op.finishedAt?.getTime() ?? 0,
      targetVmid: op.targetVmid ?? 0,
      targetNode: op.targetNode,
      summary: op.summary,
    });
    // A guest an operation creates shows it too, as soon as Proxmox lists the guest.
    if (op.targetVmid !== null && op.targetVmid !== op.vmid) this.#trackActive(op, op.targetVmid);
    this.#trackActive(op, op.vmid);
    if (op.state !== "queued" && op.state !== "running") this.#pruneFinished();
  }

  #trackActive(op: OperationRecord, vmid: number): void {
    const key = guestKey(op.clusterId, vmid);
    const active = op.state === "queued" || op.state === "running";
    if (active) this.#activeOperation.set(key, op.id);
    else if (this.#activeOperation.get(key) === op.id) this.#activeOperation.delete(key);
    const guest = this.#findGuest(op.clusterId, vmid);
    if (guest) assign(guest, { operationId: this.#activeOperation.get(key) ?? "" });
  }

  #app(clusterId: string, vmid: number, app: ManagedApp | null): void {
    const key = guestKey(clusterId, vmid);
    if (app) this.#apps.set(key, app);
    else this.#apps.delete(key);
    const guest = this.#findGuest(clusterId, vmid);
    if (guest) assignApp(guest, app ?? undefined);
  }

  #event(e: Extract<FeedEvent, { type: "event" }>): void {
    const { type: _type, ...fields } = e;
    this.state.events.set(e.id, new WorldEvent(fields));
    const oldest = [...this.state.events.values()]
      .filter((event) => event.kind !== "alert")
      .sort((a, b) => b.at - a.at)
      .slice(EVENTS_KEPT);
    for (const old of oldest) this.state.events.delete(old.id);
  }

  #findGuest(clusterId: string, vmid: number): Guest | undefined {
    const node = this.#guestNode.get(guestKey(clusterId, vmid));
    return node === undefined ? undefined : this.state.clusters.get(clusterId)?.hosts.get(node)?.guests.get(String(vmid));
  }

  #pruneFinished(): void {
    const finished = [...this.state.operations.values()]
      .filter((o) => o.state === "succeeded" || o.state === "failed")
      .sort((a, b) => b.finishedAt - a.finishedAt);
    for (const old of finished.slice(FINISHED_OPERATIONS_KEPT)) this.state.operations.delete(old.id);
  }
}

function assignApp(guest: Guest, app: ManagedApp | undefined): void {
  const managed = app !== undefined;
  const appId = app?.appId ?? "";
  const appUrl = app?.url ?? "";
  if (guest.managed !== managed) guest.managed = managed;
  if (guest.app !== appId) guest.app = appId;
  if (guest.appUrl !== appUrl) guest.appUrl = appUrl;
}

function withoutMetrics(g: GuestFacts): GuestFacts & GuestMetrics {
  return { ...g, externalTask: "", cpu: 0, memMiB: 0, diskMiB: 0, netInKiB: 0, netOutKiB: 0, uptime: 0 };
}

/** ms since the epoch when a machine with this uptime (s) at `observedAt` booted; 0 when not running. */
function bootTime(uptimeSeconds: number, observedAt: number): number {
  return uptimeSeconds > 0 && observedAt > 0 ? observedAt - uptimeSeconds * 1000 : 0;
}

/** A host's metrics, each sent only once it has moved by what the hall can show (see settle). */
function hostMetrics(host: Host, h: PlacedHost, observedAt: number): void {
  settle(host, "cpu", h.cpu, CPU_STEP);
  settle(host, "memMiB", h.memMiB, h.maxMemMiB * USAGE_STEP);
  settle(host, "bootedAt", bootTime(h.uptime, observedAt), BOOT_TIME_TOLERANCE_MS);
}

/** A guest's metrics, likewise. */
function guestMetrics(guest: Guest, g: ObservedGuest, observedAt: number): void {
  settle(guest, "cpu", g.cpu, CPU_STEP);
  settle(guest, "memMiB", g.memMiB, g.maxMemMiB * USAGE_STEP);
  settle(guest, "diskMiB", g.diskMiB, g.maxDiskMiB * USAGE_STEP);
  settle(guest, "netInKiB", g.netInKiB, g.netInKiB * COUNTER_STEP);
  settle(guest, "netOutKiB", g.netOutKiB, g.netOutKiB * COUNTER_STEP);
  settle(guest, "bootedAt", bootTime(g.uptime, observedAt), BOOT_TIME_TOLERANCE_MS);
}

/** Sets a metric once it has moved by `step` or more from the value the clients have, or dropped to zero. */
function settle<T extends object, K extends keyof T>(target: T, key: K, value: number & T[K], step: number): void {
  const current = target[key] as number;
  const moved = value === 0 ? current !== 0 : value !== current && Math.abs(value - current) >= step;
  if (moved) target[key] = value;
}

function assign<T extends object>(target: T, values: Partial<T>): void {
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key] as T[keyof T];
    if (target[key] !== value) target[key] = value;
  }
}
