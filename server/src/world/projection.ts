import { guestKey, PROTOCOL_VERSION } from "../../../shared/src/protocol.ts";
import { Cluster, Guest, Host, Operation, WorldEvent, type WorldState } from "../../../shared/src/schema/world.ts";
import type { AlertRecord } from "../db/alerts.ts";
import type { ClusterRow } from "../db/clusters.ts";
import type { OperationRecord } from "../db/operations.ts";
import type { FeedEvent } from "../feed/feed.ts";
import type { GuestFacts, GuestMetrics, HostFacts, HostMetrics, HostPlacement, KnownEstate } from "../sync/model.ts";

/** Finished operations kept in the state for the operations log; older ones stay in Postgres only. */
export const FINISHED_OPERATIONS_KEPT = 30;
/** Self-healing events and alerts kept in the state, newest first. */
export const EVENTS_KEPT = 30;

/**
 * Projects feed events into the room state. Assigns a field only when its value changed, so a
 * cycle where nothing moved costs no patch bytes.
 */
export class WorldProjection {
  /** Where each guest sits (cluster/vmid → node), to move it when Proxmox migrates it. */
  readonly #guestNode = new Map<string, string>();
  readonly #activeOperation = new Map<string, string>();

  constructor(private readonly state: WorldState) {
    state.protocol = PROTOCOL_VERSION;
  }

  /** Seeds the state from Postgres before the first sync cycle, so a restart shows the estate at once. */
  load(clusters: ClusterRow[], estates: Map<string, KnownEstate>, operations: OperationRecord[], alerts: AlertRecord[]): void {
    for (const c of clusters) {
      this.#cluster(c.id, c.name, c.status, c.lastError, c.lastSyncAt?.getTime() ?? 0);
      const estate = estates.get(c.id);
      if (!estate) continue;
      const zero = { cpu: 0, memMiB: 0, uptime: 0 };
      this.#estate(c.id, [...estate.hosts.values()].map((h) => ({ ...h, ...zero })), [...estate.guests.values()].map(withoutMetrics));
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
        this.#estate(event.clusterId, event.hosts, event.guests);
        return;
      case "operation":
        this.#operation(event.operation);
        return;
      case "event":
        this.#event(event);
        return;
      case "event.cleared":
        this.state.events.delete(event.id);
        return;
      case "estate.rewritten":
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

  #estate(
    clusterId: string,
    hosts: (HostFacts & HostMetrics & HostPlacement)[],
    guests: (GuestFacts & GuestMetrics)[],
  ): void {
    const cluster = this.state.clusters.get(clusterId) ?? this.#cluster(clusterId, clusterId, "online", "", 0);
    const seenHosts = new Set<string>();
    for (const h of hosts) {
      seenHosts.add(h.node);
      let host = cluster.hosts.get(h.node);
      if (!host) {
        host = new Host({ node: h.node });
        cluster.hosts.set(h.node, host);
      }
      assign(host, {
        status: h.status,
        cpu: h.cpu,
        maxCpu: h.maxCpu,
        memMiB: h.memMiB,
        maxMemMiB: h.maxMemMiB,
        uptime: h.uptime,
        rack: h.rackId,
        slot: h.slot,
      });
    }
    for (const node of [...cluster.hosts.keys()]) if (!seenHosts.has(node)) cluster.hosts.delete(node);

    const seenGuests = new Set<string>();
    for (const g of guests) {
      const key = guestKey(clusterId, g.vmid);
      seenGuests.add(key);
      const host = cluster.hosts.get(g.node);
      if (!host) continue;
      const previousNode = this.#guestNode.get(key);
      if (previousNode !== undefined && previousNode !== g.node) cluster.hosts.get(previousNode)?.guests.delete(String(g.vmid));
      this.#guestNode.set(key, g.node);
      let guest = host.guests.get(String(g.vmid));
      if (!guest) {
        guest = new Guest({ vmid: g.vmid, operationId: this.#activeOperation.get(key) ?? "" });
        host.guests.set(String(g.vmid), guest);
      }
      assign(guest, {
        name: g.name,
        type: g.type,
        status: g.status,
        cpu: g.cpu,
        cpus: g.cpus,
        memMiB: g.memMiB,
        maxMemMiB: g.maxMemMiB,
        diskMiB: g.diskMiB,
        maxDiskMiB: g.maxDiskMiB,
        netInKiB: g.netInKiB,
        netOutKiB: g.netOutKiB,
        uptime: g.uptime,
        tags: g.tags,
        lock: g.lock,
        template: g.template,
        externalTask: g.externalTask,
      });
    }
    for (const [key, node] of this.#guestNode) {
      if (!key.startsWith(`${clusterId}/`) || seenGuests.has(key)) continue;
      cluster.hosts.get(node)?.guests.delete(key.slice(clusterId.length + 1));
      this.#guestNode.delete(key);
    }
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
    });
    const key = guestKey(op.clusterId, op.vmid);
    const active = op.state === "queued" || op.state === "running";
    if (active) this.#activeOperation.set(key, op.id);
    else if (this.#activeOperation.get(key) === op.id) this.#activeOperation.delete(key);
    const guest = this.#findGuest(op.clusterId, op.vmid);
    if (guest) assign(guest, { operationId: this.#activeOperation.get(key) ?? "" });
    if (!active) this.#pruneFinished();
  }

  #event(e: Extract<FeedEvent, { type: "event" }>): void {
    const { type: _type, ...fields } = e;
    this.state.events.set(e.id, new WorldEvent(fields));
    const oldest = [...this.state.events.values()].sort((a, b) => b.at - a.at).slice(EVENTS_KEPT);
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

function withoutMetrics(g: GuestFacts): GuestFacts & GuestMetrics {
  return { ...g, externalTask: "", cpu: 0, memMiB: 0, diskMiB: 0, netInKiB: 0, netOutKiB: 0, uptime: 0 };
}

function assign<T extends object>(target: T, values: Partial<T>): void {
  for (const key of Object.keys(values) as (keyof T)[]) {
    const value = values[key] as T[keyof T];
    if (target[key] !== value) target[key] = value;
  }
}
