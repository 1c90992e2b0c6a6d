import type { CommandName, CommandPayload } from "../../../shared/src/commands.ts";
import { cloneRules, resizeRules, validateCommand, type FieldErrors } from "../model/commandForms.ts";
import { formatDate, formatMiB } from "../model/format.ts";
import { listActionReason, type OperationContext } from "../model/guestOperations.ts";
import type { Backup, CatalogApp, Snapshot } from "../net/api.ts";

/** A command with its checked payload, ready for the command runner. */
export type CommandRequest = { [N in CommandName]: { name: N; payload: CommandPayload<N> } }[CommandName];

export interface FormAction {
  id: string;
  label: string;
  tone: "primary" | "normal" | "destructive";
  /** Why it cannot be pressed, or null. */
  disabledReason: string | null;
  /** What it sends; null when disabled. */
  request: CommandRequest | null;
  /** The panel's notice once the server has accepted it. */
  started: string;
}

export interface FormRow {
  id: string;
  label: string;
  detail: string;
  actions: FormAction[];
}

/**
 * A management form as a headset shows it: no typing, every answer is a button. Each row is one choice (a node, a
 * snapshot, a backup, a size step) with the actions it offers; the command each action sends is built and checked
 * with the same shared structs as the desktop sheet's.
 */
export interface HeadsetForm {
  title: string;
  note: string;
  rows: FormRow[];
  /** Shown when there are no rows. */
  empty: string;
}

/** The forms that need a list from the server first. */
export interface FormLists {
  snapshots?: readonly Snapshot[];
  backups?: readonly Backup[];
  apps?: readonly CatalogApp[];
}

function action<N extends CommandName>(
  id: string,
  label: string,
  tone: FormAction["tone"],
  name: N,
  payload: unknown,
  started: string,
  blocked: string | null = null,
  extra: FieldErrors = {},
): FormAction {
  if (blocked) return { id, label, tone, disabledReason: blocked, request: null, started };
  const result = validateCommand(name, payload, extra);
  if (!result.ok) return { id, label, tone, disabledReason: Object.values(result.errors).join(" "), request: null, started };
  return { id, label, tone, disabledReason: null, request: { name, payload: result.payload } as CommandRequest, started };
}

const titled = (ctx: OperationContext, what: string) => `${what} ${ctx.guest.name || `#${ctx.guest.vmid}`}`;
const target = (ctx: OperationContext) => ({ cluster: ctx.guest.clusterId, vmid: ctx.guest.vmid });

export function cloneForm(ctx: OperationContext): HeadsetForm {
  const { guest } = ctx;
  const name = `${guest.name || `vm${guest.vmid}`}-clone`.slice(0, 63);
  const nodes = [guest.node, ...ctx.otherOnlineNodes];
  const rows = nodes.map((node): FormRow => {
    const form = { ...target(ctx), name, node: node === guest.node ? undefined : node };
    const started = `Cloning ${guest.name} to ${name} on ${node}…`;
    const actions = [action("full", "Full copy", "primary", "guest.clone", { ...form, full: true }, started)];
    if (guest.template) actions.push(action("linked", "Linked", "normal", "guest.clone", { ...form, full: false }, started, null, cloneRules({ full: false }, true)));
    return { id: node, label: node, detail: node === guest.node ? "same node" : "", actions };
  });
  return { title: titled(ctx, "Clone"), note: `The copy is named ${name} and gets the next free VMID.`, rows, empty: "No online node to clone to." };
}

export function migrateForm(ctx: OperationContext): HeadsetForm {
  const { guest } = ctx;
  const rows = ctx.otherOnlineNodes.map(
    (node): FormRow => ({
      id: node,
      label: node,
      detail: "",
      actions: [action("migrate", "Migrate here…", "primary", "guest.migrate", { ...target(ctx), node }, `Migrating ${guest.name} to ${node}…`)],
    }),
  );
  return { title: titled(ctx, "Migrate"), note: `From ${guest.node} to the node you choose; the confirmation states the downtime.`, rows, empty: "No other online node in this cluster." };
}

const MIN_MEMORY_MIB = 64;
const coresLabel = (n: number) => `${n} core${n === 1 ? "" : "s"}`;

