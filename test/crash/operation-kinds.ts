import type { OperationKind } from "../../shared/src/protocol.ts";
import type { GuestInfo, SimulatorModel } from "../../server/src/simulator/index.ts";

/** An operation as the crash test reads it back once it ended. */
export interface EndedOperation {
  id: string;
  kind: OperationKind;
  vmid: number;
  state: "succeeded" | "failed";
  error: string;
  upid: string | null;
}

/**
 * What the crash test needs to know about one kind of operation. Adding deploy, clone, backup or
 * migrate to the test is adding an entry to CRASH_KINDS.
 */
export interface CrashKind {
  kind: OperationKind;
  /** Whether the guest (the simulator's truth) can take this operation now. */
  accepts(guest: GuestInfo): boolean;
  /** The HTTP request that submits it; the answer is 202 {operationId}. */
  request(clusterId: string, guest: GuestInfo): { path: string; body?: unknown };
  /** The Proxmox task type that carries it out; an operation may start at most one. */
  taskType(guest: GuestInfo): string;
  /** Where the simulator disagrees with how the operation ended; empty when it agrees. */
  verify(op: EndedOperation, before: GuestInfo, sim: SimulatorModel): string[];
  /**
   * The guest ids the simulator must hold after the operation, given those before it: a deploy or
   * clone adds one when it succeeded and none when it failed; lifecycle operations change nothing.
   */
  expectGuestIds(ids: Set<number>, op: EndedOperation, before: GuestInfo): Set<number>;
}

type PowerAction = "start" | "stop" | "shutdown" | "reboot";

const TASK_PREFIX = { lxc: "vz", qemu: "qm" } as const;
const STATUS_AFTER: Record<PowerAction, "running" | "stopped"> = { start: "running", stop: "stopped", shutdown: "stopped", reboot: "running" };

function lifecycle(action: PowerAction): CrashKind {
  return {
    kind: action,
    accepts: (g) => !g.template && !g.lock && g.status === (action === "start" ? "stopped" : "running"),
    request: (clusterId, g) => ({ path: `/api/guests/${clusterId}/${g.vmid}/actions/${action}` }),
    taskType: (g) => `${TASK_PREFIX[g.type]}${action}`,
    verify: (op, before, sim) => {
      const now = sim.getGuest(op.vmid);
      if (!now) return [`guest ${op.vmid} is gone after ${action}`];
      const expected = op.state === "succeeded" ? STATUS_AFTER[action] : before.status;
      return now.status === expected ? [] : [`${action} ${op.state}, but guest ${op.vmid} is ${now.status} (expected ${expected})`];
    },
    expectGuestIds: (ids) => ids,
  };
}

export const CRASH_KINDS: readonly CrashKind[] = [lifecycle("start"), lifecycle("stop"), lifecycle("shutdown"), lifecycle("reboot")];
