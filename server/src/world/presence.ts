import { PingRequest, PresenceUpdate, SummonRequest, type PingEvent, type SummonEvent } from "../../../shared/src/presence.ts";
import type { Rejection, Role } from "../../../shared/src/protocol.ts";
import { Presence, type WorldState } from "../../../shared/src/schema/world.ts";
import { validatePayload } from "../operations/validate.ts";

/** Avatar colours: distinct from each other and from the status colours (green, amber, red), so no one reads as a state. */
export const AVATAR_COLORS = ["#3ad6ff", "#b18cff", "#ff7ac8", "#7aa2ff", "#5ee6d0", "#e0b3ff", "#8fd3ff", "#f2f5fa"] as const;

/** A ping is a broadcast to everyone: a few a second is pointing, more is noise. */
export const MIN_PING_INTERVAL_MS = 250;

export interface PresenceMember {
  sessionId: string;
  name: string;
  role: Role;
}

export type PresenceResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

/**
 * Who is in the hall and where: the `users` map of the room state. Plain rules on the state, with time passed in;
 * the room only routes messages here.
 */
export class PresenceRoster {
  readonly #lastPing = new Map<string, number>();

  constructor(
    private readonly state: WorldState,
    private readonly now: () => Date,
  ) {}

  join(member: PresenceMember): Presence {
    const presence = new Presence({
      sessionId: member.sessionId,
      name: member.name,
      role: member.role,
      color: this.#colorFor(member.name),
      updatedAt: this.now().getTime(),
    });
    this.state.users.set(member.sessionId, presence);
    return presence;
  }

  update(sessionId: string, raw: unknown): PresenceResult<null> {
    const presence = this.state.users.get(sessionId);
    if (!presence) return refuse("not_found", "You are not in the hall.");
    const valid = validatePayload(PresenceUpdate, raw);
    if (!valid.ok) return valid;
    const next = valid.value;
    // Assign only what changed, so a user standing still costs no patch bytes.
    for (const field of ["x", "y", "z", "yaw", "pitch", "selection"] as const) {
      if (presence[field] !== next[field]) (presence as Record<typeof field, unknown>)[field] = next[field];
    }
    if (!presence.placed) presence.placed = true;
    presence.updatedAt = this.now().getTime();
    return { ok: true, value: null };
  }

  /** The connection dropped: keep the place, show the avatar as away, until it comes back or the window ends. */
  setConnected(sessionId: string, connected: boolean): void {
    const presence = this.state.users.get(sessionId);
    if (presence && presence.connected !== connected) presence.connected = connected;
  }

  leave(sessionId: string): void {
    this.state.users.delete(sessionId);
    this.#lastPing.delete(sessionId);
  }

  ping(sessionId: string, raw: unknown): PresenceResult<PingEvent> {
    const presence = this.state.users.get(sessionId);
    if (!presence) return refuse("not_found", "You are not in the hall.");
    const valid = validatePayload(PingRequest, raw);
    if (!valid.ok) return valid;
    const at = this.now().getTime();
    const last = this.#lastPing.get(sessionId);
    if (last !== undefined && at - last < MIN_PING_INTERVAL_MS) {
      return refuse("busy", `One ping every ${MIN_PING_INTERVAL_MS} ms at most.`);
    }
    this.#lastPing.set(sessionId, at);
    return { ok: true, value: { sessionId, name: presence.name, color: presence.color, ...valid.value } };
  }

  /** An admin calls everyone to where they stand. */
  summon(sessionId: string, role: Role, raw: unknown): PresenceResult<SummonEvent> {
    const valid = validatePayload(SummonRequest, raw);
    if (!valid.ok) return valid;
    if (role !== "admin") return refuse("forbidden", `Bringing everyone to you needs the admin role; you are ${role}.`);
    const presence = this.state.users.get(sessionId);
    if (!presence) return refuse("not_found", "You are not in the hall.");
    if (!presence.placed) return refuse("invalid_state", "Your place in the hall is not known yet; try again in a moment.");
    return { ok: true, value: { by: presence.name, x: presence.x, y: presence.y, z: presence.z, yaw: presence.yaw } };
  }

  /** The same user keeps their colour; a colour already worn by someone else present is skipped while one is free. */
  #colorFor(name: string): string {
    const worn = new Set([...this.state.users.values()].filter((u) => u.name !== name).map((u) => u.color));
    const start = hash(name) % AVATAR_COLORS.length;
    for (let i = 0; i < AVATAR_COLORS.length; i++) {
      const color = AVATAR_COLORS[(start + i) % AVATAR_COLORS.length]!;
      if (!worn.has(color)) return color;
    }
    return AVATAR_COLORS[start]!;
  }
}

function refuse<T>(code: Rejection["code"], message: string): PresenceResult<T> {
  return { ok: false, rejection: { code, message } };
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) >>> 0;
  return h;
}
