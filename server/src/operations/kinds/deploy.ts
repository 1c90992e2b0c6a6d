import { recordApp } from "../../db/apps.ts";
import { readDeploymentSecrets } from "../../db/deployment-secrets.ts";
import { recordStep } from "../../db/operations.ts";
import type { ProxmoxClient } from "../../proxmox/index.ts";
import type { OperationOutcome } from "../outcome.ts";
import { findStartedTask, runGuestTask, runTaskStep, type StepEnv, type TaskStep } from "../task-step.ts";
import { OCI_PULL_TASK, VOLUME_DELETE_TASK } from "../task-types.ts";
import { operationMark, removeCreatedGuest } from "./guest-cleanup.ts";

/** What submit decided for a deployment; secrets and the environment using them are sealed apart. */
export interface DeployParams {
  app: string;
  appName: string;
  hostname: string;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  /** Storage for the container's root disk. */
  storage: string;
  /** Storage holding container templates (vztmpl), where the OCI image is pulled to. */
  templateStorage: string;
  imageReference: string;
  templateFile: string;
  entrypoint: string | null;
  port: number | null;
}

/**
 * Proxmox 9's OCI path, API only: pull the image into a template (once per image), create an unprivileged
 * container from it with the app's entrypoint and environment, start it, and record where it answers.
 */
export async function runDeploy(env: StepEnv): Promise<OperationOutcome> {
  const { ctx, client, op } = env;
  const p = op.params as unknown as DeployParams;
  const sealed = await readDeploymentSecrets(ctx.sql, ctx.box, op.id);
  const volid = `${p.templateStorage}:vztmpl/${p.templateFile}`;

  const pull: TaskStep = {
    name: "pull",
    node: op.node,
    taskId: p.templateFile,
    taskType: OCI_PULL_TASK,
    start: () => client.pullOciImage(op.node, p.templateStorage, { reference: p.imageReference, filename: p.templateFile }),
    expectedSeconds: 20,
    span: [0, 0.4],
  };
  // A pull an earlier attempt started is this operation's even if the image is there by now: recorded, so
  // a failure later removes it with the rest.
  const pulledBefore = env.resumed && !op.steps.pull ? await findStartedTask(ctx, client, op, pull) : null;
  if (pulledBefore) op.steps = await recordStep(ctx.sql, op.id, pull.name, pulledBefore);
  if (op.steps.pull || !(await hasVolume(client, op.node, p.templateStorage, volid))) await runTaskStep(env, pull);
  const environment = Object.entries(sealed?.env ?? {}).map(([k, v]) => `${k}=${v}`);
  await runGuestTask(env, {
    name: "create",
    task: "create",
    start: () =>
      client.createContainer(op.node, {
        vmid: op.vmid,
        ostemplate: volid,
        hostname: p.hostname,
        cores: p.cores,
        memory: p.memoryMiB,
        swap: 512,
        rootfs: `${p.storage}:${p.diskGiB}`,
        net0: "name=eth0,bridge=vmbr0,ip=dhcp",
        unprivileged: true,
        tags: `proximity;app-${p.app}`,
        description: `${p.appName}, deployed by Proximity. ${operationMark(op.id)}`,
        ...(p.entrypoint ? { entrypoint: p.entrypoint } : {}),
        ...(environment.length > 0 ? { env: environment.join("\0") } : {}),
      }),
    expectedSeconds: 15,
    span: [0.4, 0.8],
  });
  await runGuestTask(env, {
    name: "start",
    task: "start",
    start: () => client.guestPowerAction(op.node, "lxc", op.vmid, "start"),
    expectedSeconds: 3,
    span: [0.8, 0.95],
  });
  const url = await appUrl(client, op.node, op.vmid, p);
  const app = { clusterId: op.clusterId, vmid: op.vmid, appId: p.app, origin: "deployed" as const, config: { ...p }, url };
  await recordApp(ctx.sql, app, ctx.now());
  ctx.feed.publish({ type: "app", clusterId: op.clusterId, vmid: op.vmid, app });
  return { state: "succeeded", message: `${p.appName} deployed as ${p.hostname} (${op.vmid})${url ? ` at ${url}` : ""}.`, error: "" };
}

/** A failed deploy removes the container it created and an image template it pulled. */
export async function cleanUpDeploy(env: StepEnv): Promise<string[]> {
  const { client, op } = env;
  const p = op.params as unknown as DeployParams;
  const removed: string[] = [];
  if (await removeCreatedGuest(env, op.vmid)) removed.push(`removed the partly created container ${op.vmid}`);
  const volid = `${p.templateStorage}:vztmpl/${p.templateFile}`;
  if (op.steps.pull && (await hasVolume(client, op.node, p.templateStorage, volid))) {
    await runTaskStep(env, {
      name: "cleanup-template",
      node: op.node,
      taskId: `@${p.templateStorage}`,
      taskType: VOLUME_DELETE_TASK,
      start: () => client.deleteVolume(op.node, p.templateStorage, volid),
      expectedSeconds: 2,
      span: [0.95, 1],
    });
    removed.push(`removed the pulled image ${volid}`);
  }
  return removed;
}

async function hasVolume(client: ProxmoxClient, node: string, storage: string, volid: string): Promise<boolean> {
  const volumes = await client.storageContent(node, storage, { content: "vztmpl" });
  return volumes.some((v) => v.volid === volid);
}

/** The app's address from the container's first IPv4 (DHCP may take a moment); its hostname when none is known yet. */
async function appUrl(client: ProxmoxClient, node: string, vmid: number, p: DeployParams): Promise<string> {
  if (p.port === null) return "";
  const interfaces = await client.containerInterfaces(node, vmid).catch(() => []);
  const ipv4 = interfaces.find((i) => i.name !== "lo" && i.inet)?.inet?.split("/")[0];
  return `http://${ipv4 ?? p.hostname}:${p.port}`;
}
