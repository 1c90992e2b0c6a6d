/**
 * POST /nodes/{node}/vzdump (pve-manager VZDump.pm): one `vzdump` task backs up the listed guests
 * of this node in turn, each holding lock `backup` meanwhile. A guest that cannot be backed up is
 * logged as `ERROR: Backup of VM n failed - …` and the task ends with `job errors`.
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import type { GuestState, StorageState } from "../state.ts";
import type { TaskWorker, WorkerLog } from "../tasks.ts";
import type { Params } from "../validate.ts";
import { guestImage } from "../estate.ts";
import { GiB, durationFor, fileStamp, hms, lockError, logStamp, releaseLock, requireStorage, setLock } from "./common.ts";
import { volumePath } from "./paths.ts";

const COMPRESSION: Record<string, { ext: string; ratio: number }> = {
  "0": { ext: "", ratio: 1 },
  "1": { ext: "lzo", ratio: 0.6 },
  lzo: { ext: "lzo", ratio: 0.6 },
  gzip: { ext: "gz", ratio: 0.5 },
  zstd: { ext: "zst", ratio: 0.45 },
};

export interface VzdumpRequest {
  node: string;
  params: Params;
  taskUser: string;
}

interface Job {
  vmid: number;
  guest?: GuestState;
  error?: string;
  durationMs: number;
}

export function vzdump(cluster: Cluster, req: VzdumpRequest): string {
  const { node, params } = req;
  const storageId = String(params.storage ?? "local");
  const storage = requireStorage(cluster, node, storageId);
  if (!storage.content.includes("backup")) throw dieError(`can't use storage '${storageId}' for backups - wrong content type`);
  const vmids = String(params.vmid ?? "")
    .split(/[,;\s]+/)
    .filter(Boolean)
    .map(Number);
  if (vmids.length === 0) throw dieError("no guests selected: pass 'vmid' (the simulator does not back up 'all')");
  const local = vmids.filter((id) => cluster.guests.get(id)?.node === node || !cluster.guests.has(id));
  const skipped = vmids.filter((id) => !local.includes(id));
  const mode = String(params.mode ?? "snapshot");
  const compress = COMPRESSION[String(params.compress ?? "0")] ?? { ext: "", ratio: 1 };
  const notesTemplate = params["notes-template"] === undefined ? undefined : String(params["notes-template"]);
  const jobs: Job[] = [];

  const worker: TaskWorker = {
    durationMs: 0,
    begin(out) {
      const opts = [`--storage ${storageId}`, `--mode ${mode}`, `--compress ${String(params.compress ?? "0")}`, `--node ${node}`];
      if (notesTemplate !== undefined) opts.push(`--notes-template '${notesTemplate}'`);
      out.log(`INFO: starting new backup job: vzdump ${vmids.join(" ")} ${opts.join(" ")}`);
      if (skipped.length > 0) out.log(`INFO: skip external VMs: ${skipped.join(", ")}`);
      for (const vmid of local) {
        const g = cluster.guests.get(vmid);
        const job: Job = { vmid, durationMs: 2_000 };
        const locked = g ? lockError(g) : `unable to find VM '${vmid}'`;
        if (locked) job.error = locked;
        else if (g) {
          setLock(cluster, g, "backup");
          job.guest = g;
          job.durationMs = durationFor(cluster, [8_000, 14_000], usedBytes(g), 3_000, 600_000);
        }
        jobs.push(job);
      }
      this.durationMs = jobs.reduce((sum, j) => sum + j.durationMs, 0);
    },
    finish(out) {
      let clock = cluster.now() - jobs.reduce((sum, j) => sum + j.durationMs, 0);
      let failed = 0;
      for (const job of jobs) {
        if (job.error || !job.guest) {
          out.log(`ERROR: Backup of VM ${job.vmid} failed - ${job.error ?? "guest vanished"}`);
          failed++;
          continue;
        }
        backupOne(cluster, out, { node, storage, guest: job.guest, mode, compress, notesTemplate, startMs: clock, durationMs: job.durationMs, protect: params.protected === true });
        clock += job.durationMs;
        releaseLock(cluster, job.vmid, "backup");
      }
      if (failed > 0) {
        out.log("INFO: Backup job finished with errors");
        throw new Error("job errors");
      }
      out.log("INFO: Backup job finished successfully");
    },
    abort() {
      for (const job of jobs) if (job.guest) releaseLock(cluster, job.vmid, "backup");
    },
  };
  const id = local.length === 1 ? String(local[0]) : "";
  return cluster.tasks.start(node, "vzdump", id, req.taskUser, worker).upid;
}

interface BackupOne {
  node: string;
  storage: StorageState;
  guest: GuestState;
  mode: string;
  compress: { ext: string; ratio: number };
  notesTemplate: string | undefined;
  startMs: number;
  durationMs: number;
  protect: boolean;
}

function backupOne(cluster: Cluster, out: WorkerLog, b: BackupOne): void {
  const g = b.guest;
  const archive = g.type === "lxc" ? "tar" : "vma";
  const format = b.compress.ext ? `${archive}.${b.compress.ext}` : archive;
  const file = `vzdump-${g.type}-${g.vmid}-${fileStamp(b.startMs)}.${format}`;
  const size = Math.max(1_048_576, Math.round(usedBytes(g) * b.compress.ratio));
  const item = {
    volid: `${b.storage.storage}:backup/${file}`,
    content: "backup" as const,
    format,
    size,
    vmid: g.vmid,
    ctime: Math.floor(b.startMs / 1000),
    subtype: g.type,
    protected: b.protect,
    source: guestImage(g),
  };
  const path = volumePath(b.storage, item);
  out.log(`INFO: Starting Backup of VM ${g.vmid} (${g.type})`);
  out.log(`INFO: Backup started at ${logStamp(b.startMs)}`);
  out.log(`INFO: status = ${g.status}`);
  // A guest that is not running is always backed up in stop mode.
  out.log(`INFO: backup mode: ${g.status === "running" ? b.mode : "stop"}`);
  out.log("INFO: ionice priority: 7");
  if (g.type === "lxc") out.log(`INFO: CT Name: ${g.name}`);
  else out.log(`INFO: VM Name: ${g.name}`);
  const snapshotMode = g.status === "running" && b.mode === "snapshot";
  if (g.type === "lxc" && snapshotMode) out.log("INFO: create storage snapshot 'vzdump'");
  out.log(`INFO: creating vzdump archive '${path}'`);
  const seconds = b.durationMs / 1000;
  if (g.type === "lxc") {
    out.log(`INFO: Total bytes written: ${usedBytes(g)} (${(usedBytes(g) / GiB).toFixed(2)}GiB, ${Math.round(usedBytes(g) / 2 ** 20 / Math.max(1, seconds))}MiB/s)`);
    if (snapshotMode) out.log("INFO: cleanup temporary 'vzdump' snapshot");
  } else {
    const total = g.maxdisk / GiB;
    for (const pct of [25, 50, 75, 100]) {
      out.log(`INFO: ${String(pct).padStart(3)}% (${((total * pct) / 100).toFixed(1)} GiB of ${total.toFixed(1)} GiB) in ${Math.round((seconds * pct) / 100)}s`);
    }
    const sparse = g.maxdisk - usedBytes(g);
    out.log(`INFO: backup is sparse: ${(sparse / GiB).toFixed(2)} GiB (${Math.round((sparse / g.maxdisk) * 100)}%) total zero data`);
    out.log(`INFO: transferred ${total.toFixed(1)} GiB in ${Math.round(seconds)} seconds`);
  }
  out.log(`INFO: archive file size: ${(size / 1e9).toFixed(2)}GB`);
  const notes = b.notesTemplate === undefined ? undefined : expandNotes(cluster, b.notesTemplate, g, b.node);
  if (notes) out.log("INFO: adding notes to backup");
  if (b.protect) out.log("INFO: marking backup as protected");
  out.log(`INFO: Finished Backup of VM ${g.vmid} (${hms(seconds)})`);
  out.log(`INFO: Backup finished at ${logStamp(b.startMs + b.durationMs)}`);
  b.storage.items.push(notes ? { ...item, notes } : item);
}

/** Bytes a backup reads: the filesystem usage of a container, an estimate of a VM's written blocks. */
function usedBytes(g: GuestState): number {
  return g.type === "lxc" && g.disk > 0 ? g.disk : Math.round(g.maxdisk * 0.35);
}

/** notes-template variables as vzdump expands them. */
function expandNotes(cluster: Cluster, template: string, g: GuestState, node: string): string {
  const vars: Record<string, string> = { guestname: g.name, vmid: String(g.vmid), node, cluster: cluster.name };
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
}
