import { COMMAND_NAMES, commands, type CommandName } from "../../../shared/src/commands.ts";
import { roleAllows, type Role } from "../../../shared/src/protocol.ts";
import type { LedState } from "./ledState.ts";
import type { GuestRecord } from "./records.ts";

export interface GuestAction {
  command: CommandName;
  label: string;
  /** Asks first: the shared command definition has a confirmation text. */
  needsConfirm: boolean;
  /** The one highlighted action. */
  primary: boolean;
  /** Interrupts service: shown red and apart from the others. */
  destructive: boolean;
  /** Why it cannot be used now, or null when it can. */
  disabledReason: string | null;
}

/** Which power states each command applies to; the command list itself comes from shared/src/commands.ts. */
const APPLIES_WHEN: Record<string, readonly string[]> = {
  start: ["stopped"],
  shutdown: ["running"],
  reboot: ["running"],
  stop: ["running"],
};

const PRIMARY: Record<string, string> = { stopped: "start", running: "shutdown" };

/**
 * The actions offered for a guest: those that fit its power state, in the shared command order, each disabled with a
 * reason while the guest is busy, unreachable, a template, or beyond the user's role.
 */
export function guestActions(guest: GuestRecord, led: LedState, role: Role): GuestAction[] {
  const actions: GuestAction[] = [];
  for (const command of COMMAND_NAMES) {
    const def = commands[command];
    if (!(APPLIES_WHEN[def.operation] ?? []).includes(guest.status)) continue;
    let disabledReason: string | null = null;
    if (led === "offline") disabledReason = "Its host is unreachable.";
    else if (led === "busy") disabledReason = "An operation is already in progress.";
    else if (guest.template) disabledReason = "Templates cannot be powered on.";
    else if (!roleAllows(role, def.role)) disabledReason = `Needs the ${def.role} role.`;
    actions.push({
      command,
      label: def.label,
      needsConfirm: def.confirm !== null,
      primary: PRIMARY[guest.status] === def.operation,
      destructive: def.confirm !== null,
      disabledReason,
    });
  }
  return actions;
}

/** The label of the command that creates operations of `kind` (for logs). */
export function labelForOperation(kind: string): string {
  const name = COMMAND_NAMES.find((n) => commands[n].operation === kind);
  return name ? commands[name].label : kind;
}
