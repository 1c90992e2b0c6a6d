/** Filesystem paths PVE prints in task logs for volumes of directory-like storages. */
import type { StorageItem, StorageState } from "../state.ts";

const SUBDIRS: Partial<Record<StorageItem["content"], string>> = { vztmpl: "template/cache", backup: "dump", iso: "template/iso" };

export function volumePath(storage: StorageState, item: StorageItem): string {
  const file = item.volid.slice(item.volid.indexOf(":") + 1).split("/").pop() ?? "";
  const sub = SUBDIRS[item.content];
  if (storage.path && sub) return `${storage.path}/${sub}/${file}`;
  return `/dev/pve/${file}`;
}
