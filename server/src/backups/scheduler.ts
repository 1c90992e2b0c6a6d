import { claimScheduleRun, listBackupSchedules, type BackupSchedule } from "../db/backup-schedules.ts";
import type { OperationContext } from "../operations/context.ts";
import { submitCommand } from "../operations/submit.ts";
import { dueRun } from "./cron.ts";

export const BACKUP_SCHEDULER_QUEUE = "backups.scheduler";
/** The scheduler looks every minute, the finest step a five-field cron has. */
const SCHEDULER_CRON = "* * * * *";

/** The scheduled runs are their own actor in the audit log, with the operator role backups need. */
const SCHEDULER_ACTOR = { id: "scheduler", name: "backup-scheduler", role: "operator" as const };

export interface SchedulerPass {
  due: number;
  queued: number;
  refused: Array<{ schedule: string; vmid: number; reason: string }>;
}

/** One pass: every schedule whose next run is due backs up its guests, once, cluster-wide (pg-boss singleton). */
export async function runBackupScheduler(ctx: OperationContext): Promise<SchedulerPass> {
  const pass: SchedulerPass = { due: 0, queued: 0, refused: [] };
  const now = ctx.now();
  for (const schedule of await listBackupSchedules(ctx.sql)) {
    const due = dueRun(schedule.cron, schedule.lastRunAt ?? schedule.createdAt, now);
    if (!due || !(await claimScheduleRun(ctx.sql, schedule.id, schedule.lastRunAt, due))) continue;
    pass.due++;
    for (const vmid of await selectedGuests(ctx, schedule)) {
      const payload = { cluster: schedule.clusterId, vmid, ...(schedule.storage ? { storage: schedule.storage } : {}) };
      const result = await submitCommand(ctx, SCHEDULER_ACTOR, "guest.backup", payload, { keepLast: schedule.keepLast, scheduleId: schedule.id });
      if (result.ok) pass.queued++;
      else pass.refused.push({ schedule: schedule.id, vmid, reason: result.rejection.message });
    }
  }
  if (pass.due > 0) ctx.log.info({ ...pass }, "scheduled backups queued");
  return pass;
}

async function selectedGuests(ctx: OperationContext, schedule: BackupSchedule): Promise<number[]> {
  if (schedule.vmid !== null) return [schedule.vmid];
  // Proxmox keeps tags as one ';'-separated string.
  const { rows } = await ctx.sql.query<{ vmid: number }>(
    "SELECT vmid FROM guests WHERE cluster_id = $1 AND $2 = ANY(string_to_array(tags, ';')) AND NOT template ORDER BY vmid",
    [schedule.clusterId, schedule.tag],
  );
  return rows.map((r) => r.vmid);
}

export async function startBackupScheduler(ctx: OperationContext): Promise<void> {
  await ctx.boss.createQueue(BACKUP_SCHEDULER_QUEUE, { policy: "singleton", retryLimit: 1, expireInSeconds: 300 });
  await ctx.boss.work(BACKUP_SCHEDULER_QUEUE, { pollingIntervalSeconds: 5 }, async () => {
    await runBackupScheduler(ctx);
  });
  await ctx.boss.schedule(BACKUP_SCHEDULER_QUEUE, SCHEDULER_CRON, {}, { tz: "UTC" });
}
