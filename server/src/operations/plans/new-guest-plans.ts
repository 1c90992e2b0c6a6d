import { randomBytes } from "node:crypto";
import { planDeployment } from "../../catalog/index.ts";
import type { DeployParams } from "../kinds/deploy.ts";
import { hostStatus, onlineNodes, placeGuest } from "./placement.ts";
import { diskContent, pickStorage } from "./storage.ts";
import { refuse, type PlanInput, type PlanResult } from "./types.ts";
import { allocateVmid } from "./vmid.ts";

/** A template file name Proxmox accepts, derived from the image reference so each image is pulled once per storage. */
export function templateFileFor(imageReference: string): string {
  return `${imageReference.replace(/[^a-zA-Z0-9._-]+/g, "_")}.tar`;
}

export async function planDeploy(input: PlanInput): Promise<PlanResult> {
  const { ctx, client, cluster, payload } = input;
  const app = ctx.catalog().apps.find((a) => a.id === payload.app);
  if (!app) return refuse("not_found", `No app "${payload.app}" in the catalog.`, { app: "unknown app" });
  const choice = { name: payload.name, cores: payload.cores, memoryMiB: payload.memoryMiB, diskGiB: payload.diskGiB };
  const planned = planDeployment(app, JSON.parse(JSON.stringify(choice)), randomBytes);
  if (!planned.ok) {
    const code = planned.refusal.code === "compose_route" ? "invalid_state" : "invalid_payload";
    return refuse(code, planned.refusal.message, planned.refusal.fields);
  }
  const deployment = planned.plan;

  let node: string | undefined = payload.node;
  if (node) {
    const status = await hostStatus(ctx.sql, cluster.id, node);
    if (status !== "online") return refuse("invalid_payload", `Node ${node} is ${status ?? "not in this cluster"}.`, { node: "not online" });
  } else {
    const placement = await placeGuest(client, deployment.memoryMiB);
    if (!placement.node) return refuse("invalid_state", `No online node has ${deployment.memoryMiB} MiB of free memory.`);
    node = placement.node;
  }
  const rootStorage = await pickStorage(client, node, "rootdir", payload.storage);
  if (!rootStorage.ok) return refuse("invalid_payload", rootStorage.message, { storage: rootStorage.message });
  const templateStorage = await pickStorage(client, node, "vztmpl");
  if (!templateStorage.ok) return refuse("invalid_state", templateStorage.message);
  const vmid = await allocateVmid(ctx.sql, client, cluster.id);
  if (vmid === null) return refuse("internal", "No free VMID found for the deployment.");

  const params: DeployParams = {
    app: app.id,
    appName: app.name,
    hostname: deployment.hostname,
    cores: deployment.cores,
    memoryMiB: deployment.memoryMiB,
    diskGiB: deployment.diskGiB,
    storage: rootStorage.storage,
    templateStorage: templateStorage.storage,
    imageReference: deployment.imageReference,
    templateFile: templateFileFor(deployment.imageReference),
    entrypoint: deployment.entrypoint ?? null,
    port: deployment.port ?? null,
  };
  return {
    ok: true,
    plan: {
      kind: "deploy",
      vmid,
      node,
      guestType: "lxc",
      targetVmid: vmid,
      targetNode: node,
      summary: `Deploy ${app.name} as ${deployment.hostname} (${vmid}) on ${node}`,
      params: { ...params },
      secrets: { secrets: deployment.secrets, env: deployment.env },
    },
  };
}

/** Restores a backup into a new VMID, on the node that holds it unless another one is chosen. */
export async function planRestoreAsNew(input: PlanInput): Promise<PlanResult> {
  const { ctx, client, cluster, payload } = input;
  const volid: string = payload.volid;
  const guestType = /vzdump-qemu-/.test(volid) ? "qemu" : /vzdump-lxc-/.test(volid) ? "lxc" : null;
  if (!guestType) return refuse("invalid_payload", `${volid} is not a vzdump backup of a container or VM.`, { volid: "not a vzdump archive" });
  const node = payload.node ?? (await nodeHoldingVolume(input, volid));
  if (!node) return refuse("not_found", `No online node in ${cluster.name} holds ${volid}.`, { volid: "not found" });
  const storage = await pickStorage(client, node, diskContent(guestType));
  if (!storage.ok) return refuse("invalid_state", storage.message);
  const vmid = await allocateVmid(ctx.sql, client, cluster.id);
  if (vmid === null) return refuse("internal", "No free VMID found for the restore.");
  const name = payload.name ? `as ${payload.name} ` : "";
  return {
    ok: true,
    plan: {
      kind: "restore",
      vmid,
      node,
      guestType,
      targetVmid: vmid,
      targetNode: node,
      summary: `Restore ${volid} ${name}into new guest ${vmid} on ${node}`,
      params: { volid, name: payload.name, sourceVmid: payload.vmid, storage: storage.storage },
    },
  };
}

async function nodeHoldingVolume(input: PlanInput, volid: string): Promise<string | null> {
  const nodes = await onlineNodes(input.ctx.sql, input.cluster.id);
  const storage = volid.slice(0, volid.indexOf(":"));
  for (const node of nodes) {
    const volumes = await input.client.storageContent(node, storage, { content: "backup" }).catch(() => []);
    if (volumes.some((v) => v.volid === volid)) return node;
  }
  return null;
}

/** A backup can outlive its guest: then it is found on whichever node holds it. */
export async function planBackupDeleteWithoutGuest(input: PlanInput): Promise<PlanResult> {
  const volid: string = input.payload.volid;
  const node = await nodeHoldingVolume(input, volid);
  if (!node) return refuse("not_found", `No online node in ${input.cluster.name} holds ${volid}.`, { volid: "not found" });
  return {
    ok: true,
    plan: {
      kind: "backup_delete",
      vmid: input.payload.vmid,
      node,
      guestType: /vzdump-qemu-/.test(volid) ? "qemu" : "lxc",
      summary: `Delete backup ${volid}`,
      params: { volid },
    },
  };
}
