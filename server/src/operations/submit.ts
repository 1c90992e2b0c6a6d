import { randomUUID } from "node:crypto";
import { commands, isCommandName, type CommandName } from "../../../shared/src/commands.ts";
import type { Struct } from "superstruct";
import { roleAllows, type Rejection } from "../../../shared/src/protocol.ts";
import { appendAudit } from "../db/audit.ts";
import { listClusters } from "../db/clusters.ts";
import { findGuest } from "../db/estate.ts";
import { findActiveOperation, insertOperation, type OperationRecord } from "../db/operations.ts";
import { storeDeploymentSecrets } from "../db/deployment-secrets.ts";
import { bossDb } from "../jobs/boss.ts";
import { ProxmoxError } from "../proxmox/index.ts";
import type { Actor } from "./actor.ts";
import type { OperationContext } from "./context.ts";
import { planCommand, type OperationPlan, type PlanResult } from "./plans/index.ts";
import { queueFor } from "./queues.ts";
import { validatePayload } from "./validate.ts";

export type SubmitResult = { ok: true; operationId: string } | { ok: false; rejection: Rejection };

const reject = (code: Rejection["code"], message: string, extra: Partial<Rejection> = {}): SubmitResult => ({
  ok: false,
  rejection: { code, message, ...extra },
});

/**
 * The single entry for every command, from the room and from HTTP alike:
 * validate → authorize → check the guest → one transaction with the operation row and its job.
 */
export async function submitCommand(
  ctx: OperationContext,
  actor: Actor,
  name: unknown,
  payload: unknown,
  /** Set by the server itself (a schedule's retention), never by a client. */
  internalParams: Record<string, unknown> = {},
): Promise<SubmitResult> {
  if (!isCommandName(name)) {
    return reject("unknown_command", `Unknown command ${JSON.stringify(String(name).slice(0, 64))}.`);
  }
  const command = commands[name];
  const valid = validatePayload(command.payload as Struct<any, any>, payload);
  if (!valid.ok) return valid;
  if (!roleAllows(actor.role, command.role)) {
    return reject("forbidden", `${command.label} needs the ${command.role} role; you are ${actor.role}.`);
  }
  const { cluster: clusterId } = valid.value as { cluster: string };
  const cluster = (await listClusters(ctx.sql)).find((c) => c.id === clusterId);
  const client = ctx.clusters.get(clusterId);
  if (!cluster || !client) return reject("not_found", `No cluster "${clusterId}".`);
  if (cluster.status === "offline") {
    return reject("cluster_offline", `Cluster ${cluster.name} is unreachable: ${cluster.lastError || "no answer"}.`);
  }
  const vmid = (valid.value as { vmid?: number }).vmid;
  const guest = command.targetsGuest && vmid !== undefined ? await findGuest(ctx.sql, clusterId, vmid) : null;
  const input = { ctx, client, cluster, command: name, payload: valid.value, guest };
  for (let attempt = 1; ; attempt++) {
    const planned = await planOrRefuse(input);
    if (!planned.ok) return planned;
    const { plan } = planned;
    const inserted = await insertPlanned(ctx, actor, name, clusterId, plan, internalParams);
    if (inserted) {
      ctx.feed.publish({ type: "operation", operation: inserted });
      ctx.log.info({ operationId: inserted.id, kind: inserted.kind, clusterId, vmid: plan.vmid, actor: actor.name }, "operation queued");
      return { ok: true, operationId: inserted.id };
    }
    const holder = await findActiveOperation(ctx.sql, clusterId, guest?.vmid ?? plan.vmid);
    // The new guest's VMID went to a request planned at the same moment: plan again, with the next free one.
    if (plan.targetVmid !== undefined && !(guest && holder) && attempt < REPLAN_ATTEMPTS) continue;
    const what = guest ? guest.name : `guest ${plan.vmid}`;
    return reject(
      "busy",
      holder ? `Busy: operation ${holder.kind} (${holder.id}) is in progress on ${what}.` : `Busy: ${what} has an operation in progress.`,
      holder ? { operationId: holder.id } : {},
    );
  }
}

const REPLAN_ATTEMPTS = 3;

async function planOrRefuse(input: Parameters<typeof planCommand>[0]): Promise<PlanResult> {
  try {
    return await planCommand(input);
  } catch (error) {
    // Planning asks Proxmox (free VMIDs, storages, node memory); its refusal or silence is the user's answer.
    if (error instanceof ProxmoxError) {
      return { ok: false, rejection: { code: "cluster_offline", message: `Proxmox did not answer while planning: ${error.pveMessage || error.message}` } };
    }
    throw error;
  }
}

/** One transaction: the operation row, its secrets, its job and the audit entry; null when a guest it needs is taken. */
async function insertPlanned(
  ctx: OperationContext,
  actor: Actor,
  name: CommandName,
  clusterId: string,
  plan: OperationPlan,
  internalParams: Record<string, unknown>,
): Promise<OperationRecord | null> {
  const now = ctx.now();
  return ctx.sql.transaction(async (tx) => {
    const op = await insertOperation(
      tx,
      {
        id: randomUUID(),
        kind: plan.kind,
        clusterId,
        vmid: plan.vmid,
        node: plan.node,
        guestType: plan.guestType,
        requestedBy: actor.name,
        params: { ...plan.params, ...internalParams, command: name },
        targetVmid: plan.targetVmid ?? null,
        targetNode: plan.targetNode ?? "",
        summary: plan.summary,
      },
      now,
    );
    if (!op) return null;
    if (plan.secrets) await storeDeploymentSecrets(tx, ctx.box, op.id, plan.secrets);
    await ctx.boss.send(queueFor(op.kind), { operationId: op.id }, { db: bossDb(tx) });
    await appendAudit(tx, auditRequested(actor, name, clusterId, plan.vmid, op.id, plan.summary), now);
    return op;
  });
}

function auditRequested(actor: Actor, command: CommandName, clusterId: string, vmid: number, operationId: string, summary: string) {
  return {
    actor: actor.name,
    action: command,
    target: `${clusterId}/${vmid}`,
    outcome: "requested",
    detail: { operationId, role: actor.role, summary },
  };
}
