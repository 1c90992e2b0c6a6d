import { randomUUID } from "node:crypto";
import { clearAlert, listOpenAlerts, raiseAlert } from "../db/alerts.ts";
import { loadKnownEstate, writeEstateChanges } from "../db/estate.ts";
import type { OperationContext } from "../operations/context.ts";
import { finishOperationRecorded } from "../operations/runner.ts";
import { ProxmoxError } from "../proxmox/index.ts";
import { listActiveOperations, type OperationRecord } from "../db/operations.ts";
import { diffEstate } from "../sync/diff.ts";
import { hasChanges, type ObservedEstate } from "../sync/model.ts";
import { observeEstate } from "../sync/observe.ts";

export interface ReconcileReport {
  clusters: number;
  unreachable: string[];
  rowsAdded: number;
  rowsUpdated: number;
  rowsPurged: number;
  operationsReleased: number;
  alertsRaised: number;
  alertsCleared: number;
}

/**
 * The reconciler (the original design's ReconciliationService, as a level-triggered controller):
 * compares what Postgres holds with what each cluster reports, fixes what is safe to fix (rows,
 * operations whose guest is gone) and raises an alert for what a person must decide. It never
 * changes anything in Proxmox. Running it twice changes nothing the second time.
 */
export async function runReconciler(ctx: OperationContext): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    clusters: 0,
    unreachable: [],
    rowsAdded: 0,
    rowsUpdated: 0,
    rowsPurged: 0,
    operationsReleased: 0,
    alertsRaised: 0,
    alertsCleared: 0,
  };
  for (const clusterId of ctx.clusters.ids()) {
    const client = ctx.clusters.get(clusterId)!;
    let observed: ObservedEstate;
    try {
      const [resources, tasks] = await Promise.all([client.clusterResources(), client.clusterTasks()]);
      observed = observeEstate(resources, tasks);
    } catch (error) {
      if (error instanceof ProxmoxError) {
        report.unreachable.push(clusterId);
        continue;
      }
      throw error;
    }
    report.clusters++;
    await reconcileRows(ctx, clusterId, observed, report);
    await releaseOperations(ctx, clusterId, observed, report);
    await reconcileAlerts(ctx, clusterId, observed, report);
  }
  announce(ctx, report);
  return report;
}

async function reconcileRows(ctx: OperationContext, clusterId: string, observed: ObservedEstate, report: ReconcileReport) {
  const known = await loadKnownEstate(ctx.sql, clusterId);
  const changes = diffEstate(clusterId, known, observed);
  if (!hasChanges(changes)) return;
  await ctx.sql.transaction((tx) => writeEstateChanges(tx, clusterId, changes));
  report.rowsAdded += changes.guestsUpserted.filter((g) => !known.guests.has(g.vmid)).length;
  report.rowsUpdated += changes.guestsUpserted.filter((g) => known.guests.has(g.vmid)).length;
  report.rowsPurged += changes.guestsRemoved.length;
  ctx.feed.publish({ type: "estate.rewritten", clusterId });
}

/**
 * An operation on a guest that is gone cannot finish. Not so for those whose guest is meant to be absent:
 * one that creates it (deploy, restore into a new VMID) or removes it (delete, or deleting a backup of a
 * deleted guest); their own job or the janitor ends them.
 */
function needsItsGuest(op: OperationRecord): boolean {
  return op.targetVmid !== op.vmid && op.kind !== "delete" && op.kind !== "backup_delete";
}

async function releaseOperations(ctx: OperationContext, clusterId: string, observed: ObservedEstate, report: ReconcileReport) {
  const present = new Set(observed.guests.map((g) => g.vmid));
  for (const op of await listActiveOperations(ctx.sql, clusterId)) {
    if (present.has(op.vmid) || !needsItsGuest(op)) continue;
    const outcome = { state: "failed" as const, message: "The guest no longer exists in Proxmox.", error: `guest ${op.vmid} not found` };
    if (await finishOperationRecorded(ctx, op, outcome, "reconciler")) report.operationsReleased++;
  }
}

/** Locks are held only while a task runs; one without a task needs a person (`pct unlock`). */
async function reconcileAlerts(ctx: OperationContext, clusterId: string, observed: ObservedEstate, report: ReconcileReport) {
  const now = ctx.now();
  const wanted = new Map<string, { vmid: number; kind: string; message: string }>();
  // A Proximity operation in flight accounts for its guests' locks, between its tasks too.
  const busy = new Set((await listActiveOperations(ctx.sql, clusterId)).flatMap((op) => [op.vmid, op.targetVmid ?? op.vmid]));
  for (const g of observed.guests) {
    if (!g.lock || g.externalTask || g.lock === "mounted" || busy.has(g.vmid)) continue;
    const tool = g.type === "lxc" ? "pct" : "qm";
    wanted.set(`stale-lock:${clusterId}/${g.vmid}`, {
      vmid: g.vmid,
      kind: "stale-lock",
      message: `${g.name} (${g.vmid}) on ${g.node} is locked (${g.lock}) but no Proxmox task is running on it. If nothing is in progress, run "${tool} unlock ${g.vmid}" on ${g.node}.`,
    });
  }
  for (const [id, alert] of wanted) {
    if (await raiseAlert(ctx.sql, { id, clusterId, ...alert }, now)) {
      report.alertsRaised++;
      publishEvent(ctx, { id, kind: "alert", severity: "warning", message: alert.message, clusterId, vmid: alert.vmid });
    }
  }
  for (const open of await listOpenAlerts(ctx.sql, clusterId)) {
    if (wanted.has(open.id)) continue;
    await clearAlert(ctx.sql, open.id, now);
    ctx.feed.publish({ type: "event.cleared", id: open.id });
    report.alertsCleared++;
  }
}

function announce(ctx: OperationContext, r: ReconcileReport) {
  const fixed = r.rowsAdded + r.rowsUpdated + r.rowsPurged + r.operationsReleased;
  const severity = r.unreachable.length > 0 || r.alertsRaised > 0 ? "warning" : "info";
  const parts = [
    `${r.clusters} cluster(s) checked`,
    fixed > 0 ? `${r.rowsAdded} added, ${r.rowsUpdated} updated, ${r.rowsPurged} purged, ${r.operationsReleased} operation(s) released` : "nothing to fix",
    `${r.alertsRaised} new alert(s), ${r.alertsCleared} cleared`,
  ];
  if (r.unreachable.length > 0) parts.push(`unreachable: ${r.unreachable.join(", ")}`);
  publishEvent(ctx, { id: randomUUID(), kind: "maintenance", severity, message: `Reconciler: ${parts.join("; ")}.`, clusterId: "", vmid: 0 });
  ctx.log.info({ ...r }, "reconciler finished");
}

function publishEvent(
  ctx: OperationContext,
  e: { id: string; kind: "maintenance" | "alert"; severity: "info" | "warning"; message: string; clusterId: string; vmid: number },
) {
  ctx.feed.publish({ type: "event", source: "reconciler", at: ctx.now().getTime(), ...e });
}
