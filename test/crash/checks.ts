import type { OperationState } from "../../shared/src/protocol.ts";
import type { GuestInfo, SimulatorModel, TaskInfo } from "../../server/src/simulator/index.ts";
import type { CrashKind, EndedOperation } from "./operation-kinds.ts";

/** An operation as the database holds it. */
export interface OperationRow extends Omit<EndedOperation, "state"> {
  state: OperationState;
}

/** What the test submitted in one round, and what the simulator looked like just before. */
export interface Round {
  submitted: { id: string; crashKind: CrashKind; before: GuestInfo }[];
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
  sim: SimulatorModel;
}

const TASK_SUCCEEDED = (exit: string | undefined) => exit === "OK" || Boolean(exit?.startsWith("WARNINGS"));

/**
 * Every way the round's outcome can be wrong after a crash: an operation lost or unfinished, a guest
 * acted on twice, a task nobody accounts for, an outcome the simulator contradicts, an error that is
 * not Proxmox's own words, a guest that appeared or vanished, an operation ended twice.
 */
export function findProblems(round: Round, evidence: Evidence): string[] {
  const problems: string[] = [];
  const fresh = evidence.proximityTasks.filter((t) => !round.earlierUpids.has(t.upid));
  const accounted = new Set<string>();
  let expectedIds = new Set(round.guestIdsBefore);

  for (const { id, crashKind, before } of round.submitted) {
    const label = `${crashKind.kind} ${before.vmid} (${id})`;
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
    const row: EndedOperation = { ...stored, state: stored.state };
    if (http.state !== row.state || (http.error ?? "") !== row.error) {
      problems.push(`${label}: HTTP says ${http.state}/${http.error}, the database ${row.state}/${row.error}`);
    }
    const audits = evidence.terminalAudits.get(id) ?? 0;
    if (audits !== 1) problems.push(`${label}: ${audits} terminal audit entries (expected 1)`);

    const tasks = fresh.filter((t) => t.id === String(before.vmid));
    for (const t of tasks) accounted.add(t.upid);
    if (tasks.length > 1) problems.push(`${label}: acted ${tasks.length} times (${tasks.map((t) => t.type).join(", ")})`);
    const task = tasks[0];
    if (task && task.type !== crashKind.taskType(before)) problems.push(`${label}: started a ${task.type} task`);
    if (task && row.upid !== task.upid) problems.push(`${label}: records task ${row.upid}, but Proxmox ran ${task.upid}`);
    if (!task && row.upid) problems.push(`${label}: records task ${row.upid} that this round never ran`);
    if (task?.status === "running") problems.push(`${label}: ended ${row.state} while its task still runs`);

    if (row.state === "succeeded" && task && !TASK_SUCCEEDED(task.exitstatus)) {
      problems.push(`${label}: succeeded, but its task ended ${task.exitstatus}`);
    }
    if (row.state === "failed") {
      if (!row.error) problems.push(`${label}: failed without a reason`);
      if (task && TASK_SUCCEEDED(task.exitstatus)) problems.push(`${label}: failed (${row.error}), but its task ended ${task.exitstatus}`);
      if (task && task.status === "stopped" && !TASK_SUCCEEDED(task.exitstatus) && row.error !== task.exitstatus) {
        problems.push(`${label}: failed with "${row.error}" instead of Proxmox's "${task.exitstatus}"`);
      }
    }
    problems.push(...crashKind.verify(row, before, evidence.sim).map((p) => `${label}: ${p}`));
    expectedIds = crashKind.expectGuestIds(expectedIds, row, before);
  }

  for (const t of fresh) if (!accounted.has(t.upid)) problems.push(`orphan task ${t.type} on ${t.id}: no operation of this round accounts for it`);
  const ids = new Set(evidence.sim.listGuests().map((g) => g.vmid));
  const missing = [...expectedIds].filter((v) => !ids.has(v));
  const extra = [...ids].filter((v) => !expectedIds.has(v));
  if (missing.length > 0) problems.push(`guests gone from the simulator: ${missing.join(", ")}`);
  if (extra.length > 0) problems.push(`unexpected guests in the simulator: ${extra.join(", ")}`);
  return problems;
}

/** Where an operation was when the server died, for the summary. */
export type KillPhase = "queued" | "before request" | "request in flight" | "task running" | "task ended, operation not yet" | "finished";

export function killPhase(
  atDeath: { state: string; upid: string | null } | undefined,
  vmid: number,
  tasksAtKill: TaskInfo[],
  tasksBeforeRestart: TaskInfo[],
  earlierUpids: Set<string>,
): KillPhase {
  if (!atDeath || atDeath.state === "queued") return "queued";
  if (atDeath.state === "succeeded" || atDeath.state === "failed") return "finished";
  const mine = (t: TaskInfo) => t.id === String(vmid) && !earlierUpids.has(t.upid);
  const atKill = tasksAtKill.find(mine);
  if (atKill) return atKill.status === "running" ? "task running" : "task ended, operation not yet";
  return tasksBeforeRestart.some(mine) ? "request in flight" : "before request";
}
