/** /nodes, /nodes/{node}/status and the storage endpoints (pve-manager Nodes.pm, pve-storage Status.pm). */
import { dieError } from "../errors.ts";
import type { StorageState } from "../state.ts";
import { nodeIndexEntry, nodeStatus, storageStatus } from "../views.ts";
import { flag, optNum, optStr, str, type HandlerContext, type Reply } from "./context.ts";

export function listNodes(ctx: HandlerContext): Reply {
  return { data: [...ctx.cluster.nodes.values()].map((n) => nodeIndexEntry(ctx.cluster, n)) };
}

export function getNodeStatus(ctx: HandlerContext): Reply {
  return { data: nodeStatus(ctx.cluster, ctx.cluster.requireNode(str(ctx, "node"))) };
}

function findStorage(ctx: HandlerContext): StorageState {
  const id = str(ctx, "storage");
  const s = ctx.cluster.requireNode(str(ctx, "node")).storages.find((x) => x.storage === id);
  if (!s) throw dieError(`storage '${id}' does not exist`);
  return s;
}

export function listStorages(ctx: HandlerContext): Reply {
  const node = ctx.cluster.requireNode(str(ctx, "node"));
  const wanted = optStr(ctx, "content")?.split(/[,;\s]+/).filter(Boolean);
  const only = optStr(ctx, "storage");
  const target = optStr(ctx, "target");
  // With a different target node only shared storages qualify.
  const data = node.storages
    .filter((s) => !target || target === node.name || s.shared)
    .filter((s) => !only || s.storage === only)
    .filter((s) => !wanted || wanted.some((c) => s.content.includes(c)))
    .map((s) => {
      const entry: Record<string, unknown> = storageStatus(s);
      if (flag(ctx, "format")) {
        entry.format = s.type !== "lvmthin" ? [{ raw: 1, qcow2: 1, vmdk: 1, subvol: 1 }, "qcow2"] : [{ raw: 1 }, "raw"];
      }
      return entry;
    });
  return { data };
}

export function getStorageStatus(ctx: HandlerContext): Reply {
  const { storage: _id, used_fraction: _fraction, ...status } = storageStatus(findStorage(ctx));
  return { data: status };
}

export function listStorageContent(ctx: HandlerContext): Reply {
  const s = findStorage(ctx);
  const content = optStr(ctx, "content");
  const vmid = optNum(ctx, "vmid");
  const data = s.items
    .filter((i) => !content || i.content === content)
    .filter((i) => vmid === undefined || i.vmid === vmid)
    .map((i) => {
      const entry: Record<string, unknown> = { volid: i.volid, content: i.content, format: i.format, size: i.size };
      if (i.vmid !== undefined) entry.vmid = i.vmid;
      if (i.ctime !== undefined) entry.ctime = i.ctime;
      if (i.subtype) entry.subtype = i.subtype;
      if (i.notes) entry.notes = i.notes;
      if (i.content === "backup") entry.protected = i.protected ? 1 : 0;
      if (i.content === "images" || i.content === "rootdir") entry.used = Math.round(i.size * 0.35);
      return entry;
    })
    .sort((a, b) => String(a.volid).localeCompare(String(b.volid)));
  return { data };
}
