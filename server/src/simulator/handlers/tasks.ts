/** /nodes/{node}/tasks… (pve-manager PVE/API2/Tasks.pm). */
import { paramError } from "../errors.ts";
import type { TaskRecord } from "../tasks.ts";
import { decodeUpid, splitTaskUser } from "../upid.ts";
import { flag, optNum, optStr, requirePrincipal, str, type HandlerContext, type Reply } from "./context.ts";

type Entry = Record<string, string | number>;

function identity(t: TaskRecord): Entry {
  const { user, tokenid } = splitTaskUser(t.user);
  const entry: Entry = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user };
  if (tokenid) entry.tokenid = tokenid;
  return entry;
}

/** /cluster/tasks: running entries keep pid, finished ones carry endtime+status; pstart is stripped. */
export function clusterTaskEntry(t: TaskRecord): Entry {
  const { pstart: _pstart, pid, ...rest } = identity(t);
  if (t.status === "running") return { ...rest, pid: pid as number };
  return { ...rest, endtime: t.endtime ?? t.starttime, status: t.exitstatus ?? "unknown" };
}

function nodeTaskEntry(t: TaskRecord): Entry {
  if (t.status === "running") return { ...identity(t), status: "RUNNING" };
  return { ...identity(t), endtime: t.endtime ?? t.starttime, status: t.exitstatus ?? "unknown" };
}

function statusClass(exit: string | undefined): string {
  if (exit === undefined) return "unknown";
  if (exit === "OK") return "ok";
  if (exit.startsWith("WARNINGS")) return "warning";
  return "error";
}

export function listNodeTasks(ctx: HandlerContext): Reply {
  const source = optStr(ctx, "source") ?? "archive";
  const { running, finished } = ctx.cluster.tasks.forNode(str(ctx, "node"));
  let tasks = source === "archive" ? finished : source === "active" ? running : [...running, ...finished];
  const vmid = optNum(ctx, "vmid");
  const type = optStr(ctx, "typefilter");
  const user = optStr(ctx, "userfilter")?.toLowerCase();
  const since = optNum(ctx, "since");
  const until = optNum(ctx, "until");
  const statuses = optStr(ctx, "statusfilter")?.split(/[,;\s]+/).filter(Boolean);
  const errorsOnly = flag(ctx, "errors");
  tasks = tasks.filter((t) => {
    if (vmid !== undefined && t.id !== String(vmid)) return false;
    if (type && t.type !== type) return false;
    if (user && !t.user.toLowerCase().includes(user)) return false;
    if (since !== undefined && t.starttime < since) return false;
    if (until !== undefined && t.starttime > until) return false;
    if (t.status === "stopped" && errorsOnly && statusClass(t.exitstatus) !== "error") return false;
    if (t.status === "stopped" && statuses && !statuses.includes(statusClass(t.exitstatus))) return false;
    return true;
  });
  const start = optNum(ctx, "start") ?? 0;
  const limit = optNum(ctx, "limit") ?? 50;
  const page = limit === 0 ? tasks.slice(start) : tasks.slice(start, start + limit);
  return { data: page.map(nodeTaskEntry), total: tasks.length };
}

/** Finds a task of the URL's node; PVE answers 400 on an unparsable or unknown UPID. */
function findTask(ctx: HandlerContext): TaskRecord {
  const upid = str(ctx, "upid");
  const parts = decodeUpid(upid);
  if (!parts) throw paramError({ upid: `unable to parse worker upid '${upid}'` });
  const task = ctx.cluster.tasks.get(upid);
  if (!task || parts.node !== str(ctx, "node")) throw paramError({ upid: "no such task" });
  return task;
}

export function taskIndex(ctx: HandlerContext): Reply {
  findTask(ctx);
  return { data: [{ name: "log" }, { name: "status" }] };
}

export function taskStatus(ctx: HandlerContext): Reply {
  const t = findTask(ctx);
  const entry: Entry = { ...identity(t), status: t.status };
  if (t.status === "stopped") entry.exitstatus = t.exitstatus ?? "unknown";
  return { data: entry };
}

/** Lines are numbered from 1 across the whole log; total counts every line (Tools.pm dump_logfile). */
export function taskLog(ctx: HandlerContext): Reply {
  const t = findTask(ctx);
  if (t.lines.length === 0) return { data: [{ n: 1, t: "no content" }], total: 1 };
  const start = optNum(ctx, "start") ?? 0;
  const limit = optNum(ctx, "limit") ?? 50;
  const end = limit === 0 ? t.lines.length : start + limit;
  const data = t.lines.slice(start, end).map((line, i) => ({ n: start + i + 1, t: line }));
  return { data, total: t.lines.length };
}

/** Stopping someone else's task needs Sys.Modify on the node. */
export function stopTask(ctx: HandlerContext): Reply {
  const t = findTask(ctx);
  const principal = requirePrincipal(ctx);
  const owner = splitTaskUser(t.user);
  const own = owner.user === principal.userid && (owner.tokenid ?? undefined) === principal.tokenName;
  if (!own) ctx.auth.checkPermission(principal, `/nodes/${str(ctx, "node")}`, ["Sys.Modify"]);
  ctx.cluster.tasks.stop(t.upid);
  return { data: null };
}
