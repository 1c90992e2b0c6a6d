import type { CommandName } from "../../../shared/src/commands.ts";
import type { Role } from "../../../shared/src/protocol.ts";
import type { Estate } from "../model/estate.ts";
import { formatMiB, formatPercent, formatUptime, uptimeSeconds } from "../model/format.ts";
import { guestActions, labelForOperation } from "../model/guestActions.ts";
import { guestOperations, operationContext, type GuestOperationId } from "../model/guestOperations.ts";
import { guestLedState } from "../model/ledState.ts";
import type { GuestRecord } from "../model/records.ts";
import { clear, h } from "./dom.ts";
import { stateBadge } from "./stateBadge.ts";

export interface GuestListCallbacks {
  onAction(key: string, command: CommandName): void;
  /** Opens a management operation (clone, backups, …) for the guest. */
  onOperation(key: string, operation: GuestOperationId): void;
  onShowInHall(key: string): void;
  onClose(): void;
}

const ROW_HEIGHT = 34;
const OVERSCAN = 6;

function matches(guest: GuestRecord, q: string): boolean {
  if (!q) return true;
  return (
    guest.name.toLowerCase().includes(q) ||
    String(guest.vmid).startsWith(q) ||
    guest.node.toLowerCase().includes(q) ||
    guest.tags.some((t) => t.toLowerCase().includes(q.replace(/^#/, "")))
  );
}

/**
 * The accessible alternative to the hall: every guest in a keyboard-navigable list (arrow keys, Page Up/Down,
 * Home/End; Enter moves to the actions) with the same details and actions as the in-world panel. Rows are
 * virtualised, so 10,000 guests cost a screenful of elements.
 */
export class GuestList {
  private readonly root: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly scroller: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly detail: HTMLDivElement;
  private readonly count: HTMLSpanElement;
  private keys: string[] = [];
  private active = 0;
  private dirty = true;

  constructor(
    parent: HTMLElement,
    private readonly estate: Estate,
    private readonly callbacks: GuestListCallbacks,
    private readonly role: () => Role,
  ) {
    this.filter = h("input", { class: "list__filter", type: "search", placeholder: "Filter", "aria-label": "Filter guests" });
    this.count = h("span", { class: "muted" });
    this.spacer = h("div", {});
    this.scroller = h("div", {
      class: "list__scroll card",
      role: "listbox",
      tabindex: 0,
      "aria-label": "Guests",
      "data-testid": "guest-list",
    }, this.spacer);
    this.detail = h("div", { class: "list__detail card", "aria-live": "polite" });
    const close = h("button", { class: "tool", type: "button" }, "Back to the hall");
    this.root = h(
      "section",
      { class: "list", "aria-label": "Guest list" },
      h("div", { class: "list__head card" }, h("h2", {}, "Guests ", this.count), this.filter, close),
      h("div", { class: "list__body" }, this.scroller, this.detail),
    );
    parent.append(this.root);
    close.addEventListener("click", () => this.callbacks.onClose());
    this.filter.addEventListener("input", () => {
      this.active = 0;
      this.rebuild();
    });
    this.scroller.addEventListener("scroll", () => this.renderRows());
    this.scroller.addEventListener("keydown", (e) => this.onKey(e));
    this.root.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.callbacks.onClose();
    });
  }

  get isOpen(): boolean {
    return this.root.classList.contains("list--open");
  }

  open(): void {
    this.root.classList.add("list--open");
    this.rebuild();
    this.scroller.focus();
  }

  close(): void {
    this.root.classList.remove("list--open");
  }

  onEstateChanged(): void {
    this.dirty = true;
  }

  tick(): void {
    if (this.isOpen && this.dirty) this.rebuild();
  }

  private rebuild(): void {
    this.dirty = false;
    const q = this.filter.value.trim().toLowerCase();
    const current = this.keys[this.active];
    this.keys = [...this.estate.guests.values()]
      .filter((g) => matches(g, q))
      .sort((a, b) => a.clusterId.localeCompare(b.clusterId) || a.node.localeCompare(b.node) || a.vmid - b.vmid)
      .map((g) => g.key);
    const kept = current ? this.keys.indexOf(current) : -1;
    this.active = kept >= 0 ? kept : Math.min(this.active, Math.max(0, this.keys.length - 1));
    this.count.textContent = `(${this.keys.length})`;
    this.spacer.style.height = `${this.keys.length * ROW_HEIGHT}px`;
    this.renderRows();
    this.renderDetail();
  }

  private renderRows(): void {
    for (const row of [...this.scroller.querySelectorAll(".list__row")]) row.remove();
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.keys.length, Math.ceil((this.scroller.scrollTop + this.scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (let i = first; i < last; i++) {
      const key = this.keys[i]!;
      const guest = this.estate.guests.get(key);
      if (!guest) continue;
      const row = h(
        "div",
        { class: "list__row", role: "option", id: `guest-row-${i}`, "aria-selected": String(i === this.active), "data-key": key },
        stateBadge(guestLedState(this.estate, key)),
        h("span", {}, h("b", {}, guest.name), h("span", { class: "muted" }, ` · ${guest.node}`)),
        h("span", { class: "mono muted" }, String(guest.vmid)),
        h("span", { class: "mono muted" }, guest.type),
      );
      row.style.top = `${i * ROW_HEIGHT}px`;
      row.addEventListener("click", () => this.select(i));
      this.scroller.append(row);
    }
    this.scroller.setAttribute("aria-activedescendant", this.keys.length ? `guest-row-${this.active}` : "");
  }

  private renderDetail(): void {
    clear(this.detail);
    const key = this.keys[this.active];
    const guest = key ? this.estate.guests.get(key) : undefined;
    if (!key || !guest) {
      this.detail.append(h("p", { class: "muted" }, "No guest selected."));
      return;
    }
    const led = guestLedState(this.estate, key);
    const op = this.estate.latestOperationOf(key);
    const dl = h("dl", {});
    const item = (label: string, value: string) => dl.append(h("dt", {}, label), h("dd", {}, value));
    item("VMID", String(guest.vmid));
    item("Type", guest.type);
    item("Node", guest.node);
    item("Uptime", formatUptime(uptimeSeconds(guest.bootedAt, Date.now())));
    item("CPU", `${formatPercent(guest.cpu)} of ${guest.cpus}`);
    item("Memory", `${formatMiB(guest.memMiB)} / ${formatMiB(guest.maxMemMiB)}`);
    item("Disk", `${formatMiB(guest.diskMiB)} / ${formatMiB(guest.maxDiskMiB)}`);
    item("Tags", guest.tags.join(", ") || "—");
    const actions = h("div", { class: "list__actions" });
    for (const action of guestActions(guest, led, this.role())) {
      const button = h(
        "button",
        { class: `btn ${action.destructive ? "btn--danger" : action.primary ? "btn--primary" : ""}`, type: "button", title: action.disabledReason ?? undefined },
        action.label,
      );
      button.disabled = action.disabledReason !== null;
      button.addEventListener("click", () => this.callbacks.onAction(key, action.command));
      actions.append(button);
    }
    const manage = h("div", { class: "list__actions", role: "group", "aria-label": "Manage" });
    for (const operation of guestOperations(operationContext(this.estate, guest, this.role()))) {
      // Disabled operations stay focusable: their sheet explains why they cannot run.
      const button = h(
        "button",
        { class: `btn${operation.destructive ? " btn--danger" : ""}`, type: "button", title: operation.disabledReason ?? undefined, "aria-description": operation.disabledReason ?? undefined, "data-testid": `list-op-${operation.id}` },
        operation.label,
      );
      if (operation.disabledReason) button.classList.add("btn--muted");
      button.addEventListener("click", () => this.callbacks.onOperation(key, operation.id));
      manage.append(button);
    }
    const show = h("button", { class: "btn", type: "button" }, "Show in the hall");
    show.addEventListener("click", () => this.callbacks.onShowInHall(key));
    actions.append(show);
    this.detail.append(h("h3", { style: "margin:0" }, guest.name), stateBadge(led), dl);
    if (op) {
      const outcome = `${labelForOperation(op.kind)}: ${op.state}${op.state === "failed" && op.error ? ` — ${op.error}` : ""}`;
      this.detail.append(h("p", { class: op.state === "failed" ? "state--error" : "muted" }, outcome));
    }
    this.detail.append(actions, manage);
    if (guest.appUrl) this.detail.append(h("a", { href: guest.appUrl, target: "_blank", rel: "noopener noreferrer", class: "btn" }, `Open ${guest.app || "app"} ↗`));
  }

  private select(index: number): void {
    this.active = Math.max(0, Math.min(this.keys.length - 1, index));
    const top = this.active * ROW_HEIGHT;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + this.scroller.clientHeight) this.scroller.scrollTop = top + ROW_HEIGHT - this.scroller.clientHeight;
    this.renderRows();
    this.renderDetail();
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) this.select(this.active + moves[e.key]!);
    else if (e.key === "Home") this.select(0);
    else if (e.key === "End") this.select(this.keys.length - 1);
    else if (e.key === "Enter") this.detail.querySelector<HTMLButtonElement>("button:not(:disabled)")?.focus();
    else return;
    e.preventDefault();
  }
}
