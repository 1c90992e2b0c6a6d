import { boolean, integer, max, min, object, optional, pattern, size, string, type Infer, type Struct } from "superstruct";
import type { OperationKind, Role } from "./protocol.ts";

/** Cluster ids are slugs chosen when a cluster is added. */
export const ClusterId = size(string(), 1, 64);
/** PVE accepts VMIDs from 100 to 999999999. */
export const Vmid = max(min(integer(), 100), 999_999_999);
/** A guest name becomes its hostname: PVE validates it as a DNS name. */
export const GuestName = pattern(size(string(), 1, 63), /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/);
export const NodeName = pattern(size(string(), 1, 63), /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/);
export const StorageId = pattern(size(string(), 2, 100), /^[a-zA-Z][a-zA-Z0-9._-]*$/);
/** A backup volume as Proxmox names it: `storage:backup/vzdump-lxc-101-2026_01_01-00_00_00.tar.zst`. */
export const BackupVolid = pattern(size(string(), 3, 255), /^[a-zA-Z][a-zA-Z0-9._-]*:backup\/[^\s/]+$/);
/** PVE's snapshot names: a letter, then letters, digits, `-` or `_`, 40 at most. */
export const SnapshotName = pattern(size(string(), 2, 40), /^[a-zA-Z][a-zA-Z0-9_-]*$/);
/** Catalog app ids are lower-case slugs. */
export const AppId = pattern(size(string(), 1, 63), /^[a-z0-9][a-z0-9_-]*$/);
const Cores = max(min(integer(), 1), 512);
const MemoryMiB = max(min(integer(), 64), 4_194_304);
const DiskGiB = max(min(integer(), 1), 65_536);
const Notes = size(string(), 0, 200);

export const GuestTarget = object({ cluster: ClusterId, vmid: Vmid });
export type GuestTarget = Infer<typeof GuestTarget>;

/** What a confirmation text may name about the guest it acts on. */
export interface ConfirmSubject {
  name: string;
  vmid: number;
  type: string;
  node: string;
}

export interface CommandDefinition<P extends Struct<any, any>> {
  /** Validates the payload at every boundary (room message, HTTP body). */
  payload: P;
  /** The least role allowed to run it. */
  role: Role;
  /** The operation it creates. */
  operation: OperationKind;
  /** Asks the user to confirm before sending; the text names what will happen (null: this payload needs no confirmation). */
  confirm: ((target: ConfirmSubject, payload: Infer<P>) => string | null) | null;
  /** The user must type the guest's name to confirm (the payload carries it as `confirmName`). */
  typeNameToConfirm: boolean;
  /** Short human label for buttons and logs. */
  label: string;
  /** Acts on an existing guest (the payload has `cluster` and `vmid`); false for deploy. */
  targetsGuest: boolean;
}

type Options<P extends Struct<any, any>> = Omit<CommandDefinition<P>, "typeNameToConfirm" | "targetsGuest" | "confirm"> &
  Partial<Pick<CommandDefinition<P>, "typeNameToConfirm" | "targetsGuest" | "confirm">>;

function define<P extends Struct<any, any>>(def: Options<P>): CommandDefinition<P> {
  return { confirm: null, typeNameToConfirm: false, targetsGuest: true, ...def };
}

const named = (g: ConfirmSubject) => `${g.name} (${g.vmid})`;

