import { recordApp } from "../../db/apps.ts";
import type { OperationOutcome } from "../outcome.ts";
import { runGuestTask, type StepEnv } from "../task-step.ts";
import { operationMark, removeCreatedGuest } from "./guest-cleanup.ts";

/**
 * Zero-downtime clone: a temporary snapshot of the running source, a clone from that snapshot, then the
 * snapshot removed (on failure too, by the cleanup). Templates are cloned directly, linked or full.
 */
export async function runClone(env: StepEnv): Promise<OperationOutcome> {
  const { ctx, client, op } = env;
  const newid = op.targetVmid!;
  const snapname = typeof op.params.snapname === "string" ? op.params.snapname : undefined;
  const name = String(op.params.name);
  if (snapname) {
    await runGuestTask(env, {
      name: "snapshot",
      task: "snapshot",
      start: () => client.createSnapshot(op.node, op.guestType, op.vmid, snapname, `Temporary, for clone ${operationMark(op.id)}`),
      expectedSeconds: 3,
      span: [0, 0.15],
    });
  }
  await runGuestTask(env, {
    name: "clone",
    task: "clone",
    start: () =>
      client.cloneGuest(op.node, op.guestType, op.vmid, {
        newid,
        name,
        full: op.params.full === true,
        ...(snapname ? { snapname } : {}),
        ...(op.targetNode && op.targetNode !== op.node ? { target: op.targetNode } : {}),
        ...(typeof op.params.storage === "string" ? { storage: op.params.storage } : {}),
        description: `Cloned from ${op.vmid} by Proximity. ${operationMark(op.id)}`,
      }),
    expectedSeconds: op.params.full === true ? 60 : 3,
    span: [0.15, 0.9],
  });
  if (snapname) await removeCloneSnapshot(env, snapname);
  const app = { clusterId: op.clusterId, vmid: newid, appId: String(op.params.appId ?? ""), origin: "cloned" as const, config: { source: op.vmid }, url: "" };
  await recordApp(ctx.sql, app, ctx.now());
  ctx.feed.publish({ type: "app", clusterId: op.clusterId, vmid: newid, app });
  return { state: "succeeded", message: `Cloned to ${name} (${newid}).`, error: "" };
}

async function removeCloneSnapshot(env: StepEnv, snapname: string): Promise<void> {
  const { client, op } = env;
  await runGuestTask(env, {
    name: "delsnapshot",
    task: "delsnapshot",
    start: () => client.deleteSnapshot(op.node, op.guestType, op.vmid, snapname),
    expectedSeconds: 3,
    span: [0.9, 1],
  });
}

/** A failed clone removes its temporary snapshot and whatever part of the target exists. */
export async function cleanUpClone(env: StepEnv): Promise<string[]> {
  const { client, op } = env;
  const removed: string[] = [];
  if (await removeCreatedGuest(env, op.targetVmid!)) removed.push(`removed the partial clone ${op.targetVmid}`);
  const snapname = typeof op.params.snapname === "string" ? op.params.snapname : undefined;
  if (snapname && !op.steps.delsnapshot) {
    const snapshots = await client.listSnapshots(op.node, op.guestType, op.vmid);
    if (snapshots.some((s) => s.name === snapname)) {
      await removeCloneSnapshot(env, snapname);
      removed.push(`removed the temporary snapshot ${snapname}`);
    }
  }
  return removed;
}
