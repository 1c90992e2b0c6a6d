import { forgetApp } from "../../db/apps.ts";
import type { OperationOutcome } from "../outcome.ts";
import { runGuestTask, type StepEnv } from "../task-step.ts";

/** Destroys the guest and its disks; a protected guest is refused by Proxmox, with its reason shown. */
export async function runDelete(env: StepEnv): Promise<OperationOutcome> {
  const { ctx, client, op } = env;
  await runGuestTask(env, {
    name: "destroy",
    task: "destroy",
    start: () => client.deleteGuest(op.node, op.guestType, op.vmid, { purge: true, "destroy-unreferenced-disks": true }),
    expectedSeconds: 4,
    span: [0, 1],
  });
  await forgetApp(ctx.sql, op.clusterId, op.vmid);
  ctx.feed.publish({ type: "app", clusterId: op.clusterId, vmid: op.vmid, app: null });
  return { state: "succeeded", message: `Deleted ${op.vmid}.`, error: "" };
}
