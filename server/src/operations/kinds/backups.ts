import type { OperationOutcome } from "../outcome.ts";
import { runTaskStep, type StepEnv } from "../task-step.ts";
import { VOLUME_DELETE_TASK, VZDUMP_TASK } from "../task-types.ts";

export const storageOfVolume = (volid: string): string => volid.slice(0, volid.indexOf(":"));

/** vzdump in snapshot mode with zstd: the guest keeps running. Scheduled runs then keep only the newest backups. */
export async function runBackup(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const storage = String(op.params.storage);
  const notes = typeof op.params.notes === "string" && op.params.notes ? op.params.notes : "{{guestname}}";
  await runTaskStep(env, {
    name: "vzdump",
    node: op.node,
    taskId: String(op.vmid),
    taskType: VZDUMP_TASK,
    start: () => client.vzdump(op.node, { vmid: op.vmid, storage, mode: "snapshot", compress: "zstd", "notes-template": notes }),
    expectedSeconds: 30,
    span: [0, 0.9],
  });
  const keepLast = typeof op.params.keepLast === "number" ? op.params.keepLast : null;
  const pruned = keepLast === null ? 0 : await pruneBackups(env, storage, keepLast);
  const suffix = pruned > 0 ? `; ${pruned} older backup(s) removed (keeping ${keepLast})` : "";
  return { state: "succeeded", message: `Backed up to ${storage}${suffix}.`, error: "" };
}

/** Retention: the newest `keepLast` backups of the guest stay, protected ones always stay. */
async function pruneBackups(env: StepEnv, storage: string, keepLast: number): Promise<number> {
  const { client, op } = env;
  const volumes = await client.storageContent(op.node, storage, { content: "backup", vmid: op.vmid });
  const expired = volumes
    .filter((v) => v.vmid === op.vmid)
    .sort((a, b) => (b.ctime ?? 0) - (a.ctime ?? 0))
    .slice(keepLast)
    .filter((v) => !v.protected);
  for (const volume of expired) {
    await runTaskStep(env, {
      name: `prune:${volume.volid}`,
      node: op.node,
      taskId: `${op.vmid}@${storage}`,
      taskType: VOLUME_DELETE_TASK,
      start: () => client.deleteVolume(op.node, storage, volume.volid),
      expectedSeconds: 2,
      span: [0.9, 1],
    });
  }
  return expired.length;
}

export async function runBackupDelete(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const volid = String(op.params.volid);
  const node = op.targetNode || op.node;
  // imgdel tasks are not filed under the guest's VMID, so a retry checks the volume itself.
  if (env.resumed && !op.steps.imgdel) {
    const volumes = await client.storageContent(node, storageOfVolume(volid), { content: "backup", vmid: op.vmid });
    if (!volumes.some((v) => v.volid === volid)) return { state: "succeeded", message: `Backup ${volid} is gone.`, error: "" };
  }
  await runTaskStep(env, {
    name: "imgdel",
    node,
    taskId: `${op.vmid}@${storageOfVolume(volid)}`,
    taskType: VOLUME_DELETE_TASK,
    start: () => client.deleteVolume(node, storageOfVolume(volid), volid),
    expectedSeconds: 2,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Backup ${volid} deleted.`, error: "" };
}
