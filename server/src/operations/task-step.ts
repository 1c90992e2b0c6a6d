import { recordStep, upidsClaimedByOthers, type OperationRecord } from "../db/operations.ts";
import { followTask, type ProxmoxClient, type TaskOutcome } from "../proxmox/index.ts";
import type { OperationContext } from "./context.ts";
import type { ProgressReporter } from "./outcome.ts";
import { taskTypeFor, type GuestTaskName } from "./task-types.ts";

/** Proxmox's clock may differ from ours; a task this much "earlier" can still be the operation's. */
const CLOCK_SKEW_ALLOWANCE_S = 120;

/** One Proxmox task an operation runs, named so a retried job knows whether it already ran. */
export interface TaskStep {
  /** Key in the operation's recorded steps. */
  name: string;
  /** Where to look for the task after a crash, and what it is called there. */
  node: string;
  /** The id field of its UPID: the guest's VMID for guest tasks, `<vmid>@<storage>` for a volume delete, the file for a download. */
  taskId: string;
  taskType: string;
  /** Sends the request; resolves to the UPID Proxmox returned, or null when it finished synchronously. */
  start: () => Promise<string | null>;
  /** Typical duration, only to move a progress bar when the task log gives no percentage. */
  expectedSeconds: number;
  /** The share of the operation's progress bar this step covers. */
  span: [number, number];
}

/** Everything a step runner needs from the running job. */
export interface StepEnv {
  ctx: OperationContext;
  client: ProxmoxClient;
  op: OperationRecord;
  report: ProgressReporter;
  signal: AbortSignal;
  /** An earlier attempt of this job died after marking the operation running. */
  resumed: boolean;
}

/** A step whose task runs on the operation's own guest, named by its kind of task (vzsnapshot, qmsnapshot…). */
export function runGuestTask(
  env: StepEnv,
  step: Pick<TaskStep, "name" | "start" | "expectedSeconds" | "span"> & { task: GuestTaskName },
): Promise<TaskOutcome | null> {
  const { op } = env;
  return runTaskStep(env, { ...step, node: op.node, taskId: String(op.vmid), taskType: taskTypeFor(op.guestType, step.task) });
}

const PERCENT = /(\d{1,3}(?:\.\d+)?)\s?%/;

/**
 * Runs a step at most once across retries: a recorded UPID is followed again; after a crash between the
 * request and recording its UPID, a task of the same type on the same guest that began around the
 * operation's start and that no other operation claims is taken as this step's; only then is it started.
 */
export async function runTaskStep(env: StepEnv, step: TaskStep): Promise<TaskOutcome | null> {
  const { ctx, client, op } = env;
  let upid = op.steps[step.name] ?? (env.resumed ? await findStartedTask(ctx, client, op, step) : null);
  if (!upid) upid = await step.start();
  if (!upid) return null;
  if (op.steps[step.name] !== upid) op.steps = await recordStep(ctx.sql, op.id, step.name, upid);
  if (op.upid === null) op.upid = upid;

  const [from, to] = step.span;
  const began = ctx.now().getTime();
  return followTask(client, upid, {
    intervalMs: ctx.taskPollMs,
    signal: env.signal,
    onLog: (lines) => {
      const line = lines.at(-1) ?? "";
      const percent = PERCENT.exec(line);
      const fraction = percent ? Number(percent[1]) / 100 : (ctx.now().getTime() - began) / 1000 / step.expectedSeconds;
      void env.report(from + (to - from) * Math.min(0.95, Math.max(0, fraction)), line);
    },
  });
}

/** A task of this type on this guest that began around the operation's start and that nothing else claims. */
export async function findStartedTask(
  ctx: OperationContext,
  client: ProxmoxClient,
  op: OperationRecord,
  step: Pick<TaskStep, "node" | "taskId" | "taskType">,
): Promise<string | null> {
  const since = Math.floor((op.startedAt?.getTime() ?? op.createdAt.getTime()) / 1000) - CLOCK_SKEW_ALLOWANCE_S;
  const { tasks } = await client.nodeTasks(step.node, {
    // Proxmox filters by VMID only for guest ids; other tasks are matched on their id below.
    ...(/^[1-9]\d{2,8}$/.test(step.taskId) ? { vmid: Number(step.taskId) } : {}),
    typefilter: step.taskType,
    source: "all",
    since,
    limit: 100,
  });
  const candidates = tasks.filter((t) => t.starttime >= since && t.id === step.taskId).sort((a, b) => a.starttime - b.starttime);
  const claimed = await upidsClaimedByOthers(ctx.sql, op.id, candidates.map((t) => t.upid));
  return candidates.find((t) => !claimed.has(t.upid))?.upid ?? null;
}
