/**
 * Parameters of the guest and storage operations, named as PVE names them, and the checks the client
 * makes before sending (anything else PVE verifies itself and answers with a 400 per parameter).
 */
import type { GuestType } from "./client.ts";
import type { Params } from "./params.ts";

export interface CreateContainerParams {
  vmid: number;
  /** Template volid (`local:vztmpl/debian-12-…tar.zst`, or an OCI image `.tar`), or with `restore` a backup volid. */
  ostemplate: string;
  hostname?: string;
  cores?: number;
  /** MiB. */
  memory?: number;
  /** MiB. */
  swap?: number;
  /** `<storage>:<GiB>`, e.g. `local-lvm:8`. */
  rootfs?: string;
  /** Property string, e.g. `name=eth0,bridge=vmbr0,ip=dhcp`. */
  net0?: string;
  unprivileged?: boolean;
  /** Property string, e.g. `nesting=1`. */
  features?: string;
  /** `;`-separated. */
  tags?: string;
  description?: string;
  start?: boolean;
  password?: string;
  "ssh-public-keys"?: string;
  /** OCI application containers: command to run instead of /sbin/init. */
  entrypoint?: string;
  /** OCI application containers: `KEY=value` pairs separated by NUL characters. */
  env?: string;
  /** Restore `ostemplate` (a backup) instead of creating from a template. */
  restore?: boolean;
  /** With `restore`: overwrite an existing, stopped, unprotected container of that vmid. */
  force?: boolean;
  /** Default storage for volumes (restores without `rootfs`). */
  storage?: string;
}

export interface RestoreVmParams {
  vmid: number;
  /** Backup volid, e.g. `local:backup/vzdump-qemu-100-2026_01_01-12_00_00.vma.zst`. */
  archive: string;
  force?: boolean;
  storage?: string;
  /** Regenerate MAC addresses. */
  unique?: boolean;
}

export interface CloneParams {
  newid: number;
  /** The clone's name: sent as `hostname` for containers and `name` for VMs. */
  name?: string;
  description?: string;
  target?: string;
  /** Default: full for ordinary guests, linked for templates. */
  full?: boolean;
  snapname?: string;
  /** Full clones only. */
  storage?: string;
}

export interface VzdumpParams {
  vmid: number;
  storage?: string;
  mode?: "snapshot" | "suspend" | "stop";
  compress?: "zstd" | "gzip" | "lzo" | "0";
  /** Notes of the archive; `{{guestname}}`, `{{vmid}}`, `{{node}}`, `{{cluster}}` are expanded. */
  "notes-template"?: string;
}

export interface MigrateParams {
  target: string;
  /** QEMU: live-migrate a running VM. */
  online?: boolean;
  /** LXC: shut a running container down, move it and start it on the target. */
  restart?: boolean;
}

export interface DeleteGuestParams {
  /** Also remove the guest from backup jobs, replication and HA. */
  purge?: boolean;
  "destroy-unreferenced-disks"?: boolean;
}

export interface OciPullParams {
  /** e.g. `docker.io/library/nginx:1.27`. */
  reference: string;
  /** Target file name in `vztmpl/`; PVE derives one from the reference when absent. */
  filename?: string;
}

/** The guest's name parameter: `hostname` for containers, `name` for VMs. */
export function cloneRequest(type: GuestType, params: CloneParams): Params {
  const { name, ...rest } = params;
  return { ...rest, [type === "lxc" ? "hostname" : "name"]: name };
}

/** PVE accepts one snapshot name format (pve-configid); checking here gives a clearer local error. */
export function assertSnapshotName(snapname: string): void {
  if (!/^[a-z][a-z0-9_-]+$/i.test(snapname) || snapname.length > 40) {
    throw new TypeError(`snapshot name must start with a letter, use letters, digits, '-' or '_' and be 2-40 long, got ${JSON.stringify(snapname)}`);
  }
}
