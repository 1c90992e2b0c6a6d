import { Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import { COMMAND_NAMES, type CommandName } from "../../../shared/src/commands.ts";
import { PRESENCE_EVENTS, PRESENCE_MESSAGES } from "../../../shared/src/presence.ts";
import type { Rejection } from "../../../shared/src/protocol.ts";
import { WorldState } from "../../../shared/src/schema/world.ts";
import type { Actor } from "../operations/actor.ts";
import { submitCommand } from "../operations/submit.ts";
import { PresenceRoster, type PresenceResult } from "./presence.ts";
import { ProposalDesk, type ClosedProposal } from "./proposals.ts";
import type { WorldServices } from "./services.ts";

type SessionActor = Actor & { sessionId: string };

interface RequestContext {
  id: number | undefined;
  reject(reason: unknown): void;
}

/** A dropped connection keeps its avatar and place this long; then the user is gone for everyone. */
export const RECONNECT_WINDOW_SECONDS = 10;
const PROPOSAL_EXPIRY_CHECK_MS = 5_000;

/**
 * The world: thin by design. It authenticates, hands every command to the operations module and
 * mirrors the feed into its state; rules live elsewhere.
 */
export abstract class WorldRoom extends Room<{ state: WorldState }> {
  protected abstract readonly services: WorldServices;
  override state = new WorldState();
  override autoDispose = false;
  override maxClients = 500;
  // Presence streams at PRESENCE_RATE_HZ (20) while a user moves; the other 20 leave room for commands, pings and
  // proposals sent in a burst on top. A client over the limit is disconnected by Colyseus (code 4002).
  override maxMessagesPerSecond = 40;

  override messages = {
    ...Object.fromEntries(
      COMMAND_NAMES.map((name) => [
        name,
        (client: Client, payload: unknown, ctx: RequestContext) => this.#command(client, name, payload, ctx),
      ]),
    ),
    [PRESENCE_MESSAGES.update]: (client: Client, payload: unknown, ctx: RequestContext) =>
      this.#answer(client, PRESENCE_MESSAGES.update, ctx, this.#roster.update(client.sessionId, payload)),
    [PRESENCE_MESSAGES.ping]: (client: Client, payload: unknown, ctx: RequestContext) => {
      const result = this.#roster.ping(client.sessionId, payload);
      // The pointer shows its own ping at once, without waiting for the round trip.
      if (result.ok) this.broadcast(PRESENCE_EVENTS.pinged, result.value, { except: client });
      return this.#answer(client, PRESENCE_MESSAGES.ping, ctx, result);
    },
    [PRESENCE_MESSAGES.summon]: (client: Client, payload: unknown, ctx: RequestContext) =>
      this.#decision(client, PRESENCE_MESSAGES.summon, ctx, async (actor) => {
        const result = this.#roster.summon(client.sessionId, actor.role, payload);
        if (result.ok) this.broadcast(PRESENCE_EVENTS.summoned, result.value, { except: client });
        return result;
      }),
    [PRESENCE_MESSAGES.propose]: (client: Client, payload: unknown, ctx: RequestContext) =>
      this.#decision(client, PRESENCE_MESSAGES.propose, ctx, async (actor) => {
        const result = await this.#desk.propose(actor, payload);
        return result.ok ? { ok: true, value: { proposalId: result.value.id } } : result;
      }),
    [PRESENCE_MESSAGES.approve]: (client: Client, payload: unknown, ctx: RequestContext) =>
      this.#decision(client, PRESENCE_MESSAGES.approve, ctx, (actor) => this.#desk.approve(actor, payload)),
    [PRESENCE_MESSAGES.reject]: (client: Client, payload: unknown, ctx: RequestContext) =>
      this.#decision(client, PRESENCE_MESSAGES.reject, ctx, async (actor) => {
        const result = await this.#desk.reject(actor, payload);
        if (!result.ok) return result;
        this.#tellProposer(result.value);
        return { ok: true, value: { rejected: result.value.event.id } };
      }),
    // Anything else a client sends: refuse it by name instead of ignoring it. Colyseus calls this
    // catch-all as (client, type, payload) for sends, but as (client, payload, ctx) for a request
    // literally named "*".
    _: (client: Client, typeOrPayload: unknown, third: unknown) => {
      const asRequest = isRequestContext(third);
      const command = asRequest ? "*" : String(typeOrPayload).slice(0, 64);
      const rejection: Rejection = { code: "unknown_command", message: `Unknown command ${JSON.stringify(command)}.` };
      if (asRequest) third.reject(rejection);
      else client.send("command.rejected", { command, ...rejection });
    },
  };

  #unsubscribe: (() => void)[] = [];
  #roster!: PresenceRoster;
  #desk!: ProposalDesk;

  override onCreate(): void {
    const now = this.services.operations.now;
    this.#roster = new PresenceRoster(this.state, now);
    this.#desk = new ProposalDesk(this.state, this.services.operations);
    this.clock.setInterval(() => {
      this.#desk.expire().then(
        (closed) => closed.forEach((c) => this.#tellProposer(c)),
        (error: unknown) => this.services.log.error({ err: error }, "proposal expiry failed"),
      );
    }, PROPOSAL_EXPIRY_CHECK_MS);
    this.services.projection(this.state, () => this.broadcastPatch()).then(
      (unsubscribe) => this.#unsubscribe.push(unsubscribe),
      (error: unknown) => this.services.log.error({ err: error }, "world projection failed to start"),
    );
    this.#unsubscribe.push(
      this.services.operations.feed.subscribe((event) => {
        if (event.type !== "session.revoked") return;
        for (const client of this.clients) {
          const actor = client.auth as SessionActor | undefined;
          if (actor && (actor.sessionId === event.sessionId || actor.id === event.userId)) this.#endSession(client);
        }
      }),
    );
  }

  /** Only signed-in users, and only from this server's own pages (or an allowed origin). */
  override async onAuth(_client: Client, _options: unknown, context: AuthContext): Promise<SessionActor> {
    const origin = context.headers.get("origin");
    if (origin && !this.#originAllowed(origin, context.headers.get("host"))) {
      throw new ServerError(403, `Origin ${origin} may not open the world.`);
    }
    const actor = await this.services.auth.authenticate(context.token);
    if (!actor) throw new ServerError(401, "Sign in first: no valid session token.");
    return actor;
  }

  #originAllowed(origin: string, host: string | null): boolean {
    if (this.services.allowedOrigins.includes(origin)) return true;
    try {
      return host !== null && new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  override onJoin(client: Client): void {
    const actor = client.auth as SessionActor;
    this.#roster.join({ sessionId: client.sessionId, name: actor.name, role: actor.role });
  }

  /** A dropped connection (network, sleep, reload) keeps its avatar for a while so the SDK can reconnect in place. */
  override onDrop(client: Client): void {
    this.#roster.setConnected(client.sessionId, false);
    // It rejects when the window lapses (Colyseus then calls onLeave) and, at shutdown, because the room
    // is being disposed: both are expected ends of a reconnection window, not failures to report.
    this.allowReconnection(client, RECONNECT_WINDOW_SECONDS).catch(() => undefined);
  }

  /** The reconnection token is not a session: a session revoked meanwhile must not come back through it. */
  override async onReconnect(client: Client): Promise<void> {
    const joined = client.auth as SessionActor;
    if (!(await this.services.auth.sessionActor(joined.sessionId))) throw new ServerError(4401, "Your session has ended; sign in again.");
    this.#roster.setConnected(client.sessionId, true);
  }

  override onLeave(client: Client): void {
    this.#roster.leave(client.sessionId);
  }

  /** Times every patch so the cost of a cycle is observable (GET /api/metrics). */
  override broadcastPatch(): boolean {
    const started = performance.now();
    const sent = super.broadcastPatch();
    if (sent) this.services.patchStats.record(performance.now() - started);
    return sent;
  }

  override onDispose(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  async #command(client: Client, name: CommandName, payload: unknown, ctx: RequestContext): Promise<unknown> {
    const actor = await this.#currentActor(client, name, ctx);
    if (!actor) return undefined;
    try {
      const result = await submitCommand(this.services.operations, actor, name, payload);
      if (result.ok) return { operationId: result.operationId };
      return this.#refuse(client, name, ctx, result.rejection);
    } catch (error) {
      this.services.log.error({ err: error, command: name }, "command failed");
      return this.#refuse(client, name, ctx, { code: "internal", message: "The server could not take this command; nothing was changed." });
    }
  }

  /** Runs a step as the session's current actor (its role may have changed since it joined). */
  async #decision<T>(client: Client, name: string, ctx: RequestContext, step: (actor: Actor) => Promise<PresenceResult<T>>): Promise<T | undefined> {
    const actor = await this.#currentActor(client, name, ctx);
    if (!actor) return undefined;
    try {
      return this.#answer(client, name, ctx, await step(actor));
    } catch (error) {
      this.services.log.error({ err: error, message: name }, "message handler failed");
      return this.#refuse(client, name, ctx, { code: "internal", message: "The server could not take this; nothing was changed." });
    }
  }

  /** The session's actor as it is now, or undefined after refusing and closing a connection whose session ended. */
  async #currentActor(client: Client, name: string, ctx: RequestContext): Promise<Actor | undefined> {
    const joined = client.auth as SessionActor | undefined;
    const actor = joined && (await this.services.auth.sessionActor(joined.sessionId));
    if (actor) return actor;
    this.#refuse(client, name, ctx, { code: "unauthorized", message: "Your session has ended; sign in again." });
    this.#endSession(client);
    return undefined;
  }

  /** Closes a connection whose session ended; its avatar goes at once (no reconnection window for it). */
  #endSession(client: Client): void {
    this.#roster.leave(client.sessionId);
    client.leave(4401, "Your session has ended; sign in again.");
  }

  #answer<T>(client: Client, name: string, ctx: RequestContext, result: PresenceResult<T>): T | undefined {
    return result.ok ? result.value : this.#refuse(client, name, ctx, result.rejection);
  }

  #tellProposer({ proposerId, event }: ClosedProposal): void {
    for (const client of this.clients) {
      if ((client.auth as SessionActor | undefined)?.id === proposerId) client.send(PRESENCE_EVENTS.proposalClosed, event);
    }
  }

  /** A request gets the refusal as its rejection; a fire-and-forget send gets it as a message. */
  #refuse(client: Client, name: string, ctx: RequestContext, rejection: Rejection): undefined {
    if (ctx.id !== undefined) ctx.reject(rejection);
    else client.send("command.rejected", { command: name, ...rejection });
    return undefined;
  }
}

function isRequestContext(value: unknown): value is RequestContext {
  return typeof value === "object" && value !== null && typeof (value as RequestContext).reject === "function" && (value as RequestContext).id !== undefined;
}
