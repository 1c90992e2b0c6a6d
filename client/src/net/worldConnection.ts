import { Client, type Room } from "@colyseus/sdk";
import { ROOM_NAME } from "../../../shared/src/protocol.ts";
import { WorldState } from "../../../shared/src/schema/world.ts";

export type WorldRoom = Room<any, WorldState>;

/** What the HUD shows: joining, live, reconnecting after a drop, waiting to retry, or needing a sign-in. */
export type ConnectionState = "connecting" | "online" | "reconnecting" | "offline" | "signed-out";

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WorldConnectionOptions {
  wsUrl: string;
  /** Display name sent on join. */
  name: string;
  /** The session token, read at every (re)join so a fresh sign-in is picked up. */
  token: () => string | undefined;
  clock: Clock;
  onState(state: ConnectionState, detail: string): void;
  /** A new room was joined (first join or a rejoin after the old room was lost): bind its state. */
  onRoom(room: WorldRoom): void;
  /** Backoff before rejoin attempt n (1-based); defaults to 1, 2, 4, 8, then every 10 s. */
  backoffMs?: (attempt: number) => number;
}

/**
 * The SDK's reconnection backoff doubles up to 5 s, so after a 7 s outage its next try would come after the server's
 * 10 s reconnection window (RECONNECT_WINDOW_SECONDS in WorldRoom): the session would be gone and the client would
 * join again as a new avatar. Trying at least every second, 15 times, keeps trying through the whole window.
 */
const RECONNECT_MAX_DELAY_MS = 1000;

const SESSION_ENDED = 4401;
const CONSENTED = 4000;

/** Human words for the close codes a user may see (Colyseus CloseCode). */
const CLOSE_REASONS: Record<number, string> = {
  4001: "The server is restarting.",
  4002: "The server closed the connection after an error.",
  4003: "Reconnection failed.",
  1006: "The connection was lost.",
};

function isAuthFailure(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 401 || code === 403 || code === SESSION_ENDED;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Holds the one world room. Short drops are healed by the SDK's own reconnection (same session, state kept); when the
 * room is lost for good (server restart, reconnection exhausted) it joins again with exponential backoff and hands the
 * new room over, so the page recovers without a reload.
 */
export class WorldConnection {
  private current: WorldRoom | null = null;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;

  constructor(private readonly options: WorldConnectionOptions) {}

  get room(): WorldRoom | null {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    void this.join();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    const room = this.current;
    this.current = null;
    if (room) await room.leave(true).catch(() => undefined);
  }

  private async join(): Promise<void> {
    if (this.stopped) return;
    this.options.onState(this.attempt === 0 ? "connecting" : "reconnecting", this.attempt === 0 ? "Joining the hall…" : `Rejoining (attempt ${this.attempt})…`);
    const client = new Client(this.options.wsUrl);
    const token = this.options.token();
    if (token) client.auth.token = token;
    let room: WorldRoom;
    try {
      room = (await client.joinOrCreate(ROOM_NAME, { name: this.options.name }, WorldState)) as WorldRoom;
    } catch (error) {
      if (this.stopped) return;
      if (isAuthFailure(error)) {
        this.options.onState("signed-out", messageOf(error));
        return;
      }
      this.scheduleRejoin(messageOf(error));
      return;
    }
    if (this.stopped) {
      await room.leave(true).catch(() => undefined);
      return;
    }
    this.attempt = 0;
    this.current = room;
    room.reconnection.maxDelay = RECONNECT_MAX_DELAY_MS;
    room.onDrop(() => this.options.onState("reconnecting", "The connection was lost."));
    room.onReconnect(() => this.options.onState("online", "Live"));
    room.onLeave((code: number, reason?: string) => {
      if (this.current !== room) return;
      this.current = null;
      if (this.stopped || code === CONSENTED) return;
      if (code === SESSION_ENDED) {
        this.options.onState("signed-out", reason ?? "Your session has ended.");
        return;
      }
      this.scheduleRejoin(reason || CLOSE_REASONS[code] || `Disconnected (code ${code}).`);
    });
    this.options.onRoom(room);
    this.options.onState("online", "Live");
  }

  private scheduleRejoin(reason: string): void {
    this.attempt += 1;
    const delay = (this.options.backoffMs ?? defaultBackoff)(this.attempt);
    this.options.onState("offline", `${reason} Retrying in ${Math.round(delay / 1000)} s.`);
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      void this.join();
    }, delay);
  }
}

export function defaultBackoff(attempt: number): number {
  return Math.min(10_000, 1000 * 2 ** (attempt - 1));
}
