import type { StateCallbackStrategy } from "@colyseus/schema";
import { guestKey } from "../../../shared/src/protocol.ts";
import type { Cluster, Guest, Host, Operation, WorldEvent, WorldState } from "../../../shared/src/schema/world.ts";
import type { Estate } from "../model/estate.ts";
import { hostKey, parseTags, type ClusterRecord, type GuestRecord, type HostRecord, type OperationRecord, type WorldEventRecord } from "../model/records.ts";

export function clusterRecord(id: string, c: Cluster): ClusterRecord {
  return { id: c.id || id, name: c.name || id, status: c.status, error: c.error, lastSyncAt: c.lastSyncAt };
}

export function hostRecord(clusterId: string, node: string, h: Host): HostRecord {
  const name = h.node || node;
  return {
    key: hostKey(clusterId, name),
    clusterId,
    node: name,
    status: h.status,
    cpu: h.cpu,
    maxCpu: h.maxCpu,
    memMiB: h.memMiB,
    maxMemMiB: h.maxMemMiB,
    bootedAt: h.bootedAt,
    rack: h.rack,
    slot: h.slot,
  };
}

export function guestRecord(clusterId: string, node: string, g: Guest): GuestRecord {
  return {
    key: guestKey(clusterId, g.vmid),
    clusterId,
    node,
    vmid: g.vmid,
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
    bootedAt: g.bootedAt,
    tags: parseTags(g.tags),
    lock: g.lock,
    template: g.template,
    operationId: g.operationId,
    managed: g.managed,
    app: g.app,
    appUrl: g.appUrl,
  };
}

export function operationRecord(o: Operation): OperationRecord {
  return {
    id: o.id,
    kind: o.kind,
    clusterId: o.clusterId,
    vmid: o.vmid,
    node: o.node,
    requestedBy: o.requestedBy,
    state: o.state,
    progress: o.progress,
    message: o.message,
    error: o.error,
    createdAt: o.createdAt,
    finishedAt: o.finishedAt,
    targetVmid: o.targetVmid,
    targetNode: o.targetNode,
    summary: o.summary,
  };
}

export function worldEventRecord(e: WorldEvent): WorldEventRecord {
  return { id: e.id, kind: e.kind, severity: e.severity, source: e.source, message: e.message, clusterId: e.clusterId, vmid: e.vmid, at: e.at };
}

/**
 * Mirrors the room state into the estate: every cluster, host, guest, operation and event is copied when it appears and
 * again whenever any of its fields changes in a patch, and removed when it leaves. Returns an unbind function; after
 * it, late callbacks from the old room are ignored.
 */
export function bindWorldState(callbacks: StateCallbackStrategy<WorldState>, estate: Estate): () => void {
  let bound = true;
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      if (bound) fn(...args);
    };
  const disposers: Array<() => void> = [];

  const bindGuest = (clusterId: string, host: Host, guest: Guest) => {
    const node = () => host.node;
    estate.upsertGuest(guestRecord(clusterId, node(), guest));
    disposers.push(callbacks.onChange(guest, guard(() => estate.upsertGuest(guestRecord(clusterId, node(), guest)))));
  };

  const bindHost = (clusterId: string, host: Host, node: string) => {
    estate.upsertHost(hostRecord(clusterId, node, host));
    disposers.push(callbacks.onChange(host, guard(() => estate.upsertHost(hostRecord(clusterId, node, host)))));
    disposers.push(callbacks.onAdd(host, "guests", guard((guest: Guest) => bindGuest(clusterId, host, guest))));
    disposers.push(callbacks.onRemove(host, "guests", guard((guest: Guest) => estate.removeGuest(clusterId, host.node || node, guest.vmid))));
  };

  disposers.push(
    callbacks.onAdd(
      "clusters",
      guard((cluster: Cluster, id: string) => {
        const clusterId = cluster.id || id;
        estate.upsertCluster(clusterRecord(id, cluster));
        disposers.push(callbacks.onChange(cluster, guard(() => estate.upsertCluster(clusterRecord(id, cluster)))));
        disposers.push(callbacks.onAdd(cluster, "hosts", guard((host: Host, node: string) => bindHost(clusterId, host, node))));
        disposers.push(callbacks.onRemove(cluster, "hosts", guard((host: Host, node: string) => estate.removeHost(clusterId, host.node || node))));
      }),
    ),
  );
  disposers.push(callbacks.onRemove("clusters", guard((cluster: Cluster, id: string) => estate.removeCluster(cluster.id || id))));

  disposers.push(
    callbacks.onAdd(
      "operations",
      guard((operation: Operation) => {
        estate.upsertOperation(operationRecord(operation));
        disposers.push(callbacks.onChange(operation, guard(() => estate.upsertOperation(operationRecord(operation)))));
      }),
    ),
  );
  disposers.push(callbacks.onRemove("operations", guard((operation: Operation) => estate.removeOperation(operation.id))));

  disposers.push(
    callbacks.onAdd(
      "events",
      guard((event: WorldEvent) => {
        estate.upsertEvent(worldEventRecord(event));
        disposers.push(callbacks.onChange(event, guard(() => estate.upsertEvent(worldEventRecord(event)))));
      }),
    ),
  );
  disposers.push(callbacks.onRemove("events", guard((event: WorldEvent, id: string) => estate.removeEvent(event.id || id))));

  return () => {
    bound = false;
    for (const dispose of disposers) dispose();
  };
}
