import { commands, type CommandName } from "../../../shared/src/commands.ts";
import { roleAllows, type Role } from "../../../shared/src/protocol.ts";
import type { Estate } from "./estate.ts";
import { guestLedState, type LedState } from "./ledState.ts";
import type { GuestRecord } from "./records.ts";

/** The management sections a guest offers beside its power buttons (each opens a form or a list). */
export type GuestOperationId = "clone" | "backup" | "backups" | "snapshots" | "resize" | "migrate" | "delete" | "adopt";

export interface GuestOperation {
  id: GuestOperationId;
  label: string;
  /** The command it sends, for its role and confirmation. Lists (backups, snapshots) name the command they create. */
  command: CommandName;
  /** Destroys or replaces data: shown red and apart. */
  destructive: boolean;
  /** Why it cannot be used now, or null when it can. */
  disabledReason: string | null;
}

export interface OperationContext {
  guest: GuestRecord;
  led: LedState;
  role: Role;
  /** Online nodes of the guest's cluster other than its own (migration and clone targets). */
  otherOnlineNodes: readonly string[];
}

const SECTIONS: ReadonlyArray<{ id: GuestOperationId; label: string; command: CommandName; destructive?: boolean; browse?: boolean }> = [
  { id: "clone", label: "Clone", command: "guest.clone" },
  { id: "backup", label: "Back up now", command: "guest.backup" },
  { id: "backups", label: "Backups", command: "backup.restoreAsNew", browse: true },
  { id: "snapshots", label: "Snapshots", command: "guest.snapshot", browse: true },
  { id: "resize", label: "Resize", command: "guest.resize" },
  { id: "migrate", label: "Migrate", command: "guest.migrate" },
  { id: "adopt", label: "Adopt", command: "guest.adopt" },
  { id: "delete", label: "Delete", command: "guest.delete", destructive: true },
];

/** Why the user's role cannot run `command`, or null when it can. */
export function roleReason(command: CommandName, role: Role): string | null {
  const needed = commands[command].role;
  return roleAllows(role, needed) ? null : `Needs the ${needed} role.`;
}

/** Reasons that hold for every operation on the guest: unreachable, busy or locked. */
function stateReason({ guest, led }: OperationContext): string | null {
  if (led === "offline") return "Its host is unreachable.";
  if (led === "busy") return guest.lock ? `Locked by Proxmox (${guest.lock}).` : "An operation is already in progress.";
  return null;
}

function sectionReason(id: GuestOperationId, ctx: OperationContext): string | null {
  const { guest } = ctx;
  switch (id) {
    case "migrate":
      return ctx.otherOnlineNodes.length === 0 ? "No other online node in this cluster." : null;
    case "delete":
      return guest.status === "stopped" ? null : "Shut it down first: only a stopped guest can be deleted.";
    case "snapshots":
      return guest.template ? "Templates cannot have snapshots." : null;
    case "resize":
      return guest.template ? "Templates cannot be resized; clone it first." : null;
    default:
      return null;
  }
}

export function operationLabel(id: GuestOperationId): string {
  return SECTIONS.find((s) => s.id === id)!.label;
}

/**
 * The management operations for a guest, in a fixed order, each disabled with the first reason that applies:
 * the host state, then the guest's own state, then the user's role. Browsing lists (backups, snapshots) only needs
 * the viewer role; the actions inside them check their own commands. Adopt is offered only for unmanaged guests.
 */
export function guestOperations(ctx: OperationContext): GuestOperation[] {
  return SECTIONS.filter((s) => s.id !== "adopt" || !ctx.guest.managed).map((s) => {
    const disabledReason =
      (s.browse ? (ctx.led === "offline" ? "Its host is unreachable." : null) : stateReason(ctx)) ??
      sectionReason(s.id, ctx) ??
      (s.browse ? null : roleReason(s.command, ctx.role));
    return { id: s.id, label: s.label, command: s.command, destructive: s.destructive === true, disabledReason };
  });
}

/** Why a command inside a list (restore, roll back, delete) cannot run now, or null. */
export function listActionReason(command: CommandName, ctx: OperationContext): string | null {
  return stateReason(ctx) ?? roleReason(command, ctx.role);
}

/** Online nodes of the guest's cluster other than its own (migration and clone targets). */
export function otherOnlineNodes(estate: Estate, guest: GuestRecord): string[] {
  return [...estate.hosts.values()]
    .filter((host) => host.clusterId === guest.clusterId && host.node !== guest.node && host.status === "online")
    .map((host) => host.node)
    .sort();
}

export function operationContext(estate: Estate, guest: GuestRecord, role: Role): OperationContext {
  return { guest, led: guestLedState(estate, guest.key), role, otherOnlineNodes: otherOnlineNodes(estate, guest) };
}
