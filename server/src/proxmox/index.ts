/**
 * Proxmox VE API client.
 *
 * - Every failure is a ProxmoxError with a `kind`; `retriable` is true only for GETs that failed in a
 *   transient way (timeout, network, 5xx other than 501, 595-599). The client retries those GETs itself
 *   (DEFAULT_RETRY_DELAYS_MS) and never repeats a POST/PUT/DELETE.
 * - A caller's AbortSignal rejects with the signal's reason, not with a ProxmoxError.
 * - followTask resolves for exit status OK and "WARNINGS: n" and rejects with TaskFailedError (a
 *   ProxmoxError with status 200, `exitstatus`, `upid` and `logTail`) for anything else.
 */
export {
  ProxmoxClient,
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_TIMEOUT_MS,
  type CallOptions,
  type GuestType,
  type NodeTaskQuery,
  type PowerAction,
  type ProxmoxAuth,
  type ProxmoxClientOptions,
  type ProxmoxConnection,
  type ProxmoxLogger,
} from "./client.ts";
export { ProxmoxError, TaskFailedError, type HttpMethod, type ProxmoxErrorKind } from "./errors.ts";
export { followTask, type FollowTaskOptions, type TaskOutcome } from "./follow-task.ts";
export type {
  CloneParams,
  CreateContainerParams,
  DeleteGuestParams,
  MigrateParams,
  OciPullParams,
  RestoreVmParams,
  VzdumpParams,
} from "./operation-params.ts";
export { normalizeFingerprint, type ProxmoxTls } from "./tls.ts";
export { InvalidUpidError, isUpid, parseUpid, type Upid } from "./upid.ts";
export { isGuestResource } from "./shapes.ts";
export type {
  ClusterGuestResource,
  ClusterNodeResource,
  ClusterOtherResource,
  ClusterResource,
  ClusterStatusEntry,
  ClusterStorageResource,
  ClusterTask,
  GuestConfig,
  GuestListEntry,
  GuestStatus,
  NodeEntry,
  NodeStatus,
  NodeTask,
  ContainerInterface,
  Snapshot,
  StorageEntry,
  StorageVolume,
  TaskLogLine,
  TaskStatus,
  Version,
} from "./shapes.ts";
