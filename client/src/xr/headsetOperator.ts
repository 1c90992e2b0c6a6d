import type { Role } from "../../../shared/src/protocol.ts";
import type { PanelPlacement } from "../gui/guestPanel.ts";
import type { Estate } from "../model/estate.ts";
import { operationContext, type GuestOperationId } from "../model/guestOperations.ts";
import type { ApiClient } from "../net/api.ts";
import type { CommandRequest, FormLists } from "./headsetForms.ts";
import { headsetForm, headsetOperation, type FormOperationId } from "./headsetOperations.ts";
import type { WorldForm } from "./worldForm.ts";

export interface HeadsetOperatorDeps {
  estate: Estate;
  api: ApiClient;
  role(): Role;
  now(): number;
  /** Sends through the command runner (its confirmation included); the operation id, or null when declined or refused. */
  send(request: CommandRequest, key: string): Promise<string | null>;
  /** Shows a line on the guest's panel (what started). */
  notice(key: string, text: string): void;
  /** Where a form stands: in front of the eyes now. */
  placement(): PanelPlacement;
}

/**
 * Runs a guest panel's management buttons in the headset: "Back up now" and "Delete" send at once, the others open the
 * in-world form for that guest, loading the list it shows first (snapshots, backups, catalog apps).
 */
export class HeadsetOperator {
  /** The guest and operation the form is open for: a list that loads after the user moved on is not shown. */
  private openFor: { key: string; operation: FormOperationId } | null = null;

  constructor(
    private readonly form: WorldForm,
    private readonly deps: HeadsetOperatorDeps,
  ) {}

  operate(key: string, operation: GuestOperationId): void {
    const guest = this.deps.estate.guests.get(key);
    if (!guest) return;
    const what = headsetOperation(operation);
    if (what.kind === "send") {
      const target = { cluster: guest.clusterId, vmid: guest.vmid };
      const request: CommandRequest =
        what.command === "guest.backup" ? { name: "guest.backup", payload: target } : { name: "guest.delete", payload: { ...target, confirmName: guest.name || String(guest.vmid) } };
      void this.deps.send(request, key);
      return;
    }
    this.openFor = { key, operation: what.operation };
    this.show(key, what.operation, {}, this.deps.placement(), what.needs ? "Loading…" : "");
    if (what.needs) void this.load(key, what.operation, what.needs);
  }

  /** The form's action was pressed: send it for the guest the form is open for. */
  async act(request: CommandRequest, started: string): Promise<boolean> {
    const key = this.openFor?.key;
    if (!key) return false;
    const id = await this.deps.send(request, key);
    if (id) this.deps.notice(key, started);
    return id !== null;
  }

  closed(): void {
    this.openFor = null;
  }

  private show(key: string, operation: FormOperationId, lists: FormLists, placement: PanelPlacement | null, status: string): void {
    const guest = this.deps.estate.guests.get(key);
    if (!guest) return;
    const ctx = operationContext(this.deps.estate, guest, this.deps.role());
    this.form.show(headsetForm(operation, ctx, lists, this.deps.now()), placement, status);
  }

  private async load(key: string, operation: FormOperationId, needs: keyof FormLists): Promise<void> {
    const guest = this.deps.estate.guests.get(key)!;
    const { api } = this.deps;
    let lists: FormLists;
    try {
      if (needs === "apps") lists = { apps: (await api.catalog()).apps };
      else if (needs === "snapshots") lists = { snapshots: await api.snapshots(guest.clusterId, guest.vmid) };
      else lists = { backups: await api.backups(guest.clusterId, guest.vmid) };
    } catch (error) {
      if (this.isOpenFor(key, operation)) this.form.setStatus(`Could not load the list: ${error instanceof Error ? error.message : String(error)}`, "error");
      return;
    }
    if (this.isOpenFor(key, operation)) this.show(key, operation, lists, null, "");
  }

  private isOpenFor(key: string, operation: FormOperationId): boolean {
    return this.form.isOpen && this.openFor?.key === key && this.openFor.operation === operation;
  }
}
