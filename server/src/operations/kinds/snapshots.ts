import type { OperationOutcome } from "../outcome.ts";
import { runTaskStep, type StepEnv } from "../task-step.ts";
import { taskTypeFor } from "../task-types.ts";

const snapname = (env: StepEnv) => String(env.op.params.snapname);

export async function runSnapshot(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const description = typeof op.params.description === "string" ? op.params.description : undefined;
  await runTaskStep(env, {
    name: "snapshot",
    node: op.node,
    vmid: op.vmid,
    taskType: taskTypeFor(op.guestType, "snapshot"),
    start: () => client.createSnapshot(op.node, op.guestType, op.vmid, snapname(env), description),
    expectedSeconds: 3,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Snapshot ${snapname(env)} taken.`, error: "" };
}

export async function runSnapshotRollback(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  await runTaskStep(env, {
    name: "rollback",
    node: op.node,
    vmid: op.vmid,
    taskType: taskTypeFor(op.guestType, "rollback"),
    start: () => client.rollbackSnapshot(op.node, op.guestType, op.vmid, snapname(env)),
    expectedSeconds: 4,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Rolled back to ${snapname(env)}.`, error: "" };
}

export async function runSnapshotDelete(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  await runTaskStep(env, {
    name: "delsnapshot",
    node: op.node,
    vmid: op.vmid,
    taskType: taskTypeFor(op.guestType, "delsnapshot"),
    start: () => client.deleteSnapshot(op.node, op.guestType, op.vmid, snapname(env)),
    expectedSeconds: 3,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Snapshot ${snapname(env)} deleted.`, error: "" };
}
