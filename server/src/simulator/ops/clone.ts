/**
 * POST …/{lxc|qemu}/{vmid}/clone (pve-container clone_vm, qemu-server clone_vm). The new config
 * exists at once (LXC: lock `create`, source lock `disk`; QEMU: lock `clone`, the source only
 * flock-held) and moves to `target` at the end. Linked clones need a template (lvmthin base volumes).
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import { guestImage } from "../estate.ts";
import type { GuestImage, GuestState, GuestType } from "../state.ts";
import type { TaskWorker } from "../tasks.ts";
import type { Params } from "../validate.ts";
import {
  newGuest,
  allocateDisk,
  checkLockSync,
  diskValue,
  diskVolid,
  durationFor,
  freeGuestVolumes,
  kindOf,
  loadGuestSync,
  releaseLock,
  requireStorage,
  rootDiskKey,
  setLock,
  vmidTakenError,
  withNewMac,
} from "./common.ts";

export interface CloneRequest {
  node: string;
  type: GuestType;
  vmid: number;
  params: Params;
  taskUser: string;
}

export function cloneGuest(cluster: Cluster, req: CloneRequest): string {
  const { node, type, vmid, params } = req;
  const kind = kindOf(type);
  const src = loadGuestSync(cluster, node, type, vmid);
  const newid = Number(params.newid);
  const taken = vmidTakenError(cluster, newid);
  if (taken) throw dieError(taken);
  checkLockSync(src);
  const snapname = params.snapname === undefined ? undefined : String(params.snapname);
  const snapshot = snapname === undefined ? undefined : src.snapshots.find((s) => s.name === snapname);
  if (snapname !== undefined && !snapshot) throw dieError(`snapshot '${snapname}' does not exist`);
  const full = params.full === undefined ? !src.template : params.full === true;
  const storageParam = params.storage === undefined ? undefined : String(params.storage);
  if (storageParam !== undefined && !full) throw dieError("parameter 'storage' not allowed for linked clones");
  if (type === "lxc" && full && src.status === "running" && !snapshot) throw dieError("Full clone of a running container is only possible from a snapshot");

  const diskKey = rootDiskKey(type);
  const srcVolid = diskVolid(src.config[diskKey]) ?? "";
  if (!full && !src.template) {
    throw dieError(type === "lxc" ? `Linked clone feature for '${srcVolid}' is not available` : `Linked clone feature is not supported for drive '${diskKey}'`);
  }
  const storageId = storageParam ?? srcVolid.split(":")[0] ?? "";
  const storage = requireStorage(cluster, node, storageId);
  if (!storage.content.includes(type === "lxc" ? "rootdir" : "images")) {
    throw dieError(`storage '${storageId}' does not support ${type === "lxc" ? "container directories" : "vm images"}`);
  }
  const target = params.target === undefined ? undefined : String(params.target);
  if (target !== undefined && target !== node) {
    if (!cluster.nodes.has(target)) throw dieError(`no such cluster node '${target}'`);
    if (!storage.shared) {
      throw dieError(storageParam ? `can't clone to non-shared storage '${storageId}'` : `can't clone ${kind} to node '${target}' (${kind} uses local storage)`);
    }
  }

  const image = cloneImage(cluster, src, snapshot?.image ?? guestImage(src), params);
  const clone = newGuest(cluster, node, newid, image, type === "lxc" ? "create" : "clone");
  if (type === "lxc") setLock(cluster, src, "disk");

  const worker: TaskWorker = {
    durationMs: full ? durationFor(cluster, [8_000, 14_000], src.maxdisk * 0.35, 4_000, 300_000) : durationFor(cluster, [1_000, 3_000]),
    begin(out) {
      const base = full ? undefined : srcVolid.split(":")[1];
      const volid = allocateDisk(storage, { vmid: newid, type, template: false }, image.maxdisk, base);
      image.config[diskKey] = diskValue(image.config[diskKey], volid, image.maxdisk);
      if (type === "lxc") {
        out.log(`create ${full ? "full clone of mountpoint" : "linked clone of mount point"} ${diskKey} (${srcVolid})`);
      } else {
        out.log(`create ${full ? "full" : "linked"} clone of drive ${diskKey} (${srcVolid})`);
      }
    },
    finish(out) {
      if (full) {
        const total = image.maxdisk / 1024 ** 3;
        for (const pct of [25, 50, 75, 100]) out.log(`transferred ${((total * pct) / 100).toFixed(1)} GiB of ${total.toFixed(1)} GiB (${pct.toFixed(2)}%)`);
      }
      Object.assign(clone, { name: image.name, cores: image.cores, memory: image.memory, swap: image.swap, maxdisk: image.maxdisk, config: image.config });
      if (image.tags) clone.tags = image.tags;
      if (image.description !== undefined) clone.description = image.description;
      if (target !== undefined && target !== node) clone.node = target;
      delete clone.lock;
      cluster.guestChanged(newid);
      if (type === "lxc") releaseLock(cluster, vmid, "disk");
    },
    abort() {
      freeGuestVolumes(cluster, node, newid);
      cluster.guests.delete(newid);
      cluster.published.delete(newid);
      cluster.guestChanged(newid);
      if (type === "lxc") releaseLock(cluster, vmid, "disk");
    },
  };
  return cluster.tasks.start(node, type === "lxc" ? "vzclone" : "qmclone", String(vmid), req.taskUser, worker).upid;
}

/** Name and description from the request, new MAC addresses, no template flag or snapshots. */
function cloneImage(cluster: Cluster, src: GuestState, from: GuestImage, params: Params): GuestImage {
  const nameParam = src.type === "lxc" ? params.hostname : params.name;
  const image: GuestImage = {
    ...from,
    name: nameParam !== undefined ? String(nameParam) : src.type === "lxc" ? from.name : `Copy-of-VM-${from.name}`,
    template: false,
    config: { ...from.config },
  };
  if (params.description !== undefined) image.description = String(params.description);
  const net0 = withNewMac(cluster, image.config.net0);
  if (net0 !== undefined) image.config.net0 = net0;
  return image;
}
