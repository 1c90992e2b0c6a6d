import { guestKey } from "../../../shared/src/protocol.ts";
import type { Estate } from "../model/estate.ts";
import { labelForOperation } from "../model/guestActions.ts";
import { guestLedState } from "../model/ledState.ts";
import type { OperationRecord } from "../model/records.ts";
import { searchGuests, type SearchHit } from "../model/search.ts";
import { summarize } from "../model/summary.ts";
import type { ConnectionState } from "../net/worldConnection.ts";
import { clear, h } from "./dom.ts";
import { STATE_BADGE, stateBadge } from "./stateBadge.ts";

export interface DeckCallbacks {
  /** A search result was chosen: glide to the guest. */
  onSearchPick(key: string): void;
  onToggleList(open: boolean): void;
  onToggleSound(on: boolean): void;
  onSignOut(): void;
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting",
  online: "Live",
  reconnecting: "Reconnecting",
  offline: "Offline",
  "signed-out": "Signed out",
};

const LOG_LENGTH = 6;

/**
 * The command deck: a DOM overlay at the screen edges (never the centre). Top left: connection and estate summary;
 * top right: search and view toggles; bottom left: the live operations log; bottom right: control hints.
 */
export class CommandDeck {
  readonly root: HTMLDivElement;
  private readonly pill: HTMLSpanElement;
  private readonly pillText: HTMLSpanElement;
  private readonly user: HTMLSpanElement;
  private readonly summary: HTMLDivElement;
  private readonly log: HTMLOListElement;
  private readonly banner: HTMLDivElement;
  private readonly searchInput: HTMLInputElement;
  private readonly results: HTMLUListElement;
  private readonly crosshair: HTMLDivElement;
  private readonly hoverTag: HTMLDivElement;
  private readonly listButton: HTMLButtonElement;
  private readonly soundButton: HTMLButtonElement;
  private readonly extraTools: HTMLSpanElement;
  private readonly bottomLeft: HTMLDivElement;
  private hits: SearchHit[] = [];
  private activeHit = -1;
  private summaryDirty = true;
  private lastSummaryAt = 0;

  constructor(
    parent: HTMLElement,
    private readonly estate: Estate,
    private readonly callbacks: DeckCallbacks,
    private readonly now: () => number,
  ) {
    this.pillText = h("span", {}, "Connecting");
    this.pill = h("span", { class: "pill pill--connecting", role: "status", "aria-live": "polite", "data-testid": "connection" }, h("span", { class: "pill__dot" }), this.pillText);
    this.user = h("span", { class: "brand__user muted" });
    this.summary = h("div", { class: "summary", "aria-label": "Estate summary" });
    this.log = h("ol", { "aria-live": "polite", "aria-relevant": "additions text" });
    this.banner = h("div", { class: "banner", role: "status", "aria-live": "assertive", "data-testid": "banner" });

    this.searchInput = h("input", {
      type: "search",
      placeholder: "Find a guest: name, VMID or #tag",
      "aria-label": "Find a guest by name, VMID or tag",
      role: "combobox",
      "aria-expanded": "false",
      "aria-controls": "search-results",
      "aria-autocomplete": "list",
      "data-testid": "search",
    });
    this.results = h("ul", { class: "search__results", id: "search-results", role: "listbox", "aria-label": "Matching guests" });
    this.listButton = h("button", { class: "tool", type: "button", "aria-pressed": "false", "data-testid": "toggle-list" }, "☰ List view");
    this.soundButton = h("button", { class: "tool", type: "button", "aria-pressed": "true", title: "Interface sounds" }, "♪ Sound");
    const signOut = h("button", { class: "tool", type: "button" }, "Sign out");
    this.extraTools = h("span", { class: "toolbar__extra" });

    this.crosshair = h("div", { class: "crosshair", "aria-hidden": "true" });
    this.hoverTag = h("div", { class: "hover-tag", "aria-hidden": "true" });

    this.bottomLeft = h("div", { class: "hud__corner hud__bl" }, h("section", { class: "card oplog", "aria-label": "Operations log" }, h("div", { class: "oplog__title" }, "Operations"), this.log));
    this.root = h(
      "div",
      { class: "hud" },
      h(
        "div",
        { class: "hud__corner hud__tl" },
        h("div", { class: "card" }, h("div", { class: "brand" }, h("span", { class: "brand__mark" }), h("span", { class: "brand__name" }, "Proximity"), this.pill, this.user), this.summary),
      ),
      h(
        "div",
        { class: "hud__corner hud__tr" },
        h("div", { class: "search" }, h("span", { class: "search__icon", "aria-hidden": "true" }, "⌕"), this.searchInput, this.results),
        h("div", { class: "toolbar" }, this.extraTools, this.listButton, this.soundButton, signOut),
      ),
      this.bottomLeft,
      h(
        "div",
        { class: "hud__corner hud__br" },
        h(
          "div",
          { class: "hints card" },
          h("div", {}, h("kbd", {}, "W A S D"), " walk · ", h("kbd", {}, "Shift"), " run"),
          h("div", {}, "Drag or click the floor to look · ", h("kbd", {}, "Esc"), " release"),
          h("div", {}, "Click a drive to open it · ", h("kbd", {}, "/"), " search"),
        ),
      ),
    );
    parent.append(this.root, this.banner, this.crosshair, this.hoverTag);

    this.searchInput.addEventListener("input", () => this.runSearch());
    this.searchInput.addEventListener("keydown", (e) => this.onSearchKey(e));
    this.searchInput.addEventListener("blur", () => setTimeout(() => this.showResults(false), 150));
    this.listButton.addEventListener("click", () => {
      const open = this.listButton.getAttribute("aria-pressed") !== "true";
      this.setListOpen(open);
      this.callbacks.onToggleList(open);
    });
    this.soundButton.addEventListener("click", () => {
      const on = this.soundButton.getAttribute("aria-pressed") !== "true";
      this.setSound(on);
      this.callbacks.onToggleSound(on);
    });
    signOut.addEventListener("click", () => this.callbacks.onSignOut());
    window.addEventListener("keydown", (e) => {
      if (e.key === "/" && document.activeElement?.tagName !== "INPUT") {
        e.preventDefault();
        this.searchInput.focus();
      }
    });
    this.renderLog();
  }

