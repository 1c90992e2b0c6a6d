import type { CommandName, CommandPayload } from "../../../../shared/src/commands.ts";
import type { Role } from "../../../../shared/src/protocol.ts";
import type { Estate } from "../../model/estate.ts";
import { guestOperations, operationContext, type GuestOperationId } from "../../model/guestOperations.ts";
import { OperationEndings } from "../../model/operationEndings.ts";
import type { ApiClient } from "../../net/api.ts";
import { h } from "../dom.ts";
import { adoptSection, backupSection, cloneSection, deleteSection, migrateSection, resizeSection, type OpsSection } from "./guestOpsForms.ts";
import { backupsSection, snapshotsSection } from "./guestOpsLists.ts";
import { Sheet } from "./sheet.ts";

export interface GuestOpsDeps {
  estate: Estate;
  api: ApiClient;
  role(): Role;
  send<N extends CommandName>(name: N, payload: CommandPayload<N>, key: string): Promise<string | null>;
  /** A command from the sheet was accepted (the sheet closes). */
  onAccepted(message: string): void;
}

/**
 * Everything beyond power actions for one guest, as tabs in a HUD sheet: clone, back up, backups, snapshots,
 * resize, migrate, adopt, delete. Each tab is disabled with its reason when the role or state does not allow it.
 * Opened from the in-world panel or from the guest list (keyboard).
 */
export class GuestOpsDialog {
  private readonly sheet: Sheet;
  private key: string | null = null;
  private readonly endings: OperationEndings;

  constructor(
    parent: HTMLElement,
    private readonly deps: GuestOpsDeps,
  ) {
    this.sheet = new Sheet(parent, "guest-ops", () => (this.key = null));
    this.endings = new OperationEndings(deps.estate);
  }

  get openKey(): string | null {
    return this.key;
  }

  open(key: string, section: GuestOperationId = "clone"): void {
    const guest = this.deps.estate.guests.get(key);
    if (!guest) return;
    this.key = key;
    const context = operationContext(this.deps.estate, guest, this.deps.role());
    const operations = guestOperations(context);
    const chosen = operations.find((o) => o.id === section) ?? operations.find((o) => !o.disabledReason) ?? operations[0]!;

    const link = guest.appUrl ? h("a", { href: guest.appUrl, target: "_blank", rel: "noopener noreferrer", "data-testid": "guest-app-url" }, `Open ${guest.app || "app"} ↗`) : null;
    this.sheet.setTitle(
      `${guest.name || `#${guest.vmid}`} — ${chosen.label}`,
      h("span", {}, `${guest.type === "lxc" ? "CT" : "VM"} ${guest.vmid} · ${guest.node} · ${guest.status}${guest.managed ? "" : " · not managed"}  `, link),
    );
    const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Operations" });
    for (const op of operations) {
      const tab = h(
        "button",
        { class: `tab${op.destructive ? " tab--danger" : ""}`, type: "button", role: "tab", "aria-selected": String(op.id === chosen.id), title: op.disabledReason ?? undefined, "data-testid": `ops-tab-${op.id}` },
        op.label,
      );
      tab.addEventListener("click", () => this.open(key, op.id));
      tabs.append(tab);
    }
    const reason = chosen.disabledReason;
    const s: OpsSection = {
      guest,
      context,
      api: this.deps.api,
      send: (name, payload) => this.deps.send(name, payload, key),
      accepted: (message) => {
        this.sheet.close();
        this.deps.onAccepted(message);
      },
      whenFinished: (id, fn) => this.endings.when(id, fn),
    };
    const content = {
      clone: () => cloneSection(s, reason),
      backup: () => backupSection(s, reason),
      backups: () => backupsSection(s),
      snapshots: () => snapshotsSection(s, reason),
      resize: () => resizeSection(s, reason),
      migrate: () => migrateSection(s, reason),
      adopt: () => adoptSection(s, reason),
      delete: () => deleteSection(s, reason),
    }[chosen.id]();
    const why = reason ? h("p", { class: "sheet__status", "data-tone": "error", "data-testid": "ops-disabled-reason" }, reason) : null;
    this.sheet.show(tabs, why, content);
    const focus = this.sheet.body.querySelector<HTMLElement>(`[data-testid=ops-tab-${chosen.id}]`);
    focus?.focus({ preventScroll: true });
  }

  close(): void {
    this.sheet.close();
  }
}

