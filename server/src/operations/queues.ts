import type { OperationKind } from "../../../shared/src/protocol.ts";

export const queueFor = (kind: OperationKind): string => `operation.${kind}`;

/**
 * Retries cover crashes and infrastructure errors (database or cluster unreachable), not Proxmox
 * refusing the operation: that ends the operation as failed with Proxmox's reason.
 */
export const OPERATION_QUEUE_OPTIONS = {
  retryLimit: 3,
  retryDelay: 2,
  retryBackoff: true,
  retryDelayMax: 30,
  expireInSeconds: 30 * 60,
  // A worker that died is noticed within about this long and its job handed to another.
  heartbeatSeconds: 15,
  notify: true,
} as const;

export const OPERATION_WORKER_OPTIONS = {
  localConcurrency: 8,
  pollingIntervalSeconds: 1,
  // Per-guest serialisation frees jobs without a NOTIFY; poll often (stack notes, pg-boss pitfall 1).
  notifyPollingIntervalSeconds: 1,
} as const;
