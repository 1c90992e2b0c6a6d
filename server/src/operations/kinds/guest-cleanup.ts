import type { ProxmoxClient, GuestType } from "../../proxmox/index.ts";
import { isGuestResource } from "../../proxmox/index.ts";
import { runTaskStep, type StepEnv } from "../task-step.ts";
import { taskTypeFor } from "../task-types.ts";

export interface LocatedGuest {
  node: string;
  type: GuestType;
  status: string;
}

/** Where a guest is now, if it exists: a guest being created or moved is not always on the node we asked. */
export async function locateGuest(client: ProxmoxClient, vmid: number): Promise<LocatedGuest | null> {
  const resources = await client.clusterResources("vm");
  const found = resources.filter(isGuestResource).find((r) => r.vmid === vmid);
  return found ? { node: found.node, type: found.type, status: found.status } : null;
}

/**
 * Removes a guest an operation created and could not finish (a failed deploy, clone or restore), only if its
 * description carries the operation's mark: a guest someone else created under that VMID is never touched.
 */
export async function removeCreatedGuest(env: StepEnv, vmid: number): Promise<boolean> {
  const { client, op } = env;
  const guest = await locateGuest(client, vmid);
  if (!guest) return false;
  const config = (await client.guestConfig(guest.node, guest.type, vmid)) as Record<string, unknown>;
  if (!String(config.description ?? "").includes(operationMark(op.id))) return false;
  if (guest.status === "running") {
    await runTaskStep(env, {
      name: "cleanup-stop",
      node: guest.node,
      taskId: String(vmid),
      taskType: taskTypeFor(guest.type, "stop"),
      start: () => client.guestPowerAction(guest.node, guest.type, vmid, "stop"),
      expectedSeconds: 2,
      span: [0.9, 0.95],
    });
  }
  await runTaskStep(env, {
    name: "cleanup-destroy",
    node: guest.node,
    taskId: String(vmid),
    taskType: taskTypeFor(guest.type, "destroy"),
    start: () => client.deleteGuest(guest.node, guest.type, vmid, { purge: true, "destroy-unreferenced-disks": true }),
    expectedSeconds: 3,
    span: [0.95, 1],
  });
  return true;
}

/** Written into the description of every guest Proximity creates, so cleanup can prove it is ours. */
export const operationMark = (operationId: string): string => `proximity-operation:${operationId}`;
