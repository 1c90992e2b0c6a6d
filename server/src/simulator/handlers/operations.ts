/** Guest and storage operations: create/restore, clone, snapshots, backup, migrate, config, destroy. */
import { taskUser } from "../auth.ts";
import type { GuestType } from "../state.ts";
import { vzdump } from "../ops/backup.ts";
import { cloneGuest } from "../ops/clone.ts";
import { resizeDisk, updateConfig } from "../ops/config.ts";
import { createContainer, restoreVm } from "../ops/create.ts";
import { destroyGuest } from "../ops/destroy.ts";
import { containerInterfaces } from "../ops/interfaces.ts";
import { migrateGuest } from "../ops/migrate.ts";
import { createSnapshot, deleteSnapshot, listSnapshots, rollbackSnapshot } from "../ops/snapshots.ts";
import { deleteVolume, pullOciImage } from "../ops/volumes.ts";
import { flag, num, optStr, requirePrincipal, str, type Handler, type HandlerContext } from "./context.ts";

const user = (ctx: HandlerContext) => taskUser(requirePrincipal(ctx));

export function createGuest(type: GuestType): Handler {
  return (ctx) => {
    const req = { node: str(ctx, "node"), params: ctx.params, authUser: user(ctx), taskUser: user(ctx) };
    return { data: type === "lxc" ? createContainer(ctx.cluster, req) : restoreVm(ctx.cluster, req) };
  };
}

export function clone(type: GuestType): Handler {
  return (ctx) => ({ data: cloneGuest(ctx.cluster, { node: str(ctx, "node"), type, vmid: num(ctx, "vmid"), params: ctx.params, taskUser: user(ctx) }) });
}

function snapshotRequest(ctx: HandlerContext, type: GuestType) {
  return { node: str(ctx, "node"), type, vmid: num(ctx, "vmid"), snapname: str(ctx, "snapname"), taskUser: user(ctx) };
}

export function snapshots(type: GuestType): Handler {
  return (ctx) => ({ data: listSnapshots(ctx.cluster, str(ctx, "node"), type, num(ctx, "vmid")) });
}

export function snapshot(type: GuestType): Handler {
  return (ctx) => ({ data: createSnapshot(ctx.cluster, snapshotRequest(ctx, type), optStr(ctx, "description"), flag(ctx, "vmstate")) });
}

export function rollback(type: GuestType): Handler {
  return (ctx) => ({ data: rollbackSnapshot(ctx.cluster, snapshotRequest(ctx, type), flag(ctx, "start")) });
}

export function removeSnapshot(type: GuestType): Handler {
  return (ctx) => ({ data: deleteSnapshot(ctx.cluster, snapshotRequest(ctx, type)) });
}

export function migrate(type: GuestType): Handler {
  return (ctx) => ({
    data: migrateGuest(ctx.cluster, {
      node: str(ctx, "node"),
      type,
      vmid: num(ctx, "vmid"),
      target: str(ctx, "target"),
      online: flag(ctx, "online"),
      restart: flag(ctx, "restart"),
      taskUser: user(ctx),
    }),
  });
}

export function destroy(type: GuestType): Handler {
  return (ctx) => ({ data: destroyGuest(ctx.cluster, { node: str(ctx, "node"), type, vmid: num(ctx, "vmid"), purge: flag(ctx, "purge"), force: flag(ctx, "force"), taskUser: user(ctx) }) });
}

export function writeConfig(type: GuestType): Handler {
  return (ctx) => ({ data: updateConfig(ctx.cluster, str(ctx, "node"), type, num(ctx, "vmid"), ctx.params) });
}

export function resize(type: GuestType): Handler {
  return (ctx) => ({
    data: resizeDisk(ctx.cluster, { node: str(ctx, "node"), type, vmid: num(ctx, "vmid"), disk: str(ctx, "disk"), size: str(ctx, "size"), taskUser: user(ctx) }),
  });
}

export function interfaces(ctx: HandlerContext) {
  return { data: containerInterfaces(ctx.cluster, str(ctx, "node"), num(ctx, "vmid")) };
}

export function backup(ctx: HandlerContext) {
  return { data: vzdump(ctx.cluster, { node: str(ctx, "node"), params: ctx.params, taskUser: user(ctx) }) };
}

export function removeVolume(ctx: HandlerContext) {
  return { data: deleteVolume(ctx.cluster, str(ctx, "node"), str(ctx, "storage"), str(ctx, "volume"), user(ctx)) };
}

export function ociPull(ctx: HandlerContext) {
  return { data: pullOciImage(ctx.cluster, str(ctx, "node"), str(ctx, "storage"), str(ctx, "reference"), optStr(ctx, "filename"), user(ctx)) };
}
