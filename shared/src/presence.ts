import { max, min, number, object, optional, pattern, record, size, string, unknown, type Infer } from "superstruct";
import { commands, isCommandName, type CommandName } from "./commands.ts";
import { roleAllows, type Role } from "./protocol.ts";

/** Client → server messages about being together in the hall (commands live in commands.ts). */
export const PRESENCE_MESSAGES = {
  /** Where I stand and what I have selected; sent at most PRESENCE_RATE_HZ times a second, only when it changed. */
  update: "presence.update",
  /** Point at a spot: everyone sees and hears a ping there. */
  ping: "presence.ping",
  /** Admin only: everyone glides to where the admin stands. */
  summon: "presence.summon",
  /** Request: ask an admin to run a command you may not run yourself; replies `{ proposalId }`. */
  propose: "proposal.create",
  /** Request, admin only: run a pending proposal; replies `{ operationId }`. */
  approve: "proposal.approve",
  /** Request, admin only: drop a pending proposal with a reason the proposer sees. */
  reject: "proposal.reject",
} as const;

/** Server → client broadcasts. */
export const PRESENCE_EVENTS = {
  pinged: "presence.pinged",
  summoned: "presence.summoned",
  /** Sent to the proposer's connections when an admin rejects their proposal or it expires. */
  proposalClosed: "proposal.closed",
} as const;

export const PRESENCE_RATE_HZ = 20;

/** The hall is at most a few hundred metres across; anything beyond is a broken or hostile client. */
const Coordinate = max(min(number(), -10_000), 10_000);
const Angle = max(min(number(), -100), 100);
/** "cluster/vmid", or "" for nothing selected. */
export const SelectionKey = pattern(size(string(), 0, 80), /^$|^[^/\s]{1,64}\/[1-9][0-9]{2,8}$/);

export const PresenceUpdate = object({
  x: Coordinate,
  y: Coordinate,
  z: Coordinate,
  yaw: Angle,
  pitch: Angle,
  selection: SelectionKey,
});
export type PresenceUpdate = Infer<typeof PresenceUpdate>;

export const PingRequest = object({ x: Coordinate, y: Coordinate, z: Coordinate });
export type PingRequest = Infer<typeof PingRequest>;

export const SummonRequest = object({});

export const ProposeRequest = object({ command: size(string(), 1, 64), payload: record(string(), unknown()) });
export type ProposeRequest = Infer<typeof ProposeRequest>;

export const DecideRequest = object({ id: size(string(), 1, 64), reason: optional(size(string(), 0, 200)) });
export type DecideRequest = Infer<typeof DecideRequest>;

export interface PingEvent {
  sessionId: string;
  name: string;
  color: string;
  x: number;
  y: number;
  z: number;
}

export interface SummonEvent {
  by: string;
  x: number;
  y: number;
  z: number;
  yaw: number;
}

export interface ProposalClosedEvent {
  id: string;
  summary: string;
  outcome: "rejected" | "expired";
  by: string;
  reason: string;
}

/**
 * Why this role may not propose this command, or null when it may. A proposal asks for a role you lack, so it is
 * open to operators for commands above them; viewers watch and never propose, and admins run commands directly.
 */
export function proposalRefusal(role: Role, command: string): string | null {
  if (!isCommandName(command)) return `Unknown command ${JSON.stringify(command.slice(0, 64))}.`;
  const definition = commands[command];
  if (role === "viewer") return "Viewers cannot propose operations; ask an operator.";
  if (roleAllows(role, definition.role)) return `You may run ${definition.label} yourself; there is nothing to propose.`;
  return null;
}

/** The commands this role could propose (those it may not run itself), for the propose menu. */
export function proposableCommands(role: Role): CommandName[] {
  return (Object.keys(commands) as CommandName[]).filter((name) => commands[name].targetsGuest && proposalRefusal(role, name) === null);
}

/** Only admins decide on proposals. */
export function mayDecide(role: Role): boolean {
  return role === "admin";
}
