import { randomUUID } from "node:crypto";
import { listStaleActiveOperations, recordUpid, type OperationRecord } from "../db/operations.ts";
import type { OperationContext } from "../operations/context.ts";
import { POWER_KINDS, type PowerKind } from "../../../shared/src/protocol.ts";
import type { OperationOutcome } from "../operations/outcome.ts";
import { queueFor } from "../operations/queues.ts";
import { finishOperationRecorded } from "../operations/runner.ts";
import { findStartedTask } from "../operations/task-step.ts";
import { taskTypeFor } from "../operations/task-types.ts";
import { ProxmoxError, type ProxmoxClient } from "../proxmox/index.ts";

/** Longer than a job's expiry plus its retries: an operation this old has no worker left. */
export const STUCK_AFTER_MS = 60 * 60_000;

export interface JanitorReport {
  checked: number;
  succeeded: number;
  failed: number;
  /** Still running in Proxmox, or the cluster did not answer: looked at again next time. */
  left: number;
  /** Multi-step operations handed to a new job, which resumes from their recorded steps. */
  resumed: number;
}

/**
 * The stuck-operation janitor (the original design's StuckTaskJanitor, done as a controller):
 * operations in flight past their deadline get the true outcome of their Proxmox task, or fail
 * with the reason; either way the guest is free again. Running it twice changes nothing more.
 */
export async function runJanitor(ctx: OperationContext, stuckAfterMs = STUCK_AFTER_MS): Promise<JanitorReport> {
  const stale = await listStaleActiveOperations(ctx.sql, new Date(ctx.now().getTime() - stuckAfterMs));
  const report: JanitorReport = { checked: stale.length, succeeded: 0, failed: 0, left: 0, resumed: 0 };
  for (const op of stale) {
    if (!isPowerKind(op.kind)) {
      report[await resumeIfIdle(ctx, op)]++;
      continue;
    }
    const outcome = await verdict(ctx, op);
    if (!outcome) {
      report.left++;
      continue;
    }
    if (await finishOperationRecorded(ctx, op, outcome, "janitor")) report[outcome.state]++;
  }
  if (report.checked > 0) {
    ctx.feed.publish({
      type: "event",
      id: randomUUID(),
      kind: "maintenance",
      severity: report.failed > 0 ? "warning" : "info",
      source: "janitor",
      message: `Janitor checked ${report.checked} stuck operation(s): ${report.succeeded} succeeded, ${report.failed} failed, ${report.resumed} resumed, ${report.left} still pending.`,
      clusterId: "",
      vmid: 0,
      at: ctx.now().getTime(),
    });
  }
  ctx.log.info({ ...report }, "janitor finished");
  return report;
}

async function verdict(ctx: OperationContext, op: OperationRecord): Promise<OperationOutcome | null> {
  const client = ctx.clusters.get(op.clusterId);
  if (!client) return failed("The cluster is no longer configured.", `no cluster ${op.clusterId}`);
  try {
    const taskType = taskTypeFor(op.guestType, op.kind as PowerKind);
    const upid = op.upid ?? (await findStartedTask(ctx, client, op, { node: op.node, taskId: String(op.vmid), taskType }));
    if (!upid) return failed("Abandoned: the worker stopped before Proxmox started a task.", "no Proxmox task was started");
    if (!op.upid) await recordUpid(ctx.sql, op.id, upid);
    return await taskVerdict(client, op, upid);
  } catch (error) {
    if (error instanceof ProxmoxError && error.retriable) return null;
    throw error;
  }
}

async function taskVerdict(client: ProxmoxClient, op: OperationRecord, upid: string): Promise<OperationOutcome | null> {
  try {
    const status = await client.taskStatus(op.node, upid);
    if (status.status === "running") return null;
    const exit = status.exitstatus ?? "unknown";
    return exit === "OK" || exit.startsWith("WARNINGS")
      ? { state: "succeeded", message: `${op.kind} finished (found by the janitor)`, error: "" }
      : failed("The Proxmox task failed (found by the janitor).", exit);
  } catch (error) {
    if (error instanceof ProxmoxError && (error.kind === "validation" || error.kind === "not_found")) {
      return failed("Proxmox has no record of the operation's task.", error.pveMessage || error.message);
    }
    throw error;
  }
}

function failed(message: string, error: string): OperationOutcome {
  return { state: "failed", message, error };
}

const isPowerKind = (kind: string): kind is PowerKind => (POWER_KINDS as readonly string[]).includes(kind);

/**
 * A multi-step operation's outcome is not its current task's (a clone's snapshot succeeding says nothing of
 * the clone), and a failure still owes its cleanup: once no task of it runs, a fresh job resumes it from
 * its recorded steps and finishes it, cleanup included.
 */
async function resumeIfIdle(ctx: OperationContext, op: OperationRecord): Promise<"resumed" | "left"> {
  const client = ctx.clusters.get(op.clusterId);
  if (client && op.upid) {
    try {
      const status = await client.taskStatus(op.node, op.upid);
      if (status.status === "running") return "left";
    } catch (error) {
      if (error instanceof ProxmoxError && error.retriable) return "left";
      if (!(error instanceof ProxmoxError)) throw error;
    }
  }
  await ctx.boss.send(queueFor(op.kind), { operationId: op.id });
  return "resumed";
}
