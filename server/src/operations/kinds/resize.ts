import type { GuestConfig } from "../../proxmox/index.ts";
import type { OperationOutcome } from "../outcome.ts";
import { runGuestTask, runTaskStep, type StepEnv } from "../task-step.ts";

const QEMU_DISK_KEYS = ["scsi0", "virtio0", "sata0", "ide0"];

/** CPU and memory change in the config (synchronously); the disk grows in a task. Both are safe to repeat. */
export async function runResize(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const cores = op.params.cores as number | undefined;
  const memoryMiB = op.params.memoryMiB as number | undefined;
  const diskGiB = op.params.diskGiB as number | undefined;
  const config: Record<string, number> = {};
  if (cores !== undefined) config.cores = cores;
  if (memoryMiB !== undefined) config.memory = memoryMiB;
  if (Object.keys(config).length > 0) {
    await runTaskStep(env, {
      name: "config",
      node: op.node,
      taskId: String(op.vmid),
      taskType: "qmconfig",
      start: () => client.updateGuestConfig(op.node, op.guestType, op.vmid, config),
      expectedSeconds: 2,
      span: [0, 0.3],
    });
    await env.report(0.3, "configuration updated");
  }
  if (diskGiB !== undefined) {
    const disk = op.guestType === "lxc" ? "rootfs" : rootDiskOf(await client.guestConfig(op.node, op.guestType, op.vmid));
    await runGuestTask(env, {
      name: "resize",
      task: "resize",
      start: () => client.resizeDisk(op.node, op.guestType, op.vmid, disk, `${diskGiB}G`),
      expectedSeconds: 5,
      span: [0.3, 1],
    });
  }
  const parts = [cores !== undefined && `${cores} cores`, memoryMiB !== undefined && `${memoryMiB} MiB`, diskGiB !== undefined && `${diskGiB} GiB disk`];
  return { state: "succeeded", message: `Resized: ${parts.filter(Boolean).join(", ")}.`, error: "" };
}

function rootDiskOf(config: GuestConfig): string {
  const record = config as Record<string, unknown>;
  return QEMU_DISK_KEYS.find((key) => typeof record[key] === "string") ?? "scsi0";
}
