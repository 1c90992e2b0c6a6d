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
  StorageContentEntry,
  StorageEntry,
  TaskLogLine,
  TaskStatus,
  Version,
} from "./shapes.ts";
