import type { Express, Request } from "express";
import { enums, integer, max, min, object, optional } from "superstruct";
import { ClusterId, NodeName, Vmid } from "../../../shared/src/commands.ts";
import type { AuthService } from "../auth/service.ts";
import { findGuest } from "../db/estate.ts";
import type { OperationContext } from "../operations/context.ts";
import { onlineNodes, placeGuest } from "../operations/plans/placement.ts";
import type { ProxmoxClient } from "../proxmox/index.ts";
import { requireRole } from "./require-role.ts";
import { answerFromProxmox, parseOr400, sendRejection } from "./respond.ts";

const MiB = 1024 * 1024;
const GuestPath = object({ cluster: ClusterId, vmid: Vmid });
const PlacementQuery = object({ memoryMiB: optional(max(min(integer(), 16), 4_194_304)) });
const StorageQuery = object({ content: optional(enums(["backup", "rootdir", "images", "vztmpl", "iso"])), node: optional(NodeName) });

/** Read-only views that the operation dialogs need: placement, storages, backups, snapshots. */
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
        for (const v of await client.storageContent(guest.node, s.storage, { content: "backup", vmid: guest.vmid })) {
          if (v.vmid !== guest.vmid) continue;
          backups.push({ volid: v.volid, storage: s.storage, sizeMiB: Math.round((v.size ?? 0) / MiB), createdAt: (v.ctime ?? 0) * 1000, notes: v.notes ?? "", protected: Boolean(v.protected) });
        }
      }
      return { backups: backups.sort((a, b) => b.createdAt - a.createdAt) };
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

/** Query strings are text; numeric fields are converted only when they look like integers, so the struct still names bad ones. */
function numeric(query: Request["query"], keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...query };
  for (const key of keys) {
    const raw = out[key];
    if (typeof raw === "string" && /^\d{1,10}$/.test(raw)) out[key] = Number(raw);
  }
  return out;
}
