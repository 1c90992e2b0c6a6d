import type { OperationOutcome } from "../outcome.ts";
import { runGuestTask, type StepEnv } from "../task-step.ts";

const snapname = (env: StepEnv) => String(env.op.params.snapname);

export async function runSnapshot(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const description = typeof op.params.description === "string" ? op.params.description : undefined;
  await runGuestTask(env, {
    name: "snapshot",
    task: "snapshot",
    start: () => client.createSnapshot(op.node, op.guestType, op.vmid, snapname(env), description),
    expectedSeconds: 3,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Snapshot ${snapname(env)} taken.`, error: "" };
}

export async function runSnapshotRollback(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  await runGuestTask(env, {
    name: "rollback",
    task: "rollback",
    start: () => client.rollbackSnapshot(op.node, op.guestType, op.vmid, snapname(env)),
    expectedSeconds: 4,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Rolled back to ${snapname(env)}.`, error: "" };
}

export async function runSnapshotDelete(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  await runGuestTask(env, {
    name: "delsnapshot",
    task: "delsnapshot",
    start: () => client.deleteSnapshot(op.node, op.guestType, op.vmid, snapname(env)),
    expectedSeconds: 3,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Snapshot ${snapname(env)} deleted.`, error: "" };
}
