/** Guest lists, status, config and power actions under /nodes/{node}/{lxc|qemu}. */
import { taskUser } from "../auth.ts";
import { dieError } from "../errors.ts";
import { powerAction, type PowerAction } from "../lifecycle.ts";
import type { GuestState, GuestType } from "../state.ts";
import { guestConfig, guestCurrent, guestListEntry } from "../views.ts";
import { flag, num, optNum, optStr, requirePrincipal, str, type Handler, type HandlerContext, type Reply } from "./context.ts";

/** PVE loads nodes/<node>/<lxc|qemu-server>/<vmid>.conf: a guest elsewhere is "not found" here. */
function loadGuest(ctx: HandlerContext, type: GuestType): GuestState {
  const node = str(ctx, "node");
  const vmid = num(ctx, "vmid");
  const g = ctx.cluster.guestOn(node, type, vmid);
  if (!g) throw dieError(`Configuration file 'nodes/${node}/${type === "lxc" ? "lxc" : "qemu-server"}/${vmid}.conf' does not exist`);
  return g;
}

export function listGuests(type: GuestType): Handler {
  return (ctx) => {
    const node = str(ctx, "node");
    const data = [...ctx.cluster.guests.values()]
      .filter((g) => g.node === node && g.type === type)
      .map((g) => guestListEntry(ctx.cluster, g));
    return { data };
  };
}

export function currentStatus(type: GuestType): Handler {
  return (ctx) => ({ data: guestCurrent(ctx.cluster, loadGuest(ctx, type)) });
}

export function readConfig(type: GuestType): Handler {
  return (ctx): Reply => {
    const g = loadGuest(ctx, type);
    const name = optStr(ctx, "snapshot");
    if (name === undefined) return { data: guestConfig(g) };
    const snap = g.snapshots.find((s) => s.name === name);
    if (!snap) throw dieError(`snapshot '${name}' does not exist`);
    return { data: guestConfig({ ...snap.image, snaptime: snap.snaptime, parent: snap.parent, vmstate: snap.vmstate }) };
  };
}

export function power(type: GuestType, action: PowerAction): Handler {
  return (ctx) => {
    const principal = requirePrincipal(ctx);
    const upid = powerAction(ctx.cluster, {
      node: str(ctx, "node"),
      type,
      vmid: num(ctx, "vmid"),
      action,
      authUser: taskUser(principal),
      taskUser: taskUser(principal),
      params: { skiplock: flag(ctx, "skiplock"), timeout: optNum(ctx, "timeout"), forceStop: flag(ctx, "forceStop") },
    });
    return { data: upid };
  };
}
