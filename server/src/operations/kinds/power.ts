import type { PowerKind } from "../../../../shared/src/protocol.ts";
import type { OperationOutcome } from "../outcome.ts";
import { recordStep } from "../../db/operations.ts";
import { findStartedTask, runGuestTask, type StepEnv } from "../task-step.ts";
import { taskTypeFor } from "../task-types.ts";

/** Typical durations, only to move a progress bar: Proxmox reports no percentage for these tasks. */
const EXPECTED_SECONDS: Record<PowerKind, number> = { start: 3, stop: 2, shutdown: 8, reboot: 10 };

/** The status a guest has once the action is done; a guest already there needs nothing. */
const SETTLED_STATUS: Partial<Record<PowerKind, "running" | "stopped">> = { start: "running", stop: "stopped", shutdown: "stopped" };

export async function runPowerAction(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const action = op.kind as PowerKind;
  const settled = SETTLED_STATUS[action];
  // Only an attempt that follows a dead one checks: a first attempt just acts. A task the dead attempt
  // started is recorded and followed, even when the guest already shows its result.
  if (settled && env.resumed && !op.steps.power) {
    const started = await findStartedTask(env.ctx, client, op, { node: op.node, taskId: String(op.vmid), taskType: taskTypeFor(op.guestType, action) });
    if (started) op.steps = await recordStep(env.ctx.sql, op.id, "power", started);
    else if ((await client.guestStatus(op.node, op.guestType, op.vmid)).status === settled) {
      return { state: "succeeded", message: `Already ${settled}.`, error: "" };
    }
  }
  const result = await runGuestTask(env, {
    name: "power",
    task: action,
    start: () => client.guestPowerAction(op.node, op.guestType, op.vmid, action),
    expectedSeconds: EXPECTED_SECONDS[action],
    span: [0, 1],
  });
  const exit = result?.exitstatus ?? "OK";
  const message = exit === "OK" ? `${action} finished` : `${action} finished with ${exit}`;
  return { state: "succeeded", message, error: "" };
}
