import { Room, ServerError, type AuthContext, type Client } from "@colyseus/core";
import { COMMAND_NAMES, type CommandName } from "../../../shared/src/commands.ts";
import type { Rejection } from "../../../shared/src/protocol.ts";
import { WorldState } from "../../../shared/src/schema/world.ts";
import type { Actor } from "../operations/actor.ts";
import { submitCommand } from "../operations/submit.ts";
import type { WorldServices } from "./services.ts";

type SessionActor = Actor & { sessionId: string };

interface RequestContext {
  id: number | undefined;
  reject(reason: unknown): void;
}


/**
 * The world: thin by design. It authenticates, hands every command to the operations module and
 * mirrors the feed into its state; rules live elsewhere.
 */
export abstract class WorldRoom extends Room<{ state: WorldState }> {
  protected abstract readonly services: WorldServices;
  override state = new WorldState();
  override autoDispose = false;
  override maxClients = 500;
  override maxMessagesPerSecond = 30;

  override messages = {
    ...Object.fromEntries(
      COMMAND_NAMES.map((name) => [
        name,
        (client: Client, payload: unknown, ctx: RequestContext) => this.#command(client, name, payload, ctx),
      ]),
    ),
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

  override onCreate(): void {
    this.services.projection(this.state).then(
      (unsubscribe) => this.#unsubscribe.push(unsubscribe),
      (error: unknown) => this.services.log.error({ err: error }, "world projection failed to start"),
    );
    this.#unsubscribe.push(
      this.services.operations.feed.subscribe((event) => {
        if (event.type !== "session.revoked") return;
        for (const client of this.clients) {
          const actor = client.auth as SessionActor | undefined;
          if (actor && (actor.sessionId === event.sessionId || actor.id === event.userId)) client.leave(4401, "Your session has ended; sign in again.");
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
    const joined = client.auth as SessionActor | undefined;
    const actor = joined && (await this.services.auth.sessionActor(joined.sessionId));
    if (!actor) {
      this.#refuse(client, name, ctx, { code: "unauthorized", message: "Your session has ended; sign in again." });
      client.leave(4401, "Your session has ended; sign in again.");
      return undefined;
    }
    try {
      const result = await submitCommand(this.services.operations, actor, name, payload);
      if (result.ok) return { operationId: result.operationId };
      return this.#refuse(client, name, ctx, result.rejection);
    } catch (error) {
      this.services.log.error({ err: error, command: name }, "command failed");
      return this.#refuse(client, name, ctx, { code: "internal", message: "The server could not take this command; nothing was changed." });
    }
  }

  /** A request gets the refusal as its rejection; a fire-and-forget send gets it as a message. */
  #refuse(client: Client, name: CommandName, ctx: RequestContext, rejection: Rejection): undefined {
    if (ctx.id !== undefined) ctx.reject(rejection);
    else client.send("command.rejected", { command: name, ...rejection });
    return undefined;
  }
}

function isRequestContext(value: unknown): value is RequestContext {
  return typeof value === "object" && value !== null && typeof (value as RequestContext).reject === "function" && (value as RequestContext).id !== undefined;
}