/** Each button changes one thing by a step a headset user would pick: a core, half or double the memory, a disk step. */
export function resizeForm(ctx: OperationContext): HeadsetForm {
  const { guest } = ctx;
  const diskGiB = Math.round(guest.maxDiskMiB / 1024);
  const started = `Resizing ${guest.name}…`;
  const resize = (id: string, label: string, change: { cores?: number; memoryMiB?: number; diskGiB?: number }, blocked: string | null = null) =>
    action(id, label, "normal", "guest.resize", { ...target(ctx), ...change }, started, blocked, resizeRules(change, diskGiB));
  const halfMemory = Math.floor(guest.maxMemMiB / 2 / MIN_MEMORY_MIB) * MIN_MEMORY_MIB;
  const rows: FormRow[] = [
    {
      id: "cores",
      label: "Cores",
      detail: `now ${coresLabel(guest.cpus)}`,
      actions: [
        resize("fewer", coresLabel(guest.cpus - 1), { cores: guest.cpus - 1 }, guest.cpus <= 1 ? "One core is the least." : null),
        resize("more", coresLabel(guest.cpus + 1), { cores: guest.cpus + 1 }),
      ],
    },
    {
      id: "memory",
      label: "Memory",
      detail: `now ${formatMiB(guest.maxMemMiB)}`,
      actions: [
        resize("half", formatMiB(halfMemory), { memoryMiB: halfMemory }, halfMemory < MIN_MEMORY_MIB ? `${MIN_MEMORY_MIB} MiB is the least.` : null),
        resize("double", formatMiB(guest.maxMemMiB * 2), { memoryMiB: guest.maxMemMiB * 2 }),
      ],
    },
    {
      id: "disk",
      label: "Root disk",
      detail: `now ${diskGiB} GiB`,
      actions: [resize("grow8", `${diskGiB + 8} GiB…`, { diskGiB: diskGiB + 8 }), resize("grow32", `${diskGiB + 32} GiB…`, { diskGiB: diskGiB + 32 })],
    },
  ];
  return { title: titled(ctx, "Resize"), note: "Each button sets one value. Disks only grow.", rows, empty: "" };
}

export function adoptForm(ctx: OperationContext, apps: readonly CatalogApp[]): HeadsetForm {
  const started = `Adopting ${ctx.guest.name}…`;
  const choices = [{ id: "", name: "No catalog app" }, ...apps.map((a) => ({ id: a.id, name: a.name }))];
  const rows = choices.map(
    (app): FormRow => ({
      id: app.id || "none",
      label: app.name,
      detail: "",
      actions: [action("adopt", "Adopt", "primary", "guest.adopt", { ...target(ctx), app: app.id || undefined }, started)],
    }),
  );
  return { title: titled(ctx, "Adopt"), note: "Choose what it runs. Nothing on the guest changes.", rows, empty: "" };
}

/** A snapshot name from the time it is taken: the form has no keyboard, and Proxmox needs a letter first. */
export function snapshotName(nowMs: number): string {
  const iso = new Date(nowMs).toISOString();
  return `vr-${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
}

export function snapshotsForm(ctx: OperationContext, snapshots: readonly Snapshot[], takeDisabled: string | null, nowMs: number): HeadsetForm {
  const snapname = snapshotName(nowMs);
  const take: FormRow = {
    id: "new",
    label: "New snapshot",
    detail: snapname,
    actions: [action("take", "Take now", "primary", "guest.snapshot", { ...target(ctx), snapname }, `Taking snapshot ${snapname}…`, takeDisabled)],
  };
  const real = snapshots.filter((s) => s.name !== "current").sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  const rows = real.map(
    (snap): FormRow => ({
      id: snap.name,
      label: snap.name,
      detail: formatDate(snap.createdAt),
      actions: [
        action("rollback", "Roll back…", "destructive", "snapshot.rollback", { ...target(ctx), snapname: snap.name }, `Rolling back to ${snap.name}…`, listActionReason("snapshot.rollback", ctx)),
        action("delete", "Delete…", "destructive", "snapshot.delete", { ...target(ctx), snapname: snap.name }, `Deleting snapshot ${snap.name}…`, listActionReason("snapshot.delete", ctx)),
      ],
    }),
  );
  return { title: titled(ctx, "Snapshots of"), note: "Newest first.", rows: [take, ...rows], empty: "" };
}

export function backupsForm(ctx: OperationContext, backups: readonly Backup[]): HeadsetForm {
  const stoppedReason = ctx.guest.status === "stopped" ? null : "Shut it down first: a guest is restored while stopped.";
  const rows = [...backups]
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((b): FormRow => {
      const volume = { ...target(ctx), volid: b.volid };
      return {
        id: b.volid,
        label: formatDate(b.createdAt),
        detail: `${formatMiB(b.sizeMiB)} · ${b.storage}${b.protected ? " · protected" : ""}`,
        actions: [
          action("restore-new", "As new", "primary", "backup.restoreAsNew", volume, "Restoring as a new guest…", listActionReason("backup.restoreAsNew", ctx)),
          action("restore", "Over it…", "destructive", "guest.restore", volume, "Restoring over the guest…", listActionReason("guest.restore", ctx) ?? stoppedReason),
          action("delete", "Delete…", "destructive", "backup.delete", volume, "Deleting the backup…", b.protected ? "Protected backups cannot be deleted." : listActionReason("backup.delete", ctx)),
        ],
      };
    });
  return { title: titled(ctx, "Backups of"), note: "Restore as a new guest, over this one, or delete. Newest first.", rows, empty: "No backups of this guest yet." };
}
