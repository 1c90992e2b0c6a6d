import type { OperationKind, PowerKind } from "../../../../shared/src/protocol.ts";
import { findApp } from "../../db/apps.ts";
import type { GuestFacts } from "../../sync/model.ts";
import { hostStatus } from "./placement.ts";
import { diskContent, pickStorage } from "./storage.ts";
import { named, refuse, type PlanInput, type PlanResult } from "./types.ts";
import { allocateVmid } from "./vmid.ts";

type GuestPlanner = (input: PlanInput, guest: GuestFacts) => Promise<PlanResult>;

const plan = (guest: GuestFacts, kind: OperationKind, summary: string, params: Record<string, unknown> = {}, extra = {}): PlanResult => ({
  ok: true,
  plan: { kind, vmid: guest.vmid, node: guest.node, guestType: guest.type, summary, params, ...extra },
});

function power(kind: PowerKind, verb: string): GuestPlanner {
  return async (_input, g) => {
    if (g.template) return refuse("invalid_state", `${named(g)} is a template; templates cannot be started or stopped.`);
    if (kind === "start" && g.status === "running") return refuse("invalid_state", `${named(g)} is already running.`);
    if (kind !== "start" && g.status !== "running") return refuse("invalid_state", `${named(g)} is not running.`);
    return plan(g, kind, `${verb} ${g.name}`);
  };
}

async function targetNodeRefusal(input: PlanInput, node: string): Promise<string | null> {
  const status = await hostStatus(input.ctx.sql, input.cluster.id, node);
  if (status === null) return `No node ${node} in cluster ${input.cluster.name}.`;
  if (status !== "online") return `Node ${node} is ${status}.`;
  return null;
}

async function pickSharedStorage(input: PlanInput, g: GuestFacts): Promise<string | null> {
  const storages = await input.client.listStorages(g.node, { content: diskContent(g.type) });
  const shared = storages.filter((s) => s.shared && s.active !== false).sort((a, b) => (b.avail ?? 0) - (a.avail ?? 0));
  return shared[0]?.storage ?? null;
}

