import { isActiveOperationState, type Estate } from "./estate.ts";
import type { ClusterRecord, GuestRecord, HostRecord, OperationRecord } from "./records.ts";

/**
 * What a guest's status LED says. Each state has its own rhythm as well as its own colour, so it reads without
 * colour vision: running steady, stopped dim, busy breathing, error blinking, unknown slow blink, offline dark.
 */
export type LedState = "running" | "stopped" | "busy" | "error" | "unknown" | "offline";

export const LED_STATES: readonly LedState[] = ["running", "stopped", "busy", "error", "unknown", "offline"];

export interface LedInputs {
  guest: GuestRecord;
  host: HostRecord | undefined;
  cluster: ClusterRecord | undefined;
  /** The guest's in-flight operation, or its most recent one. */
  operation: OperationRecord | undefined;
  /** The most recent operation failed and the user has not opened the guest since. */
  failureUnacknowledged: boolean;
  /** A command was sent from this client and the server has not answered yet. */
  pending: boolean;
}

/** Precedence: no light from unreachable machines, then work in progress, then unseen failures, then PVE status. */
export function ledStateOf(inputs: LedInputs): LedState {
  const { guest, host, cluster, operation } = inputs;
  if (cluster?.status === "offline" || host?.status === "offline") return "offline";
  const inFlight = operation !== undefined && isActiveOperationState(operation.state);
  if (inputs.pending || inFlight || guest.lock !== "") return "busy";
  if (operation?.state === "failed" && inputs.failureUnacknowledged) return "error";
  if (cluster?.status === "connecting" || host?.status === "unknown") return "unknown";
  switch (guest.status) {
    case "running":
      return "running";
    case "stopped":
      return "stopped";
    default:
      return "unknown";
  }
}

/** Gathers the inputs for one guest from the estate. */
export function guestLedState(estate: Estate, key: string): LedState {
  const guest = estate.guests.get(key);
  if (!guest) return "offline";
  const operation = estate.latestOperationOf(key);
  return ledStateOf({
    guest,
    host: estate.hostOf(guest),
    cluster: estate.clusters.get(guest.clusterId),
    operation,
    failureUnacknowledged: operation !== undefined && !estate.isAcknowledged(operation.id),
    pending: estate.isPending(key),
  });
}
