import { recordApp } from "../../db/apps.ts";
import type { OperationOutcome } from "../outcome.ts";
import { runGuestTask, type StepEnv } from "../task-step.ts";
import { operationMark, removeCreatedGuest } from "./guest-cleanup.ts";

/**
 * Restores a backup over its guest (force: the guest's disks are replaced) or into a new VMID.
 */
export async function runRestore(env: StepEnv): Promise<OperationOutcome> {
  const { ctx, client, op } = env;
  const volid = String(op.params.volid);
  const asNew = op.targetVmid !== null;
  const storage = String(op.params.storage);
  const start = () => {
    if (op.guestType === "qemu") {
      return client.restoreVm(op.node, { vmid: op.vmid, archive: volid, storage, ...(asNew ? { unique: true } : { force: true }) });
    }
    const name = typeof op.params.name === "string" ? { hostname: op.params.name } : {};
    return client.createContainer(op.node, {
      vmid: op.vmid,
      ostemplate: volid,
      restore: true,
      storage,
      ...(asNew ? { ...name, description: `Restored from ${volid} by Proximity. ${operationMark(op.id)}` } : { force: true }),
    });
  };
  await runGuestTask(env, {
    name: "restore",
    task: "restore",
    start,
    expectedSeconds: 40,
    span: [0, 1],
  });
  if (asNew) {
    const app = { clusterId: op.clusterId, vmid: op.vmid, appId: "", origin: "restored" as const, config: { volid }, url: "" };
    await recordApp(ctx.sql, app, ctx.now());
    ctx.feed.publish({ type: "app", clusterId: op.clusterId, vmid: op.vmid, app });
  }
  return { state: "succeeded", message: asNew ? `Restored ${volid} as ${op.vmid}.` : `Restored ${volid}.`, error: "" };
}

/** A failed restore into a new VMID leaves nothing behind. */
export async function cleanUpRestore(env: StepEnv): Promise<string[]> {
  if (env.op.targetVmid === null) return [];
  return (await removeCreatedGuest(env, env.op.vmid)) ? [`removed the partly restored guest ${env.op.vmid}`] : [];
}
