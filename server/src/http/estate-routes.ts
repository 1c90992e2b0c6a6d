import type { Express, Request } from "express";
import { enums, integer, max, min, object, optional } from "superstruct";
import { ClusterId, NodeName, StorageId, Vmid } from "../../../shared/src/commands.ts";
import type { AuthService } from "../auth/service.ts";
import { findGuest } from "../db/estate.ts";
import type { OperationContext } from "../operations/context.ts";
import { onlineNodes, placeGuest } from "../operations/plans/placement.ts";
import type { ProxmoxClient, StorageVolume } from "../proxmox/index.ts";
import { requireRole } from "./require-role.ts";
import { answerFromProxmox, parseOr400, sendRejection } from "./respond.ts";

const MiB = 1024 * 1024;
const GuestPath = object({ cluster: ClusterId, vmid: Vmid });
const PlacementQuery = object({ memoryMiB: optional(max(min(integer(), 16), 4_194_304)) });
const StoragePath = object({ cluster: ClusterId, node: NodeName, storage: StorageId });
const StorageQuery = object({ content: optional(enums(["backup", "rootdir", "images", "vztmpl", "iso"])), node: optional(NodeName) });

/** Read-only views that the operation dialogs need: placement, storages, backups (per guest and per storage), snapshots. */
export function registerEstateRoutes(app: Express, ops: OperationContext, auth: AuthService): void {
  const viewer = requireRole(auth, "viewer");

  const clientFor = (res: Parameters<typeof sendRejection>[0], clusterId: string): ProxmoxClient | null => {
    const client = ops.clusters.get(clusterId);
    if (!client) sendRejection(res, { code: "not_found", message: `No cluster "${clusterId}".` });
    return client ?? null;
  };
  const guestFor = async (req: Request<{ cluster: string; vmid: string }>, res: Parameters<typeof sendRejection>[0]) => {
    const path = parseOr400(res, GuestPath, { cluster: req.params.cluster, vmid: Number(req.params.vmid) });
    if (!path) return null;
    const client = clientFor(res, path.cluster);
    if (!client) return null;
    const guest = await findGuest(ops.sql, path.cluster, path.vmid);
    if (!guest) {
      sendRejection(res, { code: "not_found", message: `No guest ${path.vmid} in cluster ${path.cluster}.` });
      return null;
    }
    return { client, guest };
  };

  app.get("/api/clusters/:cluster/placement", viewer, async (req: Request<{ cluster: string }>, res) => {
    const query = parseOr400(res, PlacementQuery, numeric(req.query, ["memoryMiB"]));
    const client = query && clientFor(res, req.params.cluster);
    if (!query || !client) return;
    await answerFromProxmox(res, () => placeGuest(client, query.memoryMiB ?? 0));
  });

  app.get("/api/clusters/:cluster/storages", viewer, async (req: Request<{ cluster: string }>, res) => {
    const query = parseOr400(res, StorageQuery, { ...req.query });
    const client = query && clientFor(res, req.params.cluster);
    if (!query || !client) return;
    await answerFromProxmox(res, async () => {
      const nodes = query.node
        ? [query.node]
        : await onlineNodes(ops.sql, req.params.cluster);
      const storages = [];
      for (const node of nodes) {
        for (const s of await client.listStorages(node, query.content ? { content: query.content } : {})) {
          storages.push({ node, storage: s.storage, type: s.type, shared: Boolean(s.shared), availMiB: Math.floor((s.avail ?? 0) / MiB), totalMiB: Math.floor((s.total ?? 0) / MiB) });
        }
      }
      return { storages };
    });
  });

  app.get("/api/clusters/:cluster/guests/:vmid/backups", viewer, async (req: Request<{ cluster: string; vmid: string }>, res) => {
    const found = await guestFor(req, res);
    if (!found) return;
    const { client, guest } = found;
    await answerFromProxmox(res, async () => {
      const storages = await client.listStorages(guest.node, { content: "backup" });
      const backups = [];
      for (const s of storages) {
        const volumes = await client.storageContent(guest.node, s.storage, { content: "backup", vmid: guest.vmid });
        backups.push(...volumes.filter((v) => v.vmid === guest.vmid).map((v) => backupEntry(guest.node, s.storage, v)));
      }
      return { backups: newestFirst(backups) };
    });
  });

  // Every backup on one storage, including those of guests that no longer exist: the only way back to a deleted guest.
  app.get("/api/clusters/:cluster/nodes/:node/storages/:storage/backups", viewer, async (req: Request<{ cluster: string; node: string; storage: string }>, res) => {
    const path = parseOr400(res, StoragePath, { ...req.params });
    const client = path && clientFor(res, path.cluster);
    if (!path || !client) return;
    await answerFromProxmox(res, async () => {
      const volumes = await client.storageContent(path.node, path.storage, { content: "backup" });
      return { backups: newestFirst(volumes.filter((v) => v.content === undefined || v.content === "backup").map((v) => backupEntry(path.node, path.storage, v))) };
    });
  });

  app.get("/api/clusters/:cluster/guests/:vmid/snapshots", viewer, async (req: Request<{ cluster: string; vmid: string }>, res) => {
    const found = await guestFor(req, res);
    if (!found) return;
    const { client, guest } = found;
    await answerFromProxmox(res, async () => {
      const snapshots = (await client.listSnapshots(guest.node, guest.type, guest.vmid))
        .filter((s) => s.name !== "current")
        .map((s) => ({ name: s.name, description: s.description ?? "", createdAt: s.snaptime ? s.snaptime * 1000 : null, parent: s.parent ?? null }));
      return { snapshots };
    });
  });
}

interface BackupEntry {
  volid: string;
  vmid: number | null;
  guestType: "lxc" | "qemu" | null;
  node: string;
  storage: string;
  sizeMiB: number;
  createdAt: number;
  notes: string;
  protected: boolean;
}

function backupEntry(node: string, storage: string, v: StorageVolume): BackupEntry {
  const subtype = v.subtype ?? /vzdump-(lxc|qemu)-/.exec(v.volid)?.[1];
  return {
    volid: v.volid,
    vmid: v.vmid ?? null,
    guestType: subtype === "lxc" || subtype === "qemu" ? subtype : null,
    node,
    storage,
    sizeMiB: Math.round((v.size ?? 0) / MiB),
    createdAt: (v.ctime ?? 0) * 1000,
    notes: v.notes ?? "",
    protected: Boolean(v.protected),
  };
}

const newestFirst = (backups: BackupEntry[]) => backups.sort((a, b) => b.createdAt - a.createdAt);

/** Query strings are text; numeric fields are converted only when they look like integers, so the struct still names bad ones. */
function numeric(query: Request["query"], keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...query };
  for (const key of keys) {
    const raw = out[key];
    if (typeof raw === "string" && /^\d{1,10}$/.test(raw)) out[key] = Number(raw);
  }
  return out;
}
