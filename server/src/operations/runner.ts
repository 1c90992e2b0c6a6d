import type { Job } from "pg-boss";
import { OPERATION_KINDS } from "../../../shared/src/protocol.ts";
import { appendAudit } from "../db/audit.ts";
import { finishOperation, getOperation, markRunning, recordProgress, type OperationRecord } from "../db/operations.ts";
import { ProxmoxError, TaskFailedError } from "../proxmox/index.ts";
import type { OperationContext } from "./context.ts";
import { runPowerAction } from "./lifecycle.ts";
import type { OperationOutcome } from "./outcome.ts";
import { OPERATION_QUEUE_OPTIONS, OPERATION_WORKER_OPTIONS, queueFor } from "./queues.ts";

interface OperationJob {
  operationId: string;
}

export async function startOperationWorkers(ctx: OperationContext): Promise<void> {
  for (const kind of OPERATION_KINDS) {
    await ctx.boss.createQueue(queueFor(kind), OPERATION_QUEUE_OPTIONS);
    await ctx.boss.work<OperationJob>(queueFor(kind), OPERATION_WORKER_OPTIONS, async (jobs) => {
      for (const job of jobs) await runOperationJob(ctx, job);
    });
  }
}

/**
 * Runs one job to the operation's end. Safe to run twice: a finished operation is left alone,
 * and a started one resumes from its recorded Proxmox task instead of acting again.
 */
export async function runOperationJob(ctx: OperationContext, job: Job<OperationJob>): Promise<void> {
  const stored = await getOperation(ctx.sql, job.data.operationId);
  if (!stored || stored.state === "succeeded" || stored.state === "failed") return;
  const op = await markRunning(ctx.sql, stored.id, ctx.now());
  if (!op) return;
  ctx.feed.publish({ type: "operation", operation: op });

  let outcome: OperationOutcome;
  try {
    outcome = await execute(ctx, op, job.signal, stored.state === "running");
  } catch (error) {
    const lastAttempt = job.retryCount >= OPERATION_QUEUE_OPTIONS.retryLimit;
    if (isTransient(error) && !lastAttempt) {
      ctx.log.warn({ operationId: op.id, err: describe(error), attempt: job.retryCount }, "operation will be retried");
      throw error;
    }
    outcome = { state: "failed", message: failureMessage(op, error), error: describe(error) };
  }
  await finishOperationRecorded(ctx, op, outcome);
}

/** `resumed`: an earlier attempt got as far as marking the operation running, then stopped. */
async function execute(ctx: OperationContext, op: OperationRecord, signal: AbortSignal, resumed: boolean): Promise<OperationOutcome> {
  const client = ctx.clusters.get(op.clusterId);
  if (!client) return { state: "failed", message: "The cluster is no longer configured.", error: `no cluster ${op.clusterId}` };
  const report = async (progress: number, message: string) => {
    const updated = await recordProgress(ctx.sql, op.id, progress, message);
    if (updated) ctx.feed.publish({ type: "operation", operation: updated });
  };
  switch (op.kind) {
    case "start":
    case "stop":
    case "shutdown":
    case "reboot":
      return runPowerAction(ctx, client, op, report, signal, resumed);
  }
}

/** Ends the operation once, records it in the audit log and tells the world; false if it had ended already. */
export async function finishOperationRecorded(
  ctx: OperationContext,
  op: OperationRecord,
  outcome: OperationOutcome,
  resolvedBy = "worker",
): Promise<boolean> {
  const now = ctx.now();
  // One transaction: a crash between the two would leave an ended operation that no retry revisits
  // and that the audit log never mentions.
  const finished = await ctx.sql.transaction(async (tx) => {
    const ended = await finishOperation(tx, op.id, outcome, now);
    if (!ended) return null;
    await appendAudit(
      tx,
      {
        actor: op.requestedBy,
        action: `guest.${op.kind}`,
        target: `${op.clusterId}/${op.vmid}`,
        outcome: outcome.state,
        detail: { operationId: op.id, error: outcome.error, resolvedBy },
      },
      now,
    );
    return ended;
  });
  if (!finished) return false;
  ctx.feed.publish({ type: "operation", operation: finished });
  ctx.log.info({ operationId: op.id, state: outcome.state, error: outcome.error || undefined, resolvedBy }, "operation finished");
  return true;
}

/**
 * Worth another attempt: the cluster or network hiccuped; Proxmox did not say no. A read that failed
 * (following the task, looking for it) says nothing about the action, whatever its status: the next
 * attempt resumes from the recorded task instead of reporting a failure that did not happen.
 */
function isTransient(error: unknown): boolean {
  if (error instanceof TaskFailedError) return false;
  if (error instanceof ProxmoxError) {
    return error.retriable || ["unreachable", "timeout", "network"].includes(error.kind) || (error.status > 500 && error.status < 600);
  }
  return !(error instanceof Error && error.name === "AbortError");
}

function describe(error: unknown): string {
  if (error instanceof TaskFailedError) return error.exitstatus;
  if (error instanceof ProxmoxError) return error.pveMessage || error.reason || error.message;
  return error instanceof Error ? error.message : String(error);
}

function failureMessage(op: OperationRecord, error: unknown): string {
  const what = `${op.kind} of ${op.vmid}`;
  if (error instanceof TaskFailedError) return `Proxmox task for ${what} failed.`;
  if (error instanceof ProxmoxError) return `Proxmox refused ${what}.`;
  return `${what} failed.`;
}
