import { commands, type CommandName, type CommandPayload } from "../../../shared/src/commands.ts";
import type { CommandAccepted, Rejection } from "../../../shared/src/protocol.ts";
import type { UiSounds } from "../audio/uiSounds.ts";
import type { Estate, EstateChanges } from "../model/estate.ts";
import { labelForOperation } from "../model/guestActions.ts";

export type SendCommand = <N extends CommandName>(name: N, payload: CommandPayload<N>) => Promise<CommandAccepted>;

export interface RunnerDeps {
  estate: Estate;
  sounds: UiSounds;
  /** Sends through the world room; null while disconnected. */
  send: () => SendCommand | null;
  confirm(title: string, message: string, confirmLabel: string): Promise<boolean>;
  /** A refusal or transport failure, with a human message, for the guest's panel and the banner. */
  onRefused(key: string, message: string): void;
  /** One of this client's operations ended. */
  onOutcome(key: string, succeeded: boolean, message: string): void;
}

/** The message a refused request carries (a Rejection from the server) or a generic one. */
export function refusalMessage(error: unknown): string {
  const reason = (error as { reason?: Partial<Rejection> } | null)?.reason;
  if (reason && typeof reason.message === "string") return reason.message;
  if (error instanceof Error && /not open|closed/i.test(error.message)) return "Not connected to the server; try again when the hall is live.";
  return error instanceof Error ? error.message : "The command could not be sent.";
}

/**
 * Runs a guest command the same way from the panel and the list: confirm when the shared definition asks for it,
 * give an immediate cue (click sound, amber LED before the round trip), send, and follow the operation to its end.
 */
export class CommandRunner {
  private readonly mine = new Map<string, string>();

  constructor(private readonly deps: RunnerDeps) {
    deps.estate.subscribe((changes) => this.watch(changes));
  }

  async run(key: string, name: CommandName): Promise<void> {
    const { estate, sounds } = this.deps;
    const guest = estate.guests.get(key);
    if (!guest) return;
    const def = commands[name];
    const question = def.confirm?.({ name: guest.name || `#${guest.vmid}`, vmid: guest.vmid });
    if (question) {
      const ok = await this.deps.confirm(`${def.label} ${guest.name || guest.vmid}?`, question, def.label);
      if (!ok) return;
    }
    sounds.press();
    const send = this.deps.send();
    if (!send) {
      sounds.failure();
      this.deps.onRefused(key, "Not connected to the server; try again when the hall is live.");
      return;
    }
    estate.setPending(key, true);
    try {
      const accepted = await send(name, { cluster: guest.clusterId, vmid: guest.vmid });
      this.mine.set(accepted.operationId, key);
      // The operation may have arrived in a patch before the reply; its end is then already known.
      const op = estate.operations.get(accepted.operationId);
      if (op) this.report(op.id);
    } catch (error) {
      estate.setPending(key, false);
      sounds.failure();
      this.deps.onRefused(key, refusalMessage(error));
    }
  }

  private watch(changes: EstateChanges): void {
    for (const id of changes.operations) if (this.mine.has(id)) this.report(id);
  }

  private report(id: string): void {
    const op = this.deps.estate.operations.get(id);
    const key = this.mine.get(id);
    if (!op || key === undefined || (op.state !== "succeeded" && op.state !== "failed")) return;
    this.mine.delete(id);
    const succeeded = op.state === "succeeded";
    if (succeeded) this.deps.sounds.success();
    else this.deps.sounds.failure();
    this.deps.onOutcome(key, succeeded, succeeded ? `${labelForOperation(op.kind)} done.` : op.error || "The operation failed.");
  }
}
