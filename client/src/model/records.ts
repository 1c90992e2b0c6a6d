import type { ClusterStatus, GuestStatus, HostStatus, OperationKind, OperationState } from "../../../shared/src/protocol.ts";

/**
 * Plain copies of the room state the client works from. The scene, HUD and tests read these, never the Colyseus
 * schema objects, so everything but the network binding runs without a room.
 */
export interface ClusterRecord {
  id: string;
  name: string;
  status: ClusterStatus | string;
  error: string;
  lastSyncAt: number;
}

export interface HostRecord {
  /** `${clusterId}/${node}` */
  key: string;
  clusterId: string;
  node: string;
  status: HostStatus | string;
  cpu: number;
  maxCpu: number;
  memMiB: number;
  maxMemMiB: number;
  /** When it booted, ms since the epoch (server clock); 0 when not running. */
  bootedAt: number;
  rack: string;
  slot: number;
}

export interface GuestRecord {
  /** guestKey(clusterId, vmid) */
  key: string;
  clusterId: string;
  node: string;
  vmid: number;
  name: string;
  type: "lxc" | "qemu" | string;
  status: GuestStatus | string;
  cpu: number;
  cpus: number;
  memMiB: number;
  maxMemMiB: number;
  diskMiB: number;
  maxDiskMiB: number;
  netInKiB: number;
  netOutKiB: number;
  /** When it booted, ms since the epoch (server clock); 0 when not running. */
  bootedAt: number;
  tags: string[];
  lock: string;
  template: boolean;
  operationId: string;
  /** Created or adopted by Proximity (it knows the guest's app and configuration). */
  managed: boolean;
  /** Catalog app id, "" when none is known. */
  app: string;
  /** Where the app answers, "" when unknown. */
  appUrl: string;
}

export interface OperationRecord {
  id: string;
  kind: OperationKind | string;
  clusterId: string;
  vmid: number;
  node: string;
  requestedBy: string;
  state: OperationState | string;
  progress: number;
  message: string;
  error: string;
  createdAt: number;
  finishedAt: number;
  /** The guest the operation creates (clone, deploy, restore as new), 0 otherwise. */
  targetVmid: number;
  /** The node it acts towards (migrate, clone, deploy), "" otherwise. */
  targetNode: string;
  /** One line for the operations log; "" from older servers. */
  summary: string;
}

/** A self-healing event or an open alert, as the room holds it (`WorldState.events`). */
export interface WorldEventRecord {
  id: string;
  /** "maintenance" (janitor, reconciler at work) or "alert" (a person must act; gone once the condition is). */
  kind: string;
  /** "info", "warning" or "error". */
  severity: string;
  /** The controller that reported it: "janitor" or "reconciler". */
  source: string;
  message: string;
  clusterId: string;
  /** 0 when the event is not about one guest. */
  vmid: number;
  /** ms since the epoch, server clock. */
  at: number;
}

export function hostKey(clusterId: string, node: string): string {
  return `${clusterId}/${node}`;
}

/** PVE stores tags ";"-separated (older versions also used "," or spaces). */
export function parseTags(tags: string): string[] {
  return tags
    .split(/[;,\s]+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}
