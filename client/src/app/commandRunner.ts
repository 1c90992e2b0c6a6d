import { commands, confirmationFor, type CommandName, type CommandPayload, type ConfirmSubject } from "../../../shared/src/commands.ts";
import type { CommandAccepted, Rejection } from "../../../shared/src/protocol.ts";
import type { UiSounds } from "../audio/uiSounds.ts";
import type { Estate, EstateChanges } from "../model/estate.ts";
import { labelForOperation } from "../model/guestActions.ts";
import type { GuestRecord, OperationRecord } from "../model/records.ts";

export type SendCommand = <N extends CommandName>(name: N, payload: CommandPayload<N>) => Promise<CommandAccepted>;

export interface RunnerDeps {
  estate: Estate;
  sounds: UiSounds;
  /** Sends through the world room; null while disconnected. */
  send: () => SendCommand | null;
  /** Asks the user; with `typeToConfirm`, accepting requires typing that text. */
  confirm(title: string, message: string, confirmLabel: string, typeToConfirm?: string): Promise<boolean>;
  /** A refusal or transport failure, with a human message, for the guest's panel (null: no guest yet) and the banner. */
  onRefused(key: string | null, message: string): void;
  /** One of this client's operations ended. */
  onOutcome(key: string | null, succeeded: boolean, message: string, operation: OperationRecord): void;
}

/** The message a refused request carries (a Rejection from the server) or a generic one. */
export function refusalMessage(error: unknown): string {
  const reason = (error as { reason?: Partial<Rejection> } | null)?.reason;
  if (reason && typeof reason.message === "string") return reason.message;
  if (error instanceof Error && /not open|closed/i.test(error.message)) return "Not connected to the server; try again when the hall is live.";
  return error instanceof Error ? error.message : "The command could not be sent.";
}

export function confirmSubject(guest: GuestRecord): ConfirmSubject {
  return { name: guest.name || `#${guest.vmid}`, vmid: guest.vmid, type: guest.type, node: guest.node };
}

/** The outcome line of a finished operation: the server's summary when it sends one. */
export function outcomeMessage(op: OperationRecord): string {
  if (op.state === "failed") return op.error || "The operation failed.";
  return op.summary ? `${op.summary} — done.` : `${labelForOperation(op.kind)} done.`;
}

/**
 * Runs every command the same way from the panel, the list, the dialogs and the catalog: confirm when the shared
 * definition asks for it (typing the guest's name where it must), give an immediate cue (click sound, amber LED
 * before the round trip), send, and follow the operation to its end.
 */
export class CommandRunner {
  private readonly mine = new Map<string, string | null>();

  constructor(private readonly deps: RunnerDeps) {
    deps.estate.subscribe((changes) => this.watch(changes));
  }

  /** A power action on a guest (the payload is just the guest). */
  async run(key: string, name: CommandName): Promise<void> {
    const guest = this.deps.estate.guests.get(key);
    if (!guest) return;
    await this.send(name, { cluster: guest.clusterId, vmid: guest.vmid } as CommandPayload<typeof name>, key);
  }

  /**
   * Sends a command with its full payload. `key` is the guest it acts on (null for deploy). A command about a guest
   * that is gone (a deleted guest's backup) passes `absent`, what is known of it, so that it is still confirmed.
   * Resolves with the operation id, or null when the user declined or the server refused (already reported through
   * the deps).
   */
  async send<N extends CommandName>(name: N, payload: CommandPayload<N>, key: string | null, absent?: ConfirmSubject): Promise<string | null> {
    const { estate, sounds } = this.deps;
    const def = commands[name];
    const guest = key ? estate.guests.get(key) : undefined;
    const subject = guest ? confirmSubject(guest) : absent;
    if (def.targetsGuest && !subject) {
      this.deps.onRefused(key, "That guest is no longer in the estate.");
      return null;
    }
    let body = payload;
    if (subject) {
      const question = confirmationFor(name, subject, payload);
      if (question) {
        const typed = def.typeNameToConfirm ? (guest?.name ?? subject.name) : undefined;
        const ok = await this.deps.confirm(`${def.label} ${subject.name}?`, question, def.label, typed);
        if (!ok) return null;
        if (typed !== undefined) body = { ...payload, confirmName: typed };
      }
    }
    sounds.press();
    const send = this.deps.send();
    if (!send) {
      sounds.failure();
      this.deps.onRefused(key, "Not connected to the server; try again when the hall is live.");
      return null;
    }
    if (key) estate.setPending(key, true);
    try {
      const accepted = await send(name, body);
      this.mine.set(accepted.operationId, key);
      // The operation may have arrived in a patch before the reply; its end is then already known.
      if (estate.operations.has(accepted.operationId)) this.report(accepted.operationId);
      return accepted.operationId;
    } catch (error) {
      if (key) estate.setPending(key, false);
      sounds.failure();
      this.deps.onRefused(key, refusalMessage(error));
      return null;
    }
  }

  private watch(changes: EstateChanges): void {
    for (const id of changes.operations) if (this.mine.has(id)) this.report(id);
  }

  private report(id: string): void {
    const op = this.deps.estate.operations.get(id);
    if (!op || !this.mine.has(id) || (op.state !== "succeeded" && op.state !== "failed")) return;
    const key = this.mine.get(id) ?? null;
    this.mine.delete(id);
    const succeeded = op.state === "succeeded";
    if (succeeded) this.deps.sounds.success();
    else this.deps.sounds.failure();
    this.deps.onOutcome(key, succeeded, outcomeMessage(op), op);
  }
}
