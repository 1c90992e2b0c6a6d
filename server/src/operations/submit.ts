import { randomUUID } from "node:crypto";
import { commands, isCommandName, type CommandName } from "../../../shared/src/commands.ts";
import { roleAllows, type OperationKind, type Rejection } from "../../../shared/src/protocol.ts";
import { appendAudit } from "../db/audit.ts";
import { listClusters } from "../db/clusters.ts";
import { findGuest } from "../db/estate.ts";
import { findActiveOperation, insertOperation } from "../db/operations.ts";
import { bossDb } from "../jobs/boss.ts";
import type { GuestFacts } from "../sync/model.ts";
import type { Actor } from "./actor.ts";
import type { OperationContext } from "./context.ts";
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
export async function submitCommand(ctx: OperationContext, actor: Actor, name: unknown, payload: unknown): Promise<SubmitResult> {
  if (!isCommandName(name)) {
    return reject("unknown_command", `Unknown command ${JSON.stringify(String(name).slice(0, 64))}.`);
  }
  const command = commands[name];
  const valid = validatePayload(command.payload, payload);
  if (!valid.ok) return valid;
  if (!roleAllows(actor.role, command.role)) {
    return reject("forbidden", `${command.label} needs the ${command.role} role; you are ${actor.role}.`);
  }
  const { cluster: clusterId, vmid } = valid.value;
  const cluster = (await listClusters(ctx.sql)).find((c) => c.id === clusterId);
  if (!cluster || !ctx.clusters.get(clusterId)) return reject("not_found", `No cluster "${clusterId}".`);
  if (cluster.status === "offline") {
    return reject("cluster_offline", `Cluster ${cluster.name} is unreachable: ${cluster.lastError || "no answer"}.`);
  }
  const guest = await findGuest(ctx.sql, clusterId, vmid);
  if (!guest) return reject("not_found", `No guest ${vmid} in cluster ${cluster.name}.`);
  const refusal = precondition(command.operation, guest);
  if (refusal) return reject("invalid_state", refusal);

  const now = ctx.now();
  const inserted = await ctx.sql.transaction(async (tx) => {
    const op = await insertOperation(
      tx,
      {
        id: randomUUID(),
        kind: command.operation,
        clusterId,
        vmid,
        node: guest.node,
        guestType: guest.type,
        requestedBy: actor.name,
        params: {},
      },
      now,
    );
    if (!op) return null;
    await ctx.boss.send(queueFor(op.kind), { operationId: op.id }, { db: bossDb(tx) });
    await appendAudit(tx, auditRequested(actor, name, clusterId, vmid, op.id), now);
    return op;
  });
  if (!inserted) {
    const active = await findActiveOperation(ctx.sql, clusterId, vmid);
    return reject(
      "busy",
      active ? `Busy: operation ${active.kind} (${active.id}) is in progress on ${guest.name}.` : `Busy: ${guest.name} has an operation in progress.`,
      active ? { operationId: active.id } : {},
    );
  }
  ctx.feed.publish({ type: "operation", operation: inserted });
  ctx.log.info({ operationId: inserted.id, kind: inserted.kind, clusterId, vmid, actor: actor.name }, "operation queued");
  return { ok: true, operationId: inserted.id };
}

function precondition(kind: OperationKind, guest: GuestFacts): string | null {
  const who = `${guest.name} (${guest.vmid})`;
  if (guest.template) return `${who} is a template; templates cannot be started or stopped.`;
  if (guest.status === "unknown") return `The state of ${who} is unknown (its node may be offline); try again once it reports.`;
  if (kind === "start" && guest.status === "running") return `${who} is already running.`;
  if (kind !== "start" && guest.status !== "running") return `${who} is not running.`;
  return null;
}

function auditRequested(actor: Actor, command: CommandName, clusterId: string, vmid: number, operationId: string) {
  return {
    actor: actor.name,
    action: command,
    target: `${clusterId}/${vmid}`,
    outcome: "requested",
    detail: { operationId, role: actor.role },
  };
}