export const GUEST_PLANNERS: Record<string, GuestPlanner> = {
  "guest.start": power("start", "Start"),
  "guest.shutdown": power("shutdown", "Shut down"),
  "guest.stop": power("stop", "Stop"),
  "guest.reboot": power("reboot", "Reboot"),

  "guest.clone": async (input, g) => {
    const { payload } = input;
    if (!payload.full && !g.template) {
      return refuse("invalid_payload", `A linked clone needs a template; ${named(g)} is not one. Choose a full clone.`, {
        full: "linked clones are made from templates only",
      });
    }
    const targetNode: string = payload.node ?? g.node;
    const nodeProblem = await targetNodeRefusal(input, targetNode);
    if (nodeProblem) return refuse("invalid_payload", nodeProblem, { node: nodeProblem });
    // Proxmox clones to another node only onto storage both nodes share.
    let storage: string | undefined;
    if (targetNode !== g.node) {
      if (!payload.full) return refuse("invalid_payload", "A clone to another node must be a full clone.", { full: "must be full for another node" });
      const shared = await pickSharedStorage(input, g);
      if (!shared) return refuse("invalid_payload", `No shared storage on ${g.node} can hold the clone for ${targetNode}.`, { node: "no shared storage" });
      storage = shared;
    }
    const newid = await allocateVmid(input.ctx.sql, input.client, input.cluster.id);
    if (newid === null) return refuse("internal", "No free VMID found for the clone.");
    const snapname = g.template ? undefined : `proximity-clone-${newid}`;
    return plan(g, "clone", `Clone ${g.name} → ${payload.name} (${newid}) on ${targetNode}`, { name: payload.name, full: payload.full, snapname, storage }, {
      targetVmid: newid,
      targetNode,
    });
  },

  "guest.backup": async (input, g) => {
    const storage = await pickStorage(input.client, g.node, "backup", input.payload.storage);
    if (!storage.ok) return refuse("invalid_payload", storage.message, { storage: storage.message });
    return plan(g, "backup", `Back up ${g.name} to ${storage.storage}`, { storage: storage.storage, notes: input.payload.notes ?? "" });
  },

  "guest.restore": async (input, g) => {
    const volid: string = input.payload.volid;
    if (g.status !== "stopped") return refuse("invalid_state", `${named(g)} must be stopped before a backup is restored over it.`);
    if (!volid.includes(`vzdump-${g.type}-`)) {
      return refuse("invalid_payload", `${volid} is not a ${g.type === "lxc" ? "container" : "VM"} backup.`, { volid: "wrong guest type" });
    }
    const storage = await pickStorage(input.client, g.node, diskContent(g.type));
    if (!storage.ok) return refuse("invalid_state", storage.message);
    return plan(g, "restore", `Restore ${volid} over ${g.name}`, { volid, storage: storage.storage });
  },

  "backup.delete": async (input, g) => plan(g, "backup_delete", `Delete backup ${input.payload.volid}`, { volid: input.payload.volid }),

  "guest.migrate": async (input, g) => {
    const target: string = input.payload.node;
    if (target === g.node) return refuse("invalid_payload", `${named(g)} is already on ${target}.`, { node: "same node" });
    const nodeProblem = await targetNodeRefusal(input, target);
    if (nodeProblem) return refuse("invalid_payload", nodeProblem, { node: nodeProblem });
    if (g.status === "unknown") return refuse("invalid_state", `The state of ${named(g)} is unknown; try again once it reports.`);
    const how = g.status !== "running" ? "offline" : g.type === "lxc" ? "restart" : "online";
    return plan(g, "migrate", `Migrate ${g.name} ${g.node} → ${target} (${how})`, { wasRunning: g.status === "running" }, { targetNode: target });
  },

  "guest.resize": async (input, g) => {
    const { cores, memoryMiB, diskGiB } = input.payload;
    if (cores === undefined && memoryMiB === undefined && diskGiB === undefined) {
      return refuse("invalid_payload", "Nothing to resize: give cores, memoryMiB or diskGiB.", { "(payload)": "empty resize" });
    }
    if (diskGiB !== undefined && diskGiB * 1024 <= g.maxDiskMiB) {
      const now = Math.ceil(g.maxDiskMiB / 1024);
      return refuse("invalid_payload", `Disks only grow: ${named(g)} has ${now} GiB; choose more than that.`, { diskGiB: `must exceed ${now}` });
    }
    const parts = [cores && `${cores} cores`, memoryMiB && `${memoryMiB} MiB`, diskGiB && `${diskGiB} GiB disk`].filter(Boolean);
    return plan(g, "resize", `Resize ${g.name}: ${parts.join(", ")}`, { cores, memoryMiB, diskGiB });
  },

  "guest.snapshot": async (input, g) =>
    plan(g, "snapshot", `Snapshot ${g.name} as ${input.payload.snapname}`, { snapname: input.payload.snapname, description: input.payload.description ?? "" }),
  "snapshot.rollback": async (input, g) =>
    plan(g, "snapshot_rollback", `Roll ${g.name} back to ${input.payload.snapname}`, { snapname: input.payload.snapname }),
  "snapshot.delete": async (input, g) =>
    plan(g, "snapshot_delete", `Delete snapshot ${input.payload.snapname} of ${g.name}`, { snapname: input.payload.snapname }),

  "guest.delete": async (input, g) => {
    if (input.payload.confirmName !== g.name) {
      return refuse("invalid_payload", `Type the guest's name, ${g.name}, to confirm deleting it.`, { confirmName: "does not match the guest's name" });
    }
    if (g.status !== "stopped") return refuse("invalid_state", `${named(g)} must be stopped before it is deleted.`);
    return plan(g, "delete", `Delete ${g.name}`);
  },

  "guest.adopt": async (input, g) => {
    if (await findApp(input.ctx.sql, input.cluster.id, g.vmid)) return refuse("invalid_state", `${named(g)} is already managed by Proximity.`);
    return plan(g, "adopt", `Adopt ${g.name}${input.payload.app ? ` as ${input.payload.app}` : ""}`, { app: input.payload.app });
  },
};
