/**
 * POST /nodes/{node}/lxc (create from a template, or restore with restore=1) and POST
 * /nodes/{node}/qemu with `archive` (restore), after pve-container API2/LXC.pm create_vm and
 * qemu-server API2/Qemu.pm create_vm. The config exists at once with lock `create`; volumes are
 * allocated as the worker starts and freed again if it fails.
 */
import type { Cluster } from "../cluster.ts";
import type { GuestImage, GuestState, GuestType, StorageItem, StorageState } from "../state.ts";
import { PveError, dieError, paramError } from "../errors.ts";
import { powerAction } from "../lifecycle.ts";
import { hexString } from "../prng.ts";
import type { TaskWorker, WorkerLog } from "../tasks.ts";
import type { Params } from "../validate.ts";
import {
  GiB,
  allocateDisk,
  checkLockSync,
  diskValue,
  diskVolid,
  durationFor,
  findVolume,
  freeGuestVolumes,
  kindOf,
  newGuest,
  requireStorage,
  rootDiskKey,
  setLock,
  randomMac,
  vmidTakenError,
  withNewMac,
} from "./common.ts";
import { volumePath } from "./paths.ts";

export interface CreateRequest {
  node: string;
  params: Params;
  /** Authenticated user as PVE sees it (root@pam!tok for a token). */
  authUser: string;
  taskUser: string;
}

const ROOTFS_RE = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)(,.*)?$/i;

export function createContainer(cluster: Cluster, req: CreateRequest): string {
  const { node, params } = req;
  const vmid = Number(params.vmid);
  const restore = params.restore === true;
  const existing = checkTarget(cluster, node, "lxc", vmid, restore, params.force === true);
  const source = sourceVolume(cluster, node, String(params.ostemplate), restore ? "backup" : "vztmpl");
  if (restore && source.item.subtype !== "lxc") throw dieError(`archive '${source.item.volid}' is not a container backup`);

  const backup = restore ? source.item.source : undefined;
  const rootfs = String(params.rootfs ?? `${String(params.storage ?? "local")}:${backup ? backup.maxdisk / GiB : 4}`);
  const match = ROOTFS_RE.exec(rootfs);
  if (!match) throw paramError({ rootfs: `invalid format - expected '<storage>:<size in GiB>', got '${rootfs}'` });
  const diskStorage = requireStorage(cluster, node, match[1] as string);
  if (!diskStorage.content.includes("rootdir")) throw dieError(`storage '${diskStorage.storage}' does not support container directories`);
  const sizeBytes = Math.round(Number(match[2]) * GiB);

  const image = containerImage(cluster, vmid, params, backup, source.item);
  image.maxdisk = sizeBytes;
  const g = existing ?? newGuest(cluster, node, vmid, image);
  setLock(cluster, g, "create");

  const taskType = restore ? "vzrestore" : "vzcreate";
  const worker: TaskWorker = {
    durationMs: restore
      ? durationFor(cluster, [10_000, 20_000], source.item.size, 4_000, 300_000)
      : durationFor(cluster, [5_000, 12_000], source.item.size, 60_000, 30_000),
    begin(out) {
      const path = volumePath(source.storage, source.item);
      if (restore) {
        out.log(`recovering backed-up configuration from '${source.item.volid}'`);
        out.log(`restoring '${source.item.volid}' now..`);
      }
      const volid = allocateDisk(diskStorage, { vmid, type: "lxc", template: false }, sizeBytes);
      image.config.rootfs = diskValue(`${volid}${match[3] ?? ""}`, volid, sizeBytes);
      out.log(`extracting archive '${path}'`);
    },
    finish(out) {
      const bytes = Math.round(source.item.size * (source.item.format.endsWith("zst") ? 3.2 : 2.4));
      out.log(`Total bytes read: ${bytes} (${Math.round(bytes / 2 ** 20)}MiB, ${Math.round(120 + cluster.rng() * 200)}MiB/s)`);
      if (restore) out.log("merging backed-up and given configuration..");
      else if (source.item.oci) out.log("Detected OCI archive, using its entrypoint and environment");
      else {
        out.log(`Detected container architecture: ${String(image.config.arch)}`);
        out.log("Creating SSH host key 'ssh_host_ed25519_key' - this may take some time ...");
        out.log(`done: SHA256:${hexString(cluster.rng, 22)} root@${image.name}`);
      }
      if (existing) freeReplacedVolumes(cluster, existing, image);
      applyImage(g, image);
      delete g.lock;
      cluster.guestChanged(vmid);
      if (params.start === true) startAfterCreate(cluster, req, vmid, out);
    },
    abort: () => abortCreate(cluster, g, existing !== undefined, image),
  };
  return cluster.tasks.start(node, taskType, String(vmid), req.taskUser, worker).upid;
}