  setConnection(state: ConnectionState, detail: string): void {
    this.pill.className = `pill pill--${state}`;
    this.pillText.textContent = CONNECTION_TEXT[state];
    this.pill.title = detail;
    this.pill.dataset.state = state;
    if (state === "reconnecting" || state === "offline") this.showBanner(state === "offline" ? `Offline — ${detail}` : `Reconnecting to the hall… ${detail}`, state === "offline");
    else if (state === "online") this.showBanner(null);
  }

  setUser(name: string, role: string): void {
    this.user.textContent = `${name} · ${role}`;
  }

  /** Replaces the feature buttons at the start of the toolbar (catalog, admin sheets; they depend on the role). */
  setTools(buttons: HTMLButtonElement[]): void {
    clear(this.extraTools);
    this.extraTools.append(...buttons);
  }

  /** Puts a view control (theme switch, Enter VR) right after the sound toggle; the latest added comes first. */
  addViewControl(control: HTMLElement): void {
    this.soundButton.after(control);
  }

  /** Puts a log panel (the self-healing feed) above the operations log, at the bottom left edge. */
  addLogPanel(panel: HTMLElement): void {
    this.bottomLeft.prepend(panel);
  }

  setListOpen(open: boolean): void {
    this.listButton.setAttribute("aria-pressed", String(open));
  }

  setSound(on: boolean): void {
    this.soundButton.setAttribute("aria-pressed", String(on));
    this.soundButton.textContent = on ? "♪ Sound" : "♪ Muted";
  }

  /** A short message at the top edge (refusals, outcomes); null hides it. */
  showBanner(message: string | null, error = false): void {
    this.banner.textContent = message ?? "";
    this.banner.classList.toggle("banner--visible", message !== null);
    this.banner.classList.toggle("banner--error", error);
  }

  setCrosshair(visible: boolean, onTarget: boolean): void {
    this.crosshair.classList.toggle("crosshair--visible", visible);
    this.crosshair.classList.toggle("crosshair--target", onTarget);
  }

  /** A name tag beside the pointer for the guest under it. */
  setHoverTag(text: string | null, x = 0, y = 0): void {
    this.hoverTag.classList.toggle("hover-tag--visible", text !== null);
    if (text === null) return;
    this.hoverTag.textContent = text;
    this.hoverTag.style.left = `${x}px`;
    this.hoverTag.style.top = `${y}px`;
  }

  /** Called after every estate flush; the summary is recomputed at most 4 times a second. */
  onEstateChanged(operationsChanged: boolean): void {
    this.summaryDirty = true;
    if (operationsChanged) this.renderLog();
  }

  tick(): void {
    const now = this.now();
    if (this.summaryDirty && now - this.lastSummaryAt > 250) {
      this.summaryDirty = false;
      this.lastSummaryAt = now;
      this.renderSummary();
    }
  }

