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
  uptime: number;
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
  uptime: number;
  tags: string[];
  lock: string;
  template: boolean;
  operationId: string;
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
