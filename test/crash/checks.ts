import type { OperationState } from "../../shared/src/protocol.ts";
import type { TaskInfo } from "../../server/src/simulator/index.ts";
import { taskSucceeded, type EndedOperation, type OperationFacts, type Submission, type World } from "./operation-kinds.ts";

/** An operation as the database holds it. */
export interface OperationRow extends OperationFacts {
  state: OperationState;
}

/** What the test submitted in one round, and what the simulator looked like just before. */
export interface Round {
  submitted: { id: string; submission: Submission }[];
  guestIdsBefore: Set<number>;
  /** UPIDs of Proximity's tasks that existed before the round: not this round's doing. */
  earlierUpids: Set<string>;
}

export interface Evidence {
  /** The operations read back from the server (HTTP) and the database, by id. */
  http: Map<string, { state: string; error: string | null } | null>;
  rows: Map<string, OperationRow>;
  /** Terminal audit entries per operation id. */
  terminalAudits: Map<string, number>;
  /** Every task in the simulator owned by Proximity's API token. */
  proximityTasks: TaskInfo[];
  world: World;
}

const describeSubmission = (s: Submission, id: string) => `${s.kind} ${s.guest?.vmid ?? "new"} (${id})`;

/** The tasks of this round that belong to the operation, by its declared task rules. */
export function tasksOf(submission: Submission, op: OperationFacts, tasks: TaskInfo[]): TaskInfo[] {
  return tasks.filter((t) => submission.tasks.some((rule) => rule.type === t.type && rule.mine(t, op)));
}

/**
 * Every way the round's outcome can be wrong after a crash: an operation lost or unfinished, a task run
 * twice or out of order, a task nobody accounts for or two operations claim, a step run but never
 * recorded, an outcome the simulator contradicts, an error that is not Proxmox's own words, debris after
 * a failure, a guest that appeared or vanished, an operation ended twice.
 */
export function findProblems(round: Round, evidence: Evidence): string[] {
  const problems: string[] = [];
  const fresh = evidence.proximityTasks.filter((t) => !round.earlierUpids.has(t.upid));
  const claims = new Map<string, string[]>();
  let expectedIds = new Set(round.guestIdsBefore);

  for (const { id, submission } of round.submitted) {
    const label = describeSubmission(submission, id);
    const http = evidence.http.get(id);
    const stored = evidence.rows.get(id);
    if (!http || !stored) {
      problems.push(`${label}: lost (the server does not know it)`);
      continue;
    }
    if (stored.state !== "succeeded" && stored.state !== "failed") {
      problems.push(`${label}: still ${stored.state}`);
      continue;
    }
    const op: EndedOperation = { ...stored, state: stored.state };
    if (http.state !== op.state || (http.error ?? "") !== op.error) {
      problems.push(`${label}: HTTP says ${http.state}/${http.error}, the database ${op.state}/${op.error}`);
    }
    const audits = evidence.terminalAudits.get(id) ?? 0;
    if (audits !== 1) problems.push(`${label}: ${audits} terminal audit entries (expected 1)`);

    const tasks = tasksOf(submission, op, fresh);
    for (const t of tasks) claims.set(t.upid, [...(claims.get(t.upid) ?? []), label]);
    problems.push(...taskProblems(submission, op, tasks).map((p) => `${label}: ${p}`));
    problems.push(...submission.verify(op, evidence.world, tasks).map((p) => `${label}: ${p}`));
    expectedIds = submission.expectGuestIds(expectedIds, op);
  }

  for (const t of fresh) {
    const by = claims.get(t.upid) ?? [];
    if (by.length === 0) problems.push(`orphan task ${t.type} on ${t.id} (${t.upid}): no operation of this round accounts for it`);
    if (by.length > 1) problems.push(`task ${t.type} on ${t.id} claimed by ${by.join(" and ")}`);
  }
  const ids = new Set(evidence.world.sim.listGuests().map((g) => g.vmid));
  const missing = [...expectedIds].filter((v) => !ids.has(v));
  const extra = [...ids].filter((v) => !expectedIds.has(v));
  if (missing.length > 0) problems.push(`guests gone from the simulator: ${missing.join(", ")}`);
  if (extra.length > 0) problems.push(`unexpected guests in the simulator: ${extra.join(", ")}`);
  return problems;
}