export function restoreVm(cluster: Cluster, req: CreateRequest): string {
  const { node, params } = req;
  if (params.archive === undefined) throw new PveError(501, "creating a VM without 'archive' is not implemented by the simulator");
  const vmid = Number(params.vmid);
  const existing = checkTarget(cluster, node, "qemu", vmid, true, params.force === true);
  const source = sourceVolume(cluster, node, String(params.archive), "backup");
  const backup = source.item.source;
  if (source.item.subtype !== "qemu" || !backup) throw dieError(`archive '${source.item.volid}' is not a VM backup`);
  const storageId = String(params.storage ?? backup.config.scsi0 ?? "local-lvm").split(":")[0] as string;
  const diskStorage = requireStorage(cluster, node, storageId);
  if (!diskStorage.content.includes("images")) throw dieError(`storage '${storageId}' does not support vm images`);

  const image: GuestImage = { ...backup, config: { ...backup.config } };
  const g = existing ?? newGuest(cluster, node, vmid, image);
  setLock(cluster, g, "create");
  const path = volumePath(source.storage, source.item);
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [10_000, 20_000], source.item.size, 4_000, 300_000),
    begin(out) {
      const tmp = `/var/tmp/vzdumptmp${Math.floor(100_000 + cluster.rng() * 900_000)}`;
      out.log(`restore vma archive: zstd -q -d -c ${path} | vma extract -v -r ${tmp}.fifo - ${tmp}`);
      out.log("CFG: size: 712 name: qemu-server.conf");
      out.log(`DEV: dev_id=1 size: ${image.maxdisk} devname: drive-scsi0`);
      out.log(`CTIME: ${new Date((source.item.ctime ?? 0) * 1000).toUTCString()}`);
      const volid = allocateDisk(diskStorage, { vmid, type: "qemu", template: false }, image.maxdisk);
      image.config.scsi0 = diskValue(backup.config.scsi0, volid, image.maxdisk);
      out.log(`new volume ID is '${volid}'`);
      out.log(`map 'drive-scsi0' to '/dev/pve/${volid.split(":")[1] ?? ""}' (write zeros = 0)`);
    },
    finish(out) {
      for (const pct of [10, 25, 50, 75, 100]) out.log(`progress ${pct}% (read ${Math.round((image.maxdisk * pct) / 100)} bytes, duration ${Math.round(pct / 10)} sec)`);
      out.log(`total bytes read ${image.maxdisk}, sparse bytes ${Math.round(image.maxdisk * 0.6)} (60%)`);
      out.log("rescan volumes...");
      if (existing) freeReplacedVolumes(cluster, existing, image);
      applyImage(g, image);
      const net0 = params.unique === true ? withNewMac(cluster, g.config.net0) : undefined;
      if (net0 !== undefined) g.config.net0 = net0;
      delete g.lock;
      cluster.guestChanged(vmid);
      if (params.start === true) startAfterCreate(cluster, req, vmid, out);
    },
    abort: () => abortCreate(cluster, g, existing !== undefined, image),
  };
  return cluster.tasks.start(node, "qmrestore", String(vmid), req.taskUser, worker).upid;
}

/** The vmid must be free, unless a restore with force overwrites a stopped, unprotected guest here. */
function checkTarget(cluster: Cluster, node: string, type: GuestType, vmid: number, restore: boolean, force: boolean): GuestState | undefined {
  const existing = cluster.guests.get(vmid);
  if (!existing) return undefined;
  const taken = vmidTakenError(cluster, vmid) as string;
  if (!restore || !force || existing.node !== node || existing.type !== type) throw dieError(taken);
  const kind = kindOf(type);
  if (existing.status === "running") throw dieError(type === "lxc" ? "can't overwrite running container" : `unable to restore VM ${vmid} - VM is running`);
  if (existing.protection) throw dieError(`unable to restore ${kind} ${vmid} - protection mode enabled`);
  checkLockSync(existing);
  return existing;
}