export const commands = {
  "guest.start": define({ payload: GuestTarget, role: "operator", operation: "start", label: "Start" }),
  "guest.shutdown": define({ payload: GuestTarget, role: "operator", operation: "shutdown", label: "Shut down" }),
  "guest.stop": define({
    payload: GuestTarget,
    role: "operator",
    operation: "stop",
    confirm: (g) => `Stop ${named(g)} immediately? This cuts power without a clean shutdown.`,
    label: "Stop",
  }),
  "guest.reboot": define({
    payload: GuestTarget,
    role: "operator",
    operation: "reboot",
    confirm: (g) => `Reboot ${named(g)}? Its services will be unavailable while it restarts.`,
    label: "Reboot",
  }),
  "app.deploy": define({
    payload: object({
      cluster: ClusterId,
      app: AppId,
      /** Omitted: the online node with the most free memory. */
      node: optional(NodeName),
      name: optional(GuestName),
      cores: optional(Cores),
      memoryMiB: optional(MemoryMiB),
      diskGiB: optional(DiskGiB),
      storage: optional(StorageId),
    }),
    role: "operator",
    operation: "deploy",
    label: "Deploy",
    targetsGuest: false,
  }),
  "guest.clone": define({
    payload: object({
      cluster: ClusterId,
      vmid: Vmid,
      name: GuestName,
      /** Omitted: the source's node. */
      node: optional(NodeName),
      /** Full copy (independent of the source) or linked clone (templates only, shares the base disk). */
      full: boolean(),
    }),
    role: "operator",
    operation: "clone",
    label: "Clone",
  }),
  "guest.backup": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, storage: optional(StorageId), notes: optional(Notes) }),
    role: "operator",
    operation: "backup",
    label: "Back up",
  }),
  "guest.restore": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, volid: BackupVolid }),
    role: "admin",
    operation: "restore",
    confirm: (g, p) =>
      `Restore ${p.volid} over ${named(g)}? Its current disks and configuration are replaced; everything written since that backup is lost.`,
    label: "Restore over",
  }),
  "backup.restoreAsNew": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, volid: BackupVolid, name: optional(GuestName), node: optional(NodeName) }),
    role: "operator",
    operation: "restore",
    label: "Restore as new",
  }),
  "backup.delete": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, volid: BackupVolid }),
    role: "admin",
    operation: "backup_delete",
    confirm: (g, p) => `Delete backup ${p.volid} of ${named(g)}? It cannot be restored afterwards.`,
    label: "Delete backup",
  }),
  "guest.migrate": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, node: NodeName }),
    role: "admin",
    operation: "migrate",
    confirm: (g, p) =>
      g.type === "lxc"
        ? `Migrate ${named(g)} from ${g.node} to ${p.node}? A container migrates by restarting: it is stopped during the copy (typically 10–60 s, longer for big disks).`
        : `Migrate ${named(g)} from ${g.node} to ${p.node}? A running VM migrates online, without downtime.`,
    label: "Migrate",
  }),
  "guest.resize": define({
    payload: object({
      cluster: ClusterId,
      vmid: Vmid,
      cores: optional(Cores),
      memoryMiB: optional(MemoryMiB),
      /** The root disk's new size; disks only grow. */
      diskGiB: optional(DiskGiB),
    }),
    role: "operator",
    operation: "resize",
    confirm: (g, p) =>
      p.diskGiB === undefined ? null : `Grow the root disk of ${named(g)} to ${p.diskGiB} GiB? Disks cannot be shrunk again.`,
    label: "Resize",
  }),
  "guest.snapshot": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, snapname: SnapshotName, description: optional(Notes) }),
    role: "operator",
    operation: "snapshot",
    label: "Snapshot",
  }),
  "snapshot.rollback": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, snapname: SnapshotName }),
    role: "admin",
    operation: "snapshot_rollback",
    confirm: (g, p) => `Roll ${named(g)} back to snapshot ${p.snapname}? Everything written since the snapshot is lost.`,
    label: "Roll back",
  }),
  "snapshot.delete": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, snapname: SnapshotName }),
    role: "admin",
    operation: "snapshot_delete",
    confirm: (g, p) => `Delete snapshot ${p.snapname} of ${named(g)}? You can no longer roll back to it.`,
    label: "Delete snapshot",
  }),
  "guest.delete": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, confirmName: size(string(), 1, 63) }),
    role: "admin",
    operation: "delete",
    confirm: (g) => `Delete ${named(g)} and all its disks? This cannot be undone. Type its name to confirm.`,
    typeNameToConfirm: true,
    label: "Delete",
  }),
  "guest.adopt": define({
    payload: object({ cluster: ClusterId, vmid: Vmid, app: optional(AppId) }),
    role: "operator",
    operation: "adopt",
    label: "Adopt",
  }),
} as const;

export type CommandName = keyof typeof commands;
export type CommandPayload<N extends CommandName> = Infer<(typeof commands)[N]["payload"]>;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === "string" && Object.hasOwn(commands, name);
}

/** The confirmation text for a command, or null when it runs without asking. */
export function confirmationFor<N extends CommandName>(name: N, target: ConfirmSubject, payload: CommandPayload<N>): string | null {
  const confirm = commands[name].confirm as CommandDefinition<Struct<CommandPayload<N>, any>>["confirm"];
  return confirm ? confirm(target, payload) : null;
}

/** Maps an HTTP action path segment (`/actions/stop`) to its command. */
export function commandForAction(action: string): CommandName | undefined {
  const name = `guest.${action}`;
  return isCommandName(name) ? name : undefined;
}
