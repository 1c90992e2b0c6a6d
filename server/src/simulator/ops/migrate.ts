/**
 * POST …/{lxc|qemu}/{vmid}/migrate (pve-container LXC/Migrate.pm, qemu-server QemuMigrate.pm via
 * pve-guest-common AbstractMigrate.pm): timestamped log lines, lock `migrate`, local volumes copied
 * to the target's storage of the same name, and the guest changes node when the task ends.
 * LXC restart mode shuts the container down first and starts it on the target.
 */
import type { Cluster } from "../cluster.ts";
import { dieError, paramError } from "../errors.ts";
import { bootGuest } from "../estate.ts";
import { stopGuest } from "../lifecycle.ts";
import type { GuestType, StorageItem } from "../state.ts";
import type { TaskWorker, WorkerLog } from "../tasks.ts";
import { GiB, checkLockSync, durationFor, hms, kindOf, loadGuest, loadGuestSync, lockError, logStamp, releaseLock, setLock } from "./common.ts";

export interface MigrateRequest {
  node: string;
  type: GuestType;
  vmid: number;
  target: string;
  online: boolean;
  restart: boolean;
  taskUser: string;
}

export function migrateGuest(cluster: Cluster, req: MigrateRequest): string {
  const { node, type, vmid, target } = req;
  const kind = kindOf(type);
  const g = loadGuestSync(cluster, node, type, vmid);
  if (target === node) throw paramError({ target: "target is local node." });
  const targetNode = cluster.nodes.get(target);
  if (!targetNode) throw dieError(`no such cluster node '${target}'`);
  if (type === "qemu") {
    checkLockSync(g);
    if (g.status === "running" && !req.online) throw dieError("can't migrate running VM without --online");
  } else if (g.status === "running" && !req.online && !req.restart) {
    throw dieError("can't migrate running container without --online or --restart");
  }

  const startedMs = cluster.now();
  const line = (out: WorkerLog, msg: string) => out.log(`${logStamp(cluster.now())} ${msg}`);
  const abortWith = (out: WorkerLog, reason: string): never => {
    line(out, `ERROR: migration aborted (duration ${hms((cluster.now() - startedMs) / 1000)}): ${reason}`);
    throw new Error("migration aborted");
  };
  let locked = false;
  let restarted = false;
  let volumes: StorageItem[] = [];
  const localVolumes = () => cluster.requireNode(node).storages.filter((s) => !s.shared).flatMap((s) => s.items.filter((i) => i.vmid === vmid && i.content !== "backup"));
  const running = g.status === "running";
  const localBytes = localVolumes().reduce((sum, v) => sum + v.size * 0.35, 0);

  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [3_000, 10_000], localBytes, 2_000, 300_000) + (type === "qemu" && running ? (g.mem / GiB) * 1_000 : 0),
    begin(out) {
      const guest = loadGuest(cluster, node, type, vmid);
      line(out, `starting migration of ${kind} ${vmid} to node '${target}' (${targetNode.ip})`);
      const locked0 = lockError(guest);
      if (locked0) abortWith(out, locked0);
      if (!cluster.isOnline(target)) abortWith(out, "Can't connect to destination address using public key");
      if (type === "lxc" && req.online && guest.status === "running") abortWith(out, "lxc live migration is currently not implemented");
      setLock(cluster, guest, "migrate");
      locked = true;
      volumes = localVolumes();
      for (const v of volumes) line(out, `found local volume '${v.volid}' (in current ${type === "lxc" ? "container" : "VM"} config)`);
      if (type === "lxc" && guest.status === "running") {
        line(out, `shutdown CT ${vmid}`);
        stopGuest(guest);
        restarted = true;
      }
      if (type === "qemu" && guest.status === "running") line(out, `starting VM ${vmid} on remote node '${target}'`);
    },
    finish(out) {
      const guest = loadGuest(cluster, node, type, vmid);
      for (const v of volumes) line(out, `volume '${v.volid}' is '${v.volid}' on the target`);
      if (type === "qemu" && guest.status === "running") {
        line(out, `migration active, transferred ${((guest.mem / GiB) * 0.5).toFixed(1)} GiB of ${(guest.memory / 1024).toFixed(1)} GiB VM-state`);
        line(out, "migration completed");
      }
      const source = cluster.requireNode(node);
      for (const s of source.storages) s.items = s.items.filter((i) => !volumes.includes(i));
      for (const v of volumes) {
        const storageId = v.volid.split(":")[0];
        const dest = cluster.requireNode(target).storages.find((s) => s.storage === storageId) ?? cluster.requireNode(target).storages.find((s) => s.content.includes(v.content));
        dest?.items.push({ ...v, volid: dest.storage === storageId ? v.volid : `${dest.storage}:${v.volid.split(":")[1] ?? ""}` });
      }
      line(out, "start final cleanup");
      guest.node = target;
      releaseLock(cluster, vmid, "migrate");
      cluster.guestChanged(vmid);
      if (restarted) {
        line(out, "start container on target node");
        bootGuest(cluster.rng, guest, cluster.requireNode(target), cluster.now());
      }
      line(out, `migration finished successfully (duration ${hms((cluster.now() - startedMs) / 1000)})`);
    },
    abort() {
      if (locked) releaseLock(cluster, vmid, "migrate");
      const guest = cluster.guestOn(node, type, vmid);
      if (restarted && guest && guest.status !== "running") bootGuest(cluster.rng, guest, cluster.requireNode(node), cluster.now());
    },
  };
  return cluster.tasks.start(node, type === "lxc" ? "vzmigrate" : "qmigrate", String(vmid), req.taskUser, worker).upid;
}
