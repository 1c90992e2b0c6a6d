import type { Job } from "pg-boss";
import { OPERATION_KINDS } from "../../../shared/src/protocol.ts";
import { appendAudit } from "../db/audit.ts";
import { finishOperation, getOperation, markRunning, recordProgress, type OperationRecord } from "../db/operations.ts";
import { ProxmoxError, TaskFailedError } from "../proxmox/index.ts";
import type { OperationContext } from "./context.ts";
import { HANDLERS } from "./handlers.ts";
import type { OperationOutcome } from "./outcome.ts";
import { OPERATION_QUEUE_OPTIONS, OPERATION_WORKER_OPTIONS, queueFor } from "./queues.ts";
import type { StepEnv } from "./task-step.ts";
import { holdOperation, LEASE_MS, type Lease } from "./lease.ts";

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
 * Runs one job to the operation's end. Safe to run twice: a finished operation is left alone, one that
 * another live worker runs is refused (and retried later), and a started one resumes from its recorded
 * Proxmox tasks instead of acting again.
 */
export async function runOperationJob(ctx: OperationContext, job: Job<OperationJob>): Promise<void> {
  const stored = await getOperation(ctx.sql, job.data.operationId);
  if (!stored || stored.state === "succeeded" || stored.state === "failed") return;
  const lease = await holdOperation(ctx, stored.id, job.signal);
  if (lease === "ended") return;
  if (lease === "held") {
    // Another worker holds it, alive or dead less than a lease ago (a crash): look again once the lease
    // could have lapsed, without spending this job's retries on the wait.
    await ctx.boss.send(queueFor(stored.kind), { operationId: stored.id }, { startAfter: Math.ceil(LEASE_MS / 1000) + 1 });
    ctx.log.info({ operationId: stored.id }, "operation held by another worker; looking again after its lease");
    return;
  }
  try {
    await runHeld(ctx, job, stored, lease);
  } finally {
    await lease.release();
  }
}

async function runHeld(ctx: OperationContext, job: Job<OperationJob>, stored: OperationRecord, lease: Lease): Promise<void> {
  const op = await markRunning(ctx.sql, stored.id, ctx.now());
  if (!op) return;
  ctx.feed.publish({ type: "operation", operation: op });

  const client = ctx.clusters.get(op.clusterId);
  if (!client) {
    await finishOperationRecorded(ctx, op, { state: "failed", message: "The cluster is no longer configured.", error: `no cluster ${op.clusterId}` });
    return;
  }
  const report = async (progress: number, message: string) => {
    const updated = await recordProgress(ctx.sql, op.id, progress, message);
    if (updated) ctx.feed.publish({ type: "operation", operation: updated });
  };
  // `resumed`: an earlier attempt got as far as marking the operation running, then stopped.
  const env: StepEnv = { ctx, client, op, report, signal: lease.signal, resumed: stored.state === "running" };
  const handler = HANDLERS[op.kind];
  let outcome: OperationOutcome;
  try {
    outcome = await handler.run(env);
  } catch (error) {
    if (lease.lost()) {
      ctx.log.warn({ operationId: op.id }, "another worker took the operation over; this one stands down");
      return;
    }
    const lastAttempt = job.retryCount >= OPERATION_QUEUE_OPTIONS.retryLimit;
    if (isTransient(error) && !lastAttempt) {
      ctx.log.warn({ operationId: op.id, err: describe(error), attempt: job.retryCount }, "operation will be retried");
      throw error;
    }
    outcome = { state: "failed", message: failureMessage(op, error), error: describe(error) };
    if (handler.cleanUp) outcome.message += await cleanUpAfterFailure(env, handler.cleanUp);
  }
  await finishOperationRecorded(ctx, op, outcome);
}

/**
 * Cleanup runs only after a final failure, never before a retry (it would undo work the retry resumes).
 * If the cleanup itself fails, the operation still ends, saying what may be left behind.
 */
async function cleanUpAfterFailure(env: StepEnv, cleanUp: (env: StepEnv) => Promise<string[]>): Promise<string> {
  try {
    const removed = await cleanUp(env);
    return removed.length > 0 ? ` Cleaned up: ${removed.join("; ")}.` : "";
  } catch (error) {
    env.ctx.log.error({ operationId: env.op.id, err: describe(error) }, "cleanup after a failed operation failed");
    return ` Cleanup failed (${describe(error)}): check for leftovers of operation ${env.op.id}.`;
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
        action: typeof op.params.command === "string" ? op.params.command : `operation.${op.kind}`,
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
  if (error instanceof TaskFailedError) {
    // Some tasks end with a generic status ("job errors", "migration aborted"); the reason is in the log.
    const reason = [...error.logTail].reverse().find((line) => /(^|\s)ERROR: /.test(line) && !line.startsWith("TASK ERROR"));
    return reason ? `Proxmox task for ${what} failed: ${reason.trim()}` : `Proxmox task for ${what} failed.`;
  }
  if (error instanceof ProxmoxError) return `Proxmox refused ${what}.`;
  return `${what} failed.`;
}