  private renderSummary(): void {
    const s = summarize(this.estate);
    const cell = (value: string | number, label: string, cls = "") => h("div", { class: `summary__cell ${cls}` }, h("b", {}, String(value)), h("span", { class: "muted" }, label));
    clear(this.summary);
    this.summary.append(
      cell(s.clustersOffline ? `${s.clusters - s.clustersOffline}/${s.clusters}` : s.clusters, s.clusters === 1 ? "cluster" : "clusters", s.clustersOffline ? "error" : ""),
      cell(s.hostsOffline ? `${s.hosts - s.hostsOffline}/${s.hosts}` : s.hosts, "hosts", s.hostsOffline ? "error" : ""),
      cell(s.guests, "guests"),
      cell(`● ${s.running}`, "running", "ok"),
      cell(`○ ${s.stopped}`, "stopped", "idle"),
      cell(s.busy ? `◐ ${s.busy}` : `▲ ${s.error}`, s.busy ? "working" : "error", s.busy ? "busy" : s.error ? "error" : ""),
    );
    this.summary.dataset.running = String(s.running);
    this.summary.dataset.stopped = String(s.stopped);
    this.summary.dataset.error = String(s.error);
  }

  private renderLog(): void {
    const ops = [...this.estate.operations.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, LOG_LENGTH);
    clear(this.log);
    if (ops.length === 0) {
      this.log.append(h("li", { class: "oplog__empty" }, "No operations yet."));
      return;
    }
    for (const op of ops) this.log.append(this.logEntry(op));
  }

  private logEntry(op: OperationRecord): HTMLLIElement {
    const guest = this.estate.guests.get(guestKey(op.clusterId, op.vmid));
    const target = guest ? `${guest.name} (${op.vmid})` : `#${op.vmid}`;
    const state = op.state === "succeeded" ? "running" : op.state === "failed" ? "error" : "busy";
    const result = op.state === "succeeded" ? "done" : op.state === "failed" ? "failed" : `${op.state} ${Math.round(op.progress * 100)}%`;
    return h(
      "li",
      { "data-operation": op.id, "data-state": op.state },
      h("span", { class: `state state--${state}`, "aria-hidden": "true" }, STATE_BADGE[state].glyph),
      h("span", {}, h("span", { class: "who" }, `${op.requestedBy || "system"} · `), ...(op.summary ? [op.summary] : [`${labelForOperation(op.kind)} `, h("b", {}, target)])),
      h("span", { class: `result state--${state}` }, result),
      op.state === "failed" && op.error ? h("span", { class: "detail", title: op.error }, op.error) : null,
    );
  }

  private runSearch(): void {
    this.hits = searchGuests(this.estate.guests.values(), this.searchInput.value);
    this.activeHit = this.hits.length ? 0 : -1;
    this.renderResults();
  }

  private renderResults(): void {
    clear(this.results);
    this.hits.forEach((hit, i) => {
      const item = h(
        "li",
        { class: "search__result", role: "option", id: `search-hit-${i}`, "aria-selected": String(i === this.activeHit) },
        h("span", { class: "mono muted" }, String(hit.guest.vmid)),
        h("span", { class: "name" }, hit.guest.name),
        stateBadge(guestLedState(this.estate, hit.guest.key)),
      );
      item.addEventListener("mousedown", (e) => {
        e.preventDefault();
        this.pick(i);
      });
      this.results.append(item);
    });
    if (this.searchInput.value.trim() && this.hits.length === 0) this.results.append(h("li", { class: "search__result muted" }, "No guest matches."));
    this.searchInput.setAttribute("aria-activedescendant", this.activeHit >= 0 ? `search-hit-${this.activeHit}` : "");
    this.showResults(this.searchInput.value.trim() !== "");
  }

  private showResults(open: boolean): void {
    this.results.classList.toggle("search__results--open", open);
    this.searchInput.setAttribute("aria-expanded", String(open));
  }

  private onSearchKey(e: KeyboardEvent): void {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!this.hits.length) return;
      this.activeHit = (this.activeHit + (e.key === "ArrowDown" ? 1 : this.hits.length - 1)) % this.hits.length;
      this.renderResults();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (this.activeHit >= 0) this.pick(this.activeHit);
    } else if (e.key === "Escape") {
      this.searchInput.value = "";
      this.runSearch();
      this.searchInput.blur();
    }
  }

  private pick(index: number): void {
    const hit = this.hits[index];
    if (!hit) return;
    this.showResults(false);
    this.searchInput.blur();
    this.callbacks.onSearchPick(hit.guest.key);
  }
}
