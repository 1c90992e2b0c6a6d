/** Bumped whenever the room state or a command changes incompatibly. */
export const PROTOCOL_VERSION = 2;

export const ROOM_NAME = "world";

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function roleAllows(held: Role, required: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(required);
}

export const POWER_KINDS = ["start", "stop", "shutdown", "reboot"] as const;
export type PowerKind = (typeof POWER_KINDS)[number];

export const OPERATION_KINDS = [
  ...POWER_KINDS,
  "deploy",
  "clone",
  "backup",
  "restore",
  "backup_delete",
  "migrate",
  "resize",
  "snapshot",
  "snapshot_rollback",
  "snapshot_delete",
  "delete",
  "adopt",
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const OPERATION_STATES = ["queued", "running", "succeeded", "failed"] as const;
export type OperationState = (typeof OPERATION_STATES)[number];
export const ACTIVE_OPERATION_STATES: readonly OperationState[] = ["queued", "running"];

export const GUEST_STATUSES = ["running", "stopped", "unknown"] as const;
export type GuestStatus = (typeof GUEST_STATUSES)[number];

export const HOST_STATUSES = ["online", "offline", "unknown"] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

export const CLUSTER_STATUSES = ["connecting", "online", "offline"] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

/** Why a command was refused. Each code has one meaning for every command. */
export const REJECTION_CODES = [
  "unauthorized",
  "invalid_payload",
  "unknown_command",
  "forbidden",
  "not_found",
  "busy",
  "invalid_state",
  "cluster_offline",
  "internal",
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  code: RejectionCode;
  message: string;
  /** Field-level problems for invalid_payload, keyed by dotted path. */
  fields?: Record<string, string>;
  /** The operation that holds the guest, for busy. */
  operationId?: string;
}

export interface CommandAccepted {
  operationId: string;
}

/** Guests are addressed by cluster id and VMID everywhere; this is the map key form. */
export function guestKey(clusterId: string, vmid: number): string {
  return `${clusterId}/${vmid}`;
}
