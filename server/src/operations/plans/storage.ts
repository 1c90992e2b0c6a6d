import type { ProxmoxClient } from "../../proxmox/index.ts";

/** The active storage on a node that holds this content type with the most room; a named one is checked instead. */
export async function pickStorage(
  client: ProxmoxClient,
  node: string,
  content: "backup" | "rootdir" | "images" | "vztmpl",
  named?: string,
): Promise<{ ok: true; storage: string } | { ok: false; message: string }> {
  const storages = (await client.listStorages(node, { content })).filter((s) => s.active !== false && s.enabled !== false);
  if (named) {
    return storages.some((s) => s.storage === named)
      ? { ok: true, storage: named }
      : { ok: false, message: `Storage ${named} on ${node} does not hold ${content} content (or is not active).` };
  }
  const best = [...storages].sort((a, b) => (b.avail ?? 0) - (a.avail ?? 0))[0];
  return best ? { ok: true, storage: best.storage } : { ok: false, message: `No active storage on ${node} holds ${content} content.` };
}

/** Where a guest of this type keeps its disks. */
export const diskContent = (type: "lxc" | "qemu"): "rootdir" | "images" => (type === "lxc" ? "rootdir" : "images");
