import { randomUUID } from "node:crypto";
import type { Express, Request } from "express";
import { integer, max, min, nullable, object, optional, pattern, size, string } from "superstruct";
import { ClusterId, StorageId, Vmid } from "../../../shared/src/commands.ts";
import type { AuthService } from "../auth/service.ts";
import { checkCron, nextRuns } from "../backups/cron.ts";
import { appendAudit } from "../db/audit.ts";
import { deleteBackupSchedule, insertBackupSchedule, listBackupSchedules } from "../db/backup-schedules.ts";
import { listClusters } from "../db/clusters.ts";
import type { OperationContext } from "../operations/context.ts";
import { requireRole, type AuthedRequest } from "./require-role.ts";
import { parseOr400, sendRejection } from "./respond.ts";

const NEXT_RUNS_SHOWN = 3;
const NewSchedule = object({
  cluster: ClusterId,
  vmid: optional(nullable(Vmid)),
  tag: optional(nullable(pattern(size(string(), 1, 64), /^[a-zA-Z0-9_][a-zA-Z0-9_.+-]*$/))),
  cron: size(string(), 9, 100),
  storage: optional(nullable(StorageId)),
  keepLast: max(min(integer(), 1), 365),
});

/** Scheduled backups per guest or per tag, with retention; the next runs are computed for the UI. */
export function registerScheduleRoutes(app: Express, ops: OperationContext, auth: AuthService): void {
  const operator = requireRole(auth, "operator");

  app.get("/api/backup-schedules", requireRole(auth, "viewer"), async (_req, res) => {
    const now = ops.now();
    const schedules = (await listBackupSchedules(ops.sql)).map((s) => ({
      id: s.id,
      cluster: s.clusterId,
      vmid: s.vmid,
      tag: s.tag,
      cron: s.cron,
      storage: s.storage,
      keepLast: s.keepLast,
      createdBy: s.createdBy,
      lastRunAt: s.lastRunAt?.getTime() ?? null,
      nextRuns: nextRuns(s.cron, now, NEXT_RUNS_SHOWN).map((d) => d.getTime()),
    }));
    res.json({ schedules });
  });

  app.post("/api/backup-schedules", operator, async (req, res) => {
    const body = parseOr400(res, NewSchedule, req.body);
    if (!body) return;
    const vmid = body.vmid ?? null;
    const tag = body.tag ?? null;
    if ((vmid === null) === (tag === null)) {
      return sendRejection(res, { code: "invalid_payload", message: "Give either a vmid or a tag.", fields: { vmid: "vmid or tag", tag: "vmid or tag" } });
    }
    const cron = checkCron(body.cron);
    if (!cron.ok) return sendRejection(res, { code: "invalid_payload", message: cron.message, fields: { cron: cron.message } });
    if (!(await listClusters(ops.sql)).some((c) => c.id === body.cluster)) {
      return sendRejection(res, { code: "not_found", message: `No cluster "${body.cluster}".` });
    }
    const actor = (req as unknown as AuthedRequest).actor;
    const id = randomUUID();
    const now = ops.now();
    await insertBackupSchedule(ops.sql, { id, clusterId: body.cluster, vmid, tag, cron: body.cron, storage: body.storage ?? null, keepLast: body.keepLast, createdBy: actor.name, createdAt: now });
    await appendAudit(ops.sql, { actor: actor.name, action: "backup-schedule.add", target: `${body.cluster}/${vmid ?? `tag:${tag}`}`, outcome: "succeeded", detail: { id, cron: body.cron, keepLast: body.keepLast } }, now);
    res.status(201).json({ id, nextRuns: nextRuns(body.cron, now, NEXT_RUNS_SHOWN).map((d) => d.getTime()) });
  });

  app.delete("/api/backup-schedules/:id", operator, async (req: Request<{ id: string }>, res) => {
    const id = req.params.id;
    if (!/^[0-9a-f-]{36}$/.test(id) || !(await deleteBackupSchedule(ops.sql, id))) {
      return sendRejection(res, { code: "not_found", message: "No such backup schedule." });
    }
    const actor = (req as unknown as AuthedRequest).actor;
    await appendAudit(ops.sql, { actor: actor.name, action: "backup-schedule.remove", target: id, outcome: "succeeded", detail: {} }, ops.now());
    res.status(204).end();
  });
}