/** The operation's tasks against its declared sequence, its recorded steps and its outcome. */
function taskProblems(submission: Submission, op: EndedOperation, tasks: TaskInfo[]): string[] {
  const problems: string[] = [];
  const rules = submission.tasks;
  const byType = new Map<string, TaskInfo[]>();
  for (const t of tasks) byType.set(t.type, [...(byType.get(t.type) ?? []), t]);
  for (const [type, runs] of byType) if (runs.length > 1) problems.push(`ran ${type} ${runs.length} times (${runs.map((t) => t.upid).join(", ")})`);

  const order = rules.filter((r) => !r.cleanup).map((r) => r.type);
  const steps = tasks.filter((t) => order.includes(t.type));
  for (const a of steps) {
    for (const b of steps) {
      if (order.indexOf(a.type) < order.indexOf(b.type) && a.starttime > b.starttime) problems.push(`ran ${b.type} before ${a.type}`);
    }
  }

  const recorded = new Set([...Object.values(op.steps), ...(op.upid ? [op.upid] : [])]);
  const own = new Set(tasks.map((t) => t.upid));
  for (const [step, upid] of Object.entries(op.steps)) if (!own.has(upid)) problems.push(`records step ${step} as ${upid}, a task it did not run this round`);
  if (op.upid && !own.has(op.upid)) problems.push(`records task ${op.upid}, a task it did not run this round`);
  for (const t of tasks) if (!recorded.has(t.upid)) problems.push(`ran ${t.type} (${t.upid}) but never recorded it`);
  for (const t of tasks) if (t.status === "running") problems.push(`ended ${op.state} while its ${t.type} task still runs`);

  const cleanupTypes = new Set(rules.filter((r) => r.cleanup).map((r) => r.type));
  const final = byType.get(submission.finalStep)?.[0];
  if (op.state === "succeeded") {
    for (const t of tasks) {
      if (cleanupTypes.has(t.type)) problems.push(`succeeded, yet ran the cleanup task ${t.type}`);
      else if (t.status === "stopped" && !taskSucceeded(t)) problems.push(`succeeded, but its ${t.type} task ended ${t.exitstatus}`);
    }
    for (const r of rules) if (r.required && !byType.has(r.type)) problems.push(`succeeded without running ${r.type}`);
  } else {
    if (!op.error) problems.push("failed without a reason");
    const failedSteps = tasks.filter((t) => !cleanupTypes.has(t.type) && t.status === "stopped" && !taskSucceeded(t));
    // A final step that also cleans up (a clone's snapshot removal) runs and succeeds after an earlier step failed.
    if (final && taskSucceeded(final) && failedSteps.length === 0) problems.push(`failed (${op.error}), but its ${final.type} task ended ${final.exitstatus}`);
    if (failedSteps.length > 0 && !failedSteps.some((t) => t.exitstatus === op.error)) {
      problems.push(`failed with "${op.error}" instead of Proxmox's "${failedSteps.map((t) => t.exitstatus).join('" or "')}"`);
    }
  }
  return problems;
}

/** Where an operation was when the server died, for the summary. */
export type KillPhase = "queued" | "before request" | "request in flight" | "task running" | "between tasks" | "finished";

export function killPhase(
  atDeath: { state: string } | undefined,
  mine: (t: TaskInfo) => boolean,
  tasksAtKill: TaskInfo[],
  tasksBeforeRestart: TaskInfo[],
): KillPhase {
  if (!atDeath || atDeath.state === "queued") return "queued";
  if (atDeath.state === "succeeded" || atDeath.state === "failed") return "finished";
  const atKill = tasksAtKill.filter(mine);
  if (atKill.some((t) => t.status === "running")) return "task running";
  if (tasksBeforeRestart.filter(mine).length > atKill.length) return "request in flight";
  return atKill.length > 0 ? "between tasks" : "before request";
}
