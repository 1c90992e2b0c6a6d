import { Room, type Client } from "@colyseus/core";
import { COMMAND_NAMES, type CommandName } from "../../../shared/src/commands.ts";
import type { Rejection } from "../../../shared/src/protocol.ts";
import { WorldState } from "../../../shared/src/schema/world.ts";
import type { Actor } from "../operations/actor.ts";
import { submitCommand } from "../operations/submit.ts";
import type { WorldServices } from "./services.ts";

interface JoinOptions {
  name?: string;
}

interface RequestContext {
  id: number | undefined;
  reject(reason: unknown): void;
}

const MAX_NAME = 40;

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
    // Anything else a client sends: refuse it by name instead of ignoring it.
    _: (client: Client, type: unknown) => {
      client.send("command.rejected", {
        command: String(type).slice(0, 64),
        code: "unknown_command",
        message: `Unknown command ${JSON.stringify(String(type).slice(0, 64))}.`,
      });
    },
  };

  #unsubscribe: (() => void) | null = null;

  override onCreate(): void {
    this.services.projection(this.state).then(
      (unsubscribe) => {
        this.#unsubscribe = unsubscribe;
      },
      (error: unknown) => this.services.log.error({ err: error }, "world projection failed to start"),
    );
  }

  /** Times every patch so the cost of a cycle is observable (GET /api/metrics). */
  override broadcastPatch(): boolean {
    const started = performance.now();
    const sent = super.broadcastPatch();
    if (sent) this.services.patchStats.record(performance.now() - started);
    return sent;
  }

  override onJoin(client: Client, options?: JoinOptions): void {
    const name = typeof options?.name === "string" && options.name.trim() ? options.name.trim().slice(0, MAX_NAME) : "";
    client.userData = { actor: this.services.actorFor(client.sessionId, name) };
  }

  override onDispose(): void {
    this.#unsubscribe?.();
  }

  async #command(client: Client, name: CommandName, payload: unknown, ctx: RequestContext): Promise<unknown> {
    const actor = (client.userData as { actor?: Actor } | undefined)?.actor;
    if (!actor) return this.#refuse(client, name, ctx, { code: "forbidden", message: "Join the world before sending commands." });
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
