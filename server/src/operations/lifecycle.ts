import type { OperationKind } from "../../../shared/src/protocol.ts";
import { recordUpid, upidsClaimedByOthers, type OperationRecord } from "../db/operations.ts";
import type { Sql } from "../db/sql.ts";
import { followTask, parseUpid, type ProxmoxClient } from "../proxmox/index.ts";
import type { OperationContext } from "./context.ts";
import type { OperationOutcome, ProgressReporter } from "./outcome.ts";

type PowerAction = Extract<OperationKind, "start" | "stop" | "shutdown" | "reboot">;

/** Typical durations, only to move a progress bar: Proxmox reports no percentage for these tasks. */
const EXPECTED_SECONDS: Record<PowerAction, number> = { start: 3, stop: 2, shutdown: 8, reboot: 10 };

const TASK_TYPES: Record<"lxc" | "qemu", Record<PowerAction, string>> = {
  lxc: { start: "vzstart", stop: "vzstop", shutdown: "vzshutdown", reboot: "vzreboot" },
  qemu: { start: "qmstart", stop: "qmstop", shutdown: "qmshutdown", reboot: "qmreboot" },
};

/** The status a guest has once the action is done; a guest already there needs nothing. */
const SETTLED_STATUS: Partial<Record<PowerAction, "running" | "stopped">> = { start: "running", stop: "stopped", shutdown: "stopped" };

export async function runPowerAction(
  ctx: OperationContext,
  client: ProxmoxClient,
  op: OperationRecord,
  report: ProgressReporter,
  signal: AbortSignal,
  resumed: boolean,
): Promise<OperationOutcome> {
  const action = op.kind as PowerAction;
  // Only an attempt that follows a dead one looks for traces of it; a first attempt just acts.
  let upid = op.upid ?? (resumed ? await findStartedTask(ctx.sql, client, op) : null);
  if (!upid) {
    const settled = SETTLED_STATUS[action];
    if (settled && resumed) {
      const status = await client.guestStatus(op.node, op.guestType, op.vmid);
      if (status.status === settled) return { state: "succeeded", message: `Already ${settled}.`, error: "" };
    }
    upid = await client.guestPowerAction(op.node, op.guestType, op.vmid, action);
  }
  if (upid !== op.upid) await recordUpid(ctx.sql, op.id, upid);

  const started = parseUpid(upid).starttime * 1000;
  let lastLine = "";
  const result = await followTask(client, upid, {
    intervalMs: ctx.taskPollMs,
    signal,
    onLog: (lines) => {
      lastLine = lines.at(-1) ?? lastLine;
      const elapsed = (ctx.now().getTime() - started) / 1000;
      void report(Math.min(0.95, elapsed / EXPECTED_SECONDS[action]), lastLine);
    },
  });
  const message = result.exitstatus === "OK" ? `${action} finished` : `${action} finished with ${result.exitstatus}`;
  return { state: "succeeded", message, error: "" };
}

/** Proxmox's clock may differ from ours; a task this much "earlier" can still be the operation's. */
const CLOCK_SKEW_ALLOWANCE_S = 120;

/**
 * After a crash between sending the request and recording its UPID, the task may already exist.
 * Looking for it (same guest, same type, started around when the operation began, and not already
 * claimed by another operation) keeps a retried job from acting twice.
 */
export async function findStartedTask(sql: Sql, client: ProxmoxClient, op: OperationRecord): Promise<string | null> {
  const action = op.kind as PowerAction;
  const since = Math.floor((op.startedAt?.getTime() ?? op.createdAt.getTime()) / 1000) - CLOCK_SKEW_ALLOWANCE_S;
  const { tasks } = await client.nodeTasks(op.node, {
    vmid: op.vmid,
    typefilter: TASK_TYPES[op.guestType][action],
    source: "all",
    since,
    limit: 20,
  });
  const candidates = tasks.filter((t) => t.starttime >= since).sort((a, b) => a.starttime - b.starttime);
  const claimed = await upidsClaimedByOthers(sql, op.id, candidates.map((t) => t.upid));
  return candidates.find((t) => !claimed.has(t.upid))?.upid ?? null;
}
