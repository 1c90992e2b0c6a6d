import { integer, max, min, object, size, string, type Infer, type Struct } from "superstruct";
import type { OperationKind, Role } from "./protocol.ts";

/** Cluster ids are slugs chosen when a cluster is added. */
export const ClusterId = size(string(), 1, 64);
/** PVE accepts VMIDs from 100 to 999999999. */
export const Vmid = max(min(integer(), 100), 999_999_999);

export const GuestTarget = object({ cluster: ClusterId, vmid: Vmid });
export type GuestTarget = Infer<typeof GuestTarget>;

export interface CommandDefinition<P extends Struct<any, any>> {
  /** Validates the payload at every boundary (room message, HTTP body). */
  payload: P;
  /** The least role allowed to run it. */
  role: Role;
  /** The operation it creates. */
  operation: OperationKind;
  /** Asks the user to confirm before sending; the text names what will happen. */
  confirm: ((target: { name: string; vmid: number }) => string) | null;
  /** Short human label for buttons and logs. */
  label: string;
}

function define<P extends Struct<any, any>>(def: CommandDefinition<P>): CommandDefinition<P> {
  return def;
}

export const commands = {
  "guest.start": define({ payload: GuestTarget, role: "operator", operation: "start", confirm: null, label: "Start" }),
  "guest.shutdown": define({
    payload: GuestTarget,
    role: "operator",
    operation: "shutdown",
    confirm: null,
    label: "Shut down",
  }),
  "guest.stop": define({
    payload: GuestTarget,
    role: "operator",
    operation: "stop",
    confirm: (g) => `Stop ${g.name} (${g.vmid}) immediately? This cuts power without a clean shutdown.`,
    label: "Stop",
  }),
  "guest.reboot": define({
    payload: GuestTarget,
    role: "operator",
    operation: "reboot",
    confirm: (g) => `Reboot ${g.name} (${g.vmid})? Its services will be unavailable while it restarts.`,
    label: "Reboot",
  }),
} as const;

export type CommandName = keyof typeof commands;
export type CommandPayload<N extends CommandName> = Infer<(typeof commands)[N]["payload"]>;
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === "string" && Object.hasOwn(commands, name);
}

/** Maps an HTTP action path segment (`/actions/stop`) to its command. */
export function commandForAction(action: string): CommandName | undefined {
  const name = `guest.${action}`;
  return isCommandName(name) ? name : undefined;
}
