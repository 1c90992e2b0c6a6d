/**
 * Snapshots after pve-guest-common AbstractConfig (snapshot_create / snapshot_rollback /
 * snapshot_delete): the lock checks and duplicate names fail inside the task, which holds lock
 * `snapshot`, `rollback` or `snapshot-delete` while it runs. LVM-thin rolls back to any snapshot,
 * not only the latest; deleting a snapshot re-parents its children.
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import { bootGuest, guestImage } from "../estate.ts";
import { stopGuest } from "../lifecycle.ts";
import type { GuestState, GuestType } from "../state.ts";
import type { TaskWorker } from "../tasks.ts";
import { guestConfig } from "../views.ts";
import { applyImage } from "./create.ts";
import { checkLockInTask, durationFor, loadGuest, loadGuestSync, releaseLock, setLock } from "./common.ts";

export interface SnapshotRequest {
  node: string;
  type: GuestType;
  vmid: number;
  snapname: string;
  taskUser: string;
}

const RESERVED = ["current", "vzdump"];
const TASK_TYPES = {
  lxc: { create: "vzsnapshot", rollback: "vzrollback", delete: "vzdelsnapshot" },
  qemu: { create: "qmsnapshot", rollback: "qmrollback", delete: "qmdelsnapshot" },
} as const;

/** GET …/snapshot: the snapshots plus PVE's "current" pseudo-entry ("You are here!"). */
export function listSnapshots(cluster: Cluster, node: string, type: GuestType, vmid: number): Record<string, unknown>[] {
  const g = loadGuestSync(cluster, node, type, vmid);
  const out: Record<string, unknown>[] = g.snapshots.map((s) => {
    const entry: Record<string, unknown> = { name: s.name, description: s.description, snaptime: s.snaptime };
    if (s.parent) entry.parent = s.parent;
    if (type === "qemu") entry.vmstate = s.vmstate ? 1 : 0;
    return entry;
  });
  const current: Record<string, unknown> = { name: "current", description: "You are here!", running: g.status === "running" ? 1 : 0, digest: guestConfig(g).digest };
  if (g.parent) current.parent = g.parent;
  out.push(current);
  return out;
}

export function createSnapshot(cluster: Cluster, req: SnapshotRequest, description: string | undefined, vmstate: boolean): string {
  const { node, type, vmid, snapname } = req;
  loadGuestSync(cluster, node, type, vmid);
  if (RESERVED.includes(snapname)) throw dieError(`unable to use snapshot name '${snapname}' (reserved name)`);
  let locked = false;
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [1_000, 5_000]),
    begin(out) {
      const g = loadGuest(cluster, node, type, vmid);
      checkLockInTask(g);
      if (g.snapshots.some((s) => s.name === snapname)) throw new Error(`snapshot name '${snapname}' already used`);
      setLock(cluster, g, "snapshot");
      locked = true;
      if (type === "qemu" && vmstate && g.status === "running") {
        out.log(`saving VM state and RAM using storage '${String(g.config.scsi0 ?? "local-lvm").split(":")[0]}'`);
        this.durationMs += (g.mem / 1024 ** 3) * 2_000;
      }
    },
    finish(out) {
      const g = loadGuest(cluster, node, type, vmid);
      const saveState = type === "qemu" && vmstate && g.status === "running";
      if (saveState) out.log(`completed saving the VM state, saved ${(g.mem / 1024 ** 3).toFixed(2)} GiB`);
      const snap = { name: snapname, description: description ?? "", snaptime: Math.floor(cluster.now() / 1000), vmstate: saveState, image: guestImage(g) };
      g.snapshots.push(g.parent ? { ...snap, parent: g.parent } : snap);
      g.parent = snapname;
      releaseLock(cluster, vmid, "snapshot");
    },
    abort() {
      if (locked) releaseLock(cluster, vmid, "snapshot");
    },
  };
  return cluster.tasks.start(node, TASK_TYPES[type].create, String(vmid), req.taskUser, worker).upid;
}

export function rollbackSnapshot(cluster: Cluster, req: SnapshotRequest, startAfter: boolean): string {
  const { node, type, vmid, snapname } = req;
  loadGuestSync(cluster, node, type, vmid);
  let locked = false;
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [1_000, 5_000]),
    begin(out) {
      const g = loadGuest(cluster, node, type, vmid);
      checkLockInTask(g);
      if (!findSnapshot(g, snapname)) throw new Error(`snapshot '${snapname}' does not exist`);
      setLock(cluster, g, "rollback");
      locked = true;
      if (g.status === "running") {
        out.log(type === "lxc" ? `stopping container ${vmid}` : `stopping VM ${vmid} before rollback`);
        stopGuest(g);
      }
    },
    finish(out) {
      const g = loadGuest(cluster, node, type, vmid);
      const snap = findSnapshot(g, snapname);
      if (!snap) throw new Error(`snapshot '${snapname}' does not exist`);
      const tags = g.tags;
      applyImage(g, snap.image);
      if (tags) g.tags = tags;
      g.parent = snapname;
      for (const vol of cluster.requireNode(node).storages.flatMap((s) => s.items)) {
        if (vol.vmid === vmid && (vol.content === "images" || vol.content === "rootdir")) vol.size = g.maxdisk;
      }
      releaseLock(cluster, vmid, "rollback");
      if (snap.vmstate || startAfter) {
        out.log(snap.vmstate ? "resuming VM from saved state" : `starting ${type === "lxc" ? "container" : "VM"} ${vmid}`);
        bootGuest(cluster.rng, g, cluster.requireNode(node), cluster.now());
      }
    },
    abort() {
      if (locked) releaseLock(cluster, vmid, "rollback");
    },
  };
  return cluster.tasks.start(node, TASK_TYPES[type].rollback, String(vmid), req.taskUser, worker).upid;
}

export function deleteSnapshot(cluster: Cluster, req: SnapshotRequest): string {
  const { node, type, vmid, snapname } = req;
  loadGuestSync(cluster, node, type, vmid);
  let locked = false;
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [1_000, 5_000]),
    begin() {
      const g = loadGuest(cluster, node, type, vmid);
      checkLockInTask(g);
      if (!findSnapshot(g, snapname)) throw new Error(`snapshot '${snapname}' does not exist`);
      setLock(cluster, g, "snapshot-delete");
      locked = true;
    },
    finish() {
      const g = loadGuest(cluster, node, type, vmid);
      const snap = findSnapshot(g, snapname);
      if (snap) removeSnapshot(g, snap.name, snap.parent);
      releaseLock(cluster, vmid, "snapshot-delete");
    },
    abort() {
      if (locked) releaseLock(cluster, vmid, "snapshot-delete");
    },
  };
  return cluster.tasks.start(node, TASK_TYPES[type].delete, String(vmid), req.taskUser, worker).upid;
}

function findSnapshot(g: GuestState, name: string) {
  return g.snapshots.find((s) => s.name === name);
}

/** Children of the removed snapshot (and the current state) now derive from its parent. */
function removeSnapshot(g: GuestState, name: string, parent: string | undefined): void {
  g.snapshots = g.snapshots
    .filter((s) => s.name !== name)
    .map((s) => {
      if (s.parent !== name) return s;
      const { parent: _old, ...rest } = s;
      return parent ? { ...rest, parent } : rest;
    });
  if (g.parent === name) {
    if (parent) g.parent = parent;
    else delete g.parent;
  }
}
