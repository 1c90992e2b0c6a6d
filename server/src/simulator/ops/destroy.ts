/**
 * DELETE /nodes/{node}/{lxc|qemu}/{vmid} (pve-container destroy_vm, qemu-server destroy_vm):
 * lock, protection and running state are refused before forking; the task removes the config,
 * its snapshots and every disk volume, while backups stay on their storages.
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import type { GuestType } from "../state.ts";
import { stopGuest } from "../lifecycle.ts";
import type { TaskWorker } from "../tasks.ts";
import { checkLockInTask, checkLockSync, durationFor, freeGuestVolumes, kindOf, loadGuest, loadGuestSync, releaseLock, setLock } from "./common.ts";

export interface DestroyRequest {
  node: string;
  type: GuestType;
  vmid: number;
  purge: boolean;
  /** LXC: stop a running container first instead of refusing. */
  force: boolean;
  taskUser: string;
}

export function destroyGuest(cluster: Cluster, req: DestroyRequest): string {
  const { node, type, vmid } = req;
  const kind = kindOf(type);
  const g = loadGuestSync(cluster, node, type, vmid);
  checkLockSync(g);
  if (g.protection) throw dieError(`can't remove ${kind} ${vmid} - protection mode enabled`);
  const stopFirst = type === "lxc" && req.force;
  if (g.status === "running" && !stopFirst) throw dieError(type === "lxc" ? `unable to destroy CT ${vmid} - container is running` : `VM ${vmid} is running - destroy failed`);
  let locked = false;
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [1_000, 5_000]),
    begin() {
      const guest = loadGuest(cluster, node, type, vmid);
      checkLockInTask(guest);
      // LXC marks the config `destroyed` while its volumes go away; QEMU only holds the file lock.
      if (type === "lxc") {
        setLock(cluster, guest, "destroyed");
        locked = true;
      }
    },
    finish(out) {
      const guest = loadGuest(cluster, node, type, vmid);
      if (guest.status === "running") {
        out.log(`stopping CT ${vmid}`);
        stopGuest(guest);
      }
      const volumes = cluster.requireNode(node).storages.flatMap((s) => s.items.filter((i) => i.vmid === vmid && i.content !== "backup"));
      for (const v of volumes) out.log(`  Logical volume "${v.volid.split(":")[1] ?? v.volid}" successfully removed.`);
      if (req.purge) out.log(`purging ${kind} ${vmid} from related configurations..`);
      freeGuestVolumes(cluster, node, vmid);
      cluster.guests.delete(vmid);
      cluster.published.delete(vmid);
      cluster.guestChanged(vmid);
    },
    abort() {
      if (locked) releaseLock(cluster, vmid, "destroyed");
    },
  };
  return cluster.tasks.start(node, type === "lxc" ? "vzdestroy" : "qmdestroy", String(vmid), req.taskUser, worker).upid;
}
