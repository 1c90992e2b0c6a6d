/**
 * Storage volume operations: DELETE …/storage/{storage}/content/{volume} (task `imgdel`, pve-storage
 * API2/Storage/Content.pm) and POST …/storage/{storage}/oci-registry-pull (PVE 9.1), which stores the
 * image as a `vztmpl` archive that container creation accepts like any template.
 */
import type { Cluster } from "../cluster.ts";
import { dieError } from "../errors.ts";
import { hexString, intBetween } from "../prng.ts";
import type { StorageItem } from "../state.ts";
import type { TaskWorker } from "../tasks.ts";
import { durationFor, kindOf, requireStorage } from "./common.ts";
import { volumePath } from "./paths.ts";

export function deleteVolume(cluster: Cluster, node: string, storageId: string, volume: string, taskUser: string): string {
  const storage = requireStorage(cluster, node, storageId);
  const volid = volume.includes(":") ? volume : `${storageId}:${volume}`;
  const item = storage.items.find((i) => i.volid === volid);
  if (!item) throw dieError(`volume '${volid}' does not exist`);
  const owner = item.vmid === undefined ? undefined : cluster.guests.get(item.vmid);
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [500, 2_000]),
    finish(out) {
      if (item.protected) throw new Error(`cannot remove protected archive '${volumePath(storage, item)}'`);
      const inUse = owner && (item.content === "images" || item.content === "rootdir") && Object.values(owner.config).some((v) => typeof v === "string" && v.split(",")[0] === volid);
      if (owner && inUse) throw new Error(`volume '${volid}' is still in use by ${kindOf(owner.type)} ${owner.vmid}`);
      storage.items = storage.items.filter((i) => i !== item);
      out.log(`Removed volume '${volid}'`);
    },
  };
  return cluster.tasks.start(node, "imgdel", `${item.vmid ?? ""}@${storageId}`, taskUser, worker).upid;
}

/** registry/name:tag → name_tag.tar, the file name the web UI proposes. */
function defaultFileName(reference: string): string {
  const [repo = "", tag = "latest"] = reference.split(/:(?=[^:/]+$)/);
  const name = repo.split("/").pop() ?? "image";
  return `${name}_${tag}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

export function pullOciImage(cluster: Cluster, node: string, storageId: string, reference: string, filename: string | undefined, taskUser: string): string {
  const storage = requireStorage(cluster, node, storageId);
  if (!storage.content.includes("vztmpl")) throw dieError(`storage '${storageId}' does not support content type 'vztmpl'`);
  const base = filename ?? defaultFileName(reference);
  const file = base.endsWith(".tar") ? base : `${base}.tar`;
  const item: StorageItem = {
    volid: `${storageId}:vztmpl/${file}`,
    content: "vztmpl",
    format: "tar",
    size: intBetween(cluster.rng, 3_000_000, 400_000_000),
    oci: true,
  };
  const path = volumePath(storage, item);
  if (storage.items.some((i) => i.volid === item.volid)) throw dieError(`refusing to override existing file '${path}'`);
  const worker: TaskWorker = {
    durationMs: durationFor(cluster, [3_000, 8_000], item.size, 40_000, 60_000),
    begin(out) {
      out.log(`pulling image '${reference}'`);
      out.log("Getting image source signatures");
    },
    finish(out) {
      for (let i = 0; i < 3; i++) out.log(`Copying blob sha256:${hexString(cluster.rng, 64)}`);
      out.log(`Copying config sha256:${hexString(cluster.rng, 64)}`);
      out.log("Writing manifest to image destination");
      out.log(`saved image to '${path}'`);
      storage.items.push({ ...item, ctime: Math.floor(cluster.now() / 1000) });
    },
  };
  return cluster.tasks.start(node, "download", file, taskUser, worker).upid;
}
