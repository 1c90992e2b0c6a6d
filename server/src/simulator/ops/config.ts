/**
 * PUT …/config (synchronous in both pve-container and qemu-server: the reply is null) and PUT
 * …/resize (a `resize` task that only grows disks). Config keys Proximity edits are modelled;
 * changes apply at once, also to running guests (no pending section).
 */
import type { Cluster } from "../cluster.ts";
import { dieError, paramError } from "../errors.ts";
import type { GuestState, GuestType } from "../state.ts";
import type { TaskWorker } from "../tasks.ts";
import type { Params } from "../validate.ts";
import { guestConfig } from "../views.ts";
import { GiB, checkLockInTask, checkLockSync, diskValue, diskVolid, durationFor, formatSize, loadGuest, loadGuestSync } from "./common.ts";

const DELETABLE = ["description", "tags", "protection", "onboot", "cores", "swap"];

export function updateConfig(cluster: Cluster, node: string, type: GuestType, vmid: number, params: Params): null {
  const g = loadGuestSync(cluster, node, type, vmid);
  if (!(type === "qemu" && params.skiplock === true)) checkLockSync(g);
  if (params.digest !== undefined && params.digest !== guestConfig(g).digest) {
    throw dieError(type === "lxc" ? "detected modified configuration - file changed by other user? Try again." : "checksum mismatch (file change by other user?)");
  }
  const deletions = String(params.delete ?? "").split(/[,;\s]+/).filter(Boolean);
  const bad = deletions.filter((k) => !DELETABLE.includes(k) || params[k] !== undefined);
  if (bad.length > 0) throw paramError({ delete: `cannot delete or revert '${bad.join(", ")}' here` });

  if (params.cores !== undefined) g.cores = Number(params.cores);
  if (params.memory !== undefined) g.memory = parseMemory(params.memory);
  if (params.swap !== undefined) g.swap = Number(params.swap);
  const name = type === "lxc" ? params.hostname : params.name;
  if (name !== undefined) g.name = String(name);
  if (params.description !== undefined) g.description = String(params.description);
  if (params.tags !== undefined) setTags(g, String(params.tags));
  if (params.protection !== undefined) g.protection = params.protection === true;
  if (params.onboot !== undefined) g.config.onboot = params.onboot === true ? 1 : 0;
  for (const key of deletions) deleteKey(g, key);
  cluster.guestChanged(vmid);
  return null;
}

/** QEMU `memory` is a property string `[current=]<MiB>`. */
function parseMemory(value: string | number | boolean): number {
  const m = /^(?:current=)?(\d+)$/.exec(String(value));
  if (!m) throw paramError({ memory: `invalid format - value '${String(value)}' does not look like [current=]<integer>` });
  const mib = Number(m[1]);
  if (mib < 16) throw paramError({ memory: "value must have a minimum value of 16" });
  return mib;
}

function setTags(g: GuestState, tags: string): void {
  const list = tags.split(/[;,\s]+/).filter(Boolean);
  if (list.length > 0) g.tags = list.join(";");
  else delete g.tags;
}

function deleteKey(g: GuestState, key: string): void {
  if (key === "description") delete g.description;
  else if (key === "tags") delete g.tags;
  else if (key === "protection") g.protection = false;
  else if (key === "cores") g.cores = 1;
  else if (key === "swap") g.swap = 512;
  else delete g.config[key];
}

export interface ResizeRequest {
  node: string;
  type: GuestType;
  vmid: number;
  disk: string;
  size: string;
  taskUser: string;
}

export function resizeDisk(cluster: Cluster, req: ResizeRequest): string {
  const { node, type, vmid, disk, size } = req;
  loadGuestSync(cluster, node, type, vmid);
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [1_000, 3_000]),
    begin() {
      const g = loadGuest(cluster, node, type, vmid);
      checkLockInTask(g);
      if (typeof g.config[disk] !== "string") throw new Error(`disk '${disk}' does not exist`);
    },
    finish(out) {
      const g = loadGuest(cluster, node, type, vmid);
      const current = g.maxdisk;
      const wanted = parseSize(size, current);
      if (wanted < current) throw new Error(type === "lxc" ? "unable to shrink disk size" : "shrinking disks is not supported");
      const volid = diskVolid(g.config[disk]) ?? "";
      const lv = volid.split(":")[1] ?? volid;
      const extents = (bytes: number) => Math.round(bytes / (4 * 1024 ** 2));
      out.log(`  Size of logical volume pve/${lv} changed from ${(current / GiB).toFixed(2)} GiB (${extents(current)} extents) to ${(wanted / GiB).toFixed(2)} GiB (${extents(wanted)} extents).`);
      out.log(`  Logical volume pve/${lv} successfully resized.`);
      if (type === "lxc" && g.status === "running") out.log(`Filesystem at /dev/pve/${lv} is mounted on /tmp; on-line resizing required`);
      g.maxdisk = wanted;
      g.config[disk] = diskValue(g.config[disk], volid, wanted);
      for (const s of cluster.requireNode(node).storages) for (const i of s.items) if (i.volid === volid) i.size = wanted;
      out.log(`${disk}: ${formatSize(wanted)}`);
    },
  };
  return cluster.tasks.start(node, "resize", String(vmid), req.taskUser, worker).upid;
}

/** `+2G` grows by, `10G` sets to; no unit means bytes (PVE's resize grammar). */
function parseSize(size: string, current: number): number {
  const m = /^(\+)?(\d+(?:\.\d+)?)([KMGT])?$/.exec(size) as RegExpExecArray;
  const unit = { K: 1024, M: 1024 ** 2, G: GiB, T: 1024 ** 4 }[m[3] as "K" | "M" | "G" | "T"] ?? 1;
  const bytes = Math.round(Number(m[2]) * unit);
  return m[1] ? current + bytes : bytes;
}
