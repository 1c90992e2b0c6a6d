/**
 * Pieces shared by the guest operations: PVE's wording for guests and locks, config loading, disk
 * volumes on the simulated storages, and the timestamps PVE puts into task logs.
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import { floatBetween, hexString } from "../prng.ts";
import { stoppedRuntime, type GuestImage, type GuestState, type GuestType, type StorageItem, type StorageState } from "../state.ts";

export const GiB = 1024 ** 3;

/** "CT" or "VM", as PVE's guest_type() words it. */
export function kindOf(type: GuestType): "CT" | "VM" {
  return type === "lxc" ? "CT" : "VM";
}

export function confPath(node: string, type: GuestType, vmid: number): string {
  return `nodes/${node}/${type === "lxc" ? "lxc" : "qemu-server"}/${vmid}.conf`;
}

/** Loads the config at the URL's node; a guest elsewhere does not exist there (500, as in PVE). */
export function loadGuest(cluster: Cluster, node: string, type: GuestType, vmid: number): GuestState {
  const g = cluster.guestOn(node, type, vmid);
  if (!g) throw new Error(`Configuration file '${confPath(node, type, vmid)}' does not exist`);
  return g;
}

/** loadGuest for the synchronous part of a handler: the same text as a 500. */
export function loadGuestSync(cluster: Cluster, node: string, type: GuestType, vmid: number): GuestState {
  try {
    return loadGuest(cluster, node, type, vmid);
  } catch (err) {
    throw dieError((err as Error).message);
  }
}

/** AbstractConfig check_lock: `CT is locked (backup)`. */
export function lockError(g: GuestState): string | undefined {
  return g.lock ? `${kindOf(g.type)} is locked (${g.lock})` : undefined;
}

export function checkLockSync(g: GuestState): void {
  const locked = lockError(g);
  if (locked) throw dieError(locked);
}

export function checkLockInTask(g: GuestState): void {
  const locked = lockError(g);
  if (locked) throw new Error(locked);
}

export function setLock(cluster: Cluster, g: GuestState, lock: string): void {
  g.lock = lock;
  cluster.guestChanged(g.vmid);
}

/** Removes `lock` if the guest still exists and still holds it. */
export function releaseLock(cluster: Cluster, vmid: number, lock: string): void {
  const g = cluster.guests.get(vmid);
  if (g?.lock !== lock) return;
  delete g.lock;
  cluster.guestChanged(vmid);
}

/** PVE::Cluster::check_vmid_unused: the existing guest's own type names it. */
export function vmidTakenError(cluster: Cluster, vmid: number): string | undefined {
  const existing = cluster.guests.get(vmid);
  return existing ? `${kindOf(existing.type)} ${vmid} already exists on node '${existing.node}'` : undefined;
}

export function nodeStorage(cluster: Cluster, node: string, storage: string): StorageState | undefined {
  return cluster.requireNode(node).storages.find((s) => s.storage === storage);
}

export function requireStorage(cluster: Cluster, node: string, storage: string): StorageState {
  const s = nodeStorage(cluster, node, storage);
  if (!s) throw dieError(`storage '${storage}' does not exist`);
  return s;
}

/** Finds a volume by volid on the node's storages. */
export function findVolume(cluster: Cluster, node: string, volid: string): { storage: StorageState; item: StorageItem } | undefined {
  const storageId = volid.split(":")[0] ?? "";
  const storage = nodeStorage(cluster, node, storageId);
  const item = storage?.items.find((i) => i.volid === volid);
  return storage && item ? { storage, item } : undefined;
}

/** The config key holding the root disk. */
export function rootDiskKey(type: GuestType): "rootfs" | "scsi0" {
  return type === "lxc" ? "rootfs" : "scsi0";
}

/** The volid of a disk config value such as `local-lvm:vm-100-disk-0,size=8G`. */
export function diskVolid(value: string | number | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  return value.split(",")[0];
}

/** Replaces volid and size in a disk config value, keeping its other options. */
export function diskValue(old: string | number | undefined, volid: string, sizeBytes: number): string {
  const options = typeof old === "string" ? old.split(",").slice(1).filter((o) => !o.startsWith("size=")) : [];
  return [volid, ...options, `size=${formatSize(sizeBytes)}`].join(",");
}

/** PVE writes disk sizes in the largest unit that divides them (8G, 512M). */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [["T", 1024 ** 4], ["G", GiB], ["M", 1024 ** 2], ["K", 1024]] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/** Allocates the next free disk name of a guest on a storage and lists the volume there. */
export function allocateDisk(storage: StorageState, g: { vmid: number; type: GuestType; template: boolean }, sizeBytes: number, linkedBase?: string): string {
  const prefix = g.template ? "base" : "vm";
  let n = 0;
  const taken = new Set(storage.items.map((i) => i.volid));
  const name = (i: number) => (storage.type === "lvmthin" ? `${prefix}-${g.vmid}-disk-${i}` : `${g.vmid}/${prefix}-${g.vmid}-disk-${i}.raw`);
  while (taken.has(`${storage.storage}:${linkedBase ? `${linkedBase}/` : ""}${name(n)}`)) n++;
  const volid = `${storage.storage}:${linkedBase ? `${linkedBase}/` : ""}${name(n)}`;
  storage.items.push({ volid, content: g.type === "lxc" ? "rootdir" : "images", format: "raw", size: sizeBytes, vmid: g.vmid });
  return volid;
}

/** Removes every volume of a guest from the storages it can see, backups excepted. */
export function freeGuestVolumes(cluster: Cluster, node: string, vmid: number): void {
  for (const s of cluster.requireNode(node).storages) s.items = s.items.filter((i) => i.vmid !== vmid || i.content === "backup");
}

/** Task duration in ms: a base range plus a part proportional to the data moved. */
export function durationFor(cluster: Cluster, range: [number, number], bytes = 0, msPerGiB = 0, capMs = Infinity): number {
  return Math.min(capMs, floatBetween(cluster.rng, range[0], range[1]) + (bytes / GiB) * msPerGiB);
}

/** `YYYY-MM-DD HH:MM:SS` as in migration and backup logs. */
export function logStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** `YYYY_MM_DD-HH_MM_SS` as in backup file names. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", "-").replace(/[-:]/g, "_").replace(/^(\d{4})_(\d{2})_(\d{2})_/, "$1_$2_$3-");
}

export function hms(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** A new MAC in the Proxmox OUI, as PVE generates for new or uniquified NICs. */
export function randomMac(cluster: Cluster): string {
  return `BC:24:11:${(hexString(cluster.rng, 6).toUpperCase().match(/../g) as string[]).join(":")}`;
}

/** Replaces the MAC address inside a net0 property string. */
export function withNewMac(cluster: Cluster, net: string | number | undefined): string | number | undefined {
  return typeof net === "string" ? net.replace(/([0-9A-F]{2}:){5}[0-9A-F]{2}/i, randomMac(cluster)) : net;
}

/** A stopped guest built from an image, registered at once (as PVE writes the config before the task runs). */
export function newGuest(cluster: Cluster, node: string, vmid: number, image: GuestImage, lock?: string): GuestState {
  const g: GuestState = {
    vmid,
    type: image.type,
    node,
    name: image.name,
    status: "stopped",
    ...(lock === undefined ? {} : { lock }),
    template: false,
    protection: false,
    snapshots: [],
    cores: image.cores,
    memory: image.memory,
    swap: image.swap,
    maxdisk: image.maxdisk,
    config: {},
    ...stoppedRuntime(),
  };
  cluster.guests.set(vmid, g);
  cluster.guestChanged(vmid);
  return g;
}