function sourceVolume(cluster: Cluster, node: string, volid: string, content: StorageItem["content"]): { storage: StorageState; item: StorageItem } {
  const storageId = /^([a-z][a-z0-9\-_.]*[a-z0-9]):.+/i.exec(volid)?.[1];
  if (!storageId) throw dieError(`unable to parse volume ID '${volid}'`);
  requireStorage(cluster, node, storageId);
  const found = findVolume(cluster, node, volid);
  if (!found) throw dieError(`volume '${volid}' does not exist`);
  if (found.item.content !== content) throw dieError(`volume '${volid}' is not of content type '${content}'`);
  return found;
}

function containerImage(cluster: Cluster, vmid: number, params: Params, backup: GuestImage | undefined, template: StorageItem): GuestImage {
  const config: Record<string, string | number> = backup
    ? { ...backup.config }
    : { arch: String(params.arch ?? "amd64"), ostype: template.oci ? "unmanaged" : templateOstype(template.volid), unprivileged: 1 };
  delete config.rootfs;
  const copy = (key: string) => {
    if (params[key] !== undefined) config[key] = typeof params[key] === "boolean" ? Number(params[key]) : (params[key] as string | number);
  };
  for (const key of ["features", "net0", "unprivileged", "entrypoint", "env", "onboot", "ostype"]) copy(key);
  if (config.net0 === undefined) config.net0 = `name=eth0,bridge=vmbr0,hwaddr=${randomMac(cluster)},ip=dhcp,type=veth`;
  const image: GuestImage = {
    type: "lxc",
    name: String(params.hostname ?? backup?.name ?? `CT${vmid}`),
    template: backup?.template ?? false,
    cores: Number(params.cores ?? backup?.cores ?? 1),
    memory: Number(params.memory ?? backup?.memory ?? 512),
    swap: Number(params.swap ?? backup?.swap ?? 512),
    maxdisk: 0,
    config,
  };
  const tags = params.tags ?? backup?.tags;
  if (tags !== undefined) image.tags = String(tags).split(/[;,\s]+/).filter(Boolean).join(";");
  const description = params.description ?? backup?.description;
  if (description !== undefined) image.description = String(description);
  return image;
}

function templateOstype(volid: string): string {
  const file = volid.split("/").pop() ?? "";
  return ["debian", "ubuntu", "alpine", "centos", "fedora", "archlinux"].find((os) => file.startsWith(os)) ?? (file.startsWith("rocky") ? "centos" : "unmanaged");
}

/** A restore over an existing guest frees its old volumes (after the new ones exist) and snapshots. */
function freeReplacedVolumes(cluster: Cluster, existing: GuestState, image: GuestImage): void {
  const keep = diskVolid(image.config[rootDiskKey(existing.type)]);
  for (const s of cluster.requireNode(existing.node).storages) {
    s.items = s.items.filter((i) => i.vmid !== existing.vmid || i.content === "backup" || i.volid === keep);
  }
  existing.snapshots = [];
  delete existing.parent;
}

export function applyImage(g: GuestState, image: GuestImage): void {
  g.name = image.name;
  g.template = image.template;
  g.cores = image.cores;
  g.memory = image.memory;
  g.swap = image.swap;
  g.maxdisk = image.maxdisk;
  g.config = { ...image.config };
  if (image.tags) g.tags = image.tags;
  else delete g.tags;
  if (image.description !== undefined) g.description = image.description;
  else delete g.description;
}

function abortCreate(cluster: Cluster, g: GuestState, existed: boolean, image: GuestImage): void {
  const created = diskVolid(image.config[rootDiskKey(g.type)]);
  if (existed) {
    for (const s of cluster.requireNode(g.node).storages) s.items = s.items.filter((i) => i.volid !== created);
    delete g.lock;
    cluster.guestChanged(g.vmid);
    return;
  }
  freeGuestVolumes(cluster, g.node, g.vmid);
  cluster.guests.delete(g.vmid);
  cluster.published.delete(g.vmid);
  cluster.guestChanged(g.vmid);
}

/** start=1: PVE forks a separate start task once the guest exists. */
function startAfterCreate(cluster: Cluster, req: CreateRequest, vmid: number, out: WorkerLog): void {
  const g = cluster.guests.get(vmid);
  if (!g || g.template) return;
  try {
    powerAction(cluster, { node: req.node, type: g.type, vmid, action: "start", authUser: req.authUser, taskUser: req.taskUser, params: {} });
  } catch (err) {
    out.warn(`unable to start ${kindOf(g.type)} ${vmid} - ${(err as Error).message}`);
  }
}
