import { commands, type CommandName } from "../../../shared/src/commands.ts";
import { clear, h } from "../gui/dom.ts";
import "./together.css";

export interface PersonItem {
  sessionId: string;
  name: string;
  role: string;
  color: string;
  connected: boolean;
  self: boolean;
}

export interface ProposalItem {
  id: string;
  summary: string;
  proposer: string;
  /** The guest it acts on. */
  key: string;
  expiresAt: number;
}

/** What the propose form offers for the selected guest. */
export interface ProposeOffer {
  key: string;
  guestName: string;
  commands: readonly CommandName[];
  /** Nodes a migration may go to. */
  nodes: readonly string[];
}

export interface TogetherCallbacks {
  onFollow(sessionId: string | null): void;
  onSummon(): void;
  onVolume(volume: number): void;
  onMute(muted: boolean): void;
  onApprove(id: string): void;
  onReject(id: string, reason: string): void;
  onPropose(key: string, command: CommandName, fields: Record<string, string>): void;
  onShowGuest(key: string): void;
}

/** Payload fields a person fills in when proposing, beyond the guest itself. */
const FIELD_LABELS: Record<string, string> = {
  node: "To node",
  confirmName: "Type the guest's name",
  volid: "Backup volume",
  snapname: "Snapshot",
};

/**
 * The "together" card at the right edge: who is in the hall (follow them; an admin brings everyone over), the sound
 * level, proposals waiting for an admin, and for operators a way to propose what they may not run. Proposals are
 * also pinned on their objects, with Approve and Reject for admins.
 */
export class TogetherHud {
  readonly root: HTMLDivElement;
  private readonly people: HTMLUListElement;
  private readonly summon: HTMLButtonElement;
  private readonly proposalsCard: HTMLElement;
  private readonly proposals: HTMLUListElement;
  private readonly proposeCard: HTMLElement;
  private readonly volume: HTMLInputElement;
  private readonly mute: HTMLButtonElement;
  private readonly tags = new Map<string, HTMLDivElement>();
  private following: string | null = null;
  private canDecide = false;
  private offer: ProposeOffer | null = null;
  /** What the lists show now: patches arrive many times a second, and rebuilding a list under the pointer eats clicks. */
  private peopleShown = "";
  private proposalsShown = "";

  constructor(
    private readonly parent: HTMLElement,
    private readonly callbacks: TogetherCallbacks,
  ) {
    this.people = h("ul", { "aria-label": "People in the hall", "data-testid": "people" });
    this.summon = h("button", { class: "tool", type: "button", title: "Everyone glides to where you stand", "data-testid": "summon" }, "Bring everyone here");
    this.summon.addEventListener("click", () => callbacks.onSummon());
    this.volume = h("input", { type: "range", min: "0", max: "1", step: "0.05", "aria-label": "Master volume", "data-testid": "volume" });
    this.volume.addEventListener("input", () => callbacks.onVolume(Number(this.volume.value)));
    this.mute = h("button", { class: "tool", type: "button", "aria-pressed": "false", "data-testid": "mute" }, "Mute");
    this.mute.addEventListener("click", () => callbacks.onMute(this.mute.getAttribute("aria-pressed") !== "true"));
    this.proposals = h("ul", { "aria-label": "Proposals waiting for an admin", "data-testid": "proposals" });
    this.proposalsCard = h("section", { class: "card", hidden: true }, h("div", { class: "together__title" }, "Waiting for approval"), this.proposals);
    this.proposeCard = h("section", { class: "card", hidden: true, "data-testid": "propose" });
    this.root = h(
      "div",
      { class: "together" },
      h(
        "section",
        { class: "card", "aria-label": "People and sound" },
        h("div", { class: "together__title" }, "In the hall"),
        this.people,
        h("div", { class: "together__row" }, this.summon),
        h("div", { class: "together__row" }, h("span", { "aria-hidden": "true" }, "♪"), this.volume, this.mute),
        h("div", { class: "together__row muted" }, h("kbd", {}, "P"), " ping where you point"),
      ),
      this.proposalsCard,
      this.proposeCard,
    );
    parent.append(this.root);
  }

  setAudio(volume: number, muted: boolean): void {
    this.volume.value = String(volume);
    this.mute.setAttribute("aria-pressed", String(muted));
    this.mute.textContent = muted ? "Muted" : "Mute";
  }

  setPeople(people: readonly PersonItem[], following: string | null, isAdmin: boolean): void {
    const shown = JSON.stringify([people, following, isAdmin]);
    if (shown === this.peopleShown) return;
    this.peopleShown = shown;
    this.following = following;
    this.summon.hidden = !isAdmin || people.length < 2;
    clear(this.people);
    for (const person of people) {
      const follow = h("button", { class: "tool", type: "button", "aria-pressed": String(this.following === person.sessionId) }, this.following === person.sessionId ? "Following" : "Follow");
      follow.addEventListener("click", () => this.callbacks.onFollow(this.following === person.sessionId ? null : person.sessionId));
      this.people.append(
        h(
          "li",
          { class: `person${person.connected ? "" : " person--away"}`, "data-session": person.sessionId },
          h("span", { class: "person__dot", style: `color: ${person.color}` }),
          h("span", { class: "person__name", title: `${person.name} · ${person.role}` }, person.self ? `${person.name} (you)` : person.name),
          h("span", { class: "muted" }, person.connected ? person.role : "away"),
          person.self ? null : follow,
        ),
      );
    }
  }

  setProposals(items: readonly ProposalItem[], canDecide: boolean): void {
    const shown = JSON.stringify([items, canDecide]);
    if (shown === this.proposalsShown) return;
    this.proposalsShown = shown;
    this.canDecide = canDecide;
    this.proposalsCard.hidden = items.length === 0;
    clear(this.proposals);
    for (const item of items) {
      const summary = h("button", { class: "proposal__summary tool", type: "button", title: "Go to the guest" }, item.summary);
      summary.addEventListener("click", () => this.callbacks.onShowGuest(item.key));
      this.proposals.append(h("li", { class: "proposal", "data-proposal": item.id }, summary, h("span", { class: "muted" }, `proposed by ${item.proposer}`), this.decisionButtons(item)));
    }
    const wanted = new Set(items.map((i) => i.id));
    for (const [id, tag] of this.tags) {
      if (wanted.has(id)) continue;
      tag.remove();
      this.tags.delete(id);
    }
    for (const item of items) {
      const old = this.tags.get(item.id);
      old?.remove();
      const tag = h(
        "div",
        { class: "proposal-tag", "data-proposal-tag": item.id, hidden: true },
        h("span", { class: "proposal-tag__flag" }, "⚑ Proposed"),
        h("span", {}, item.summary),
        h("span", { class: "muted" }, `by ${item.proposer}`),
        this.decisionButtons(item),
      );
      tag.dataset.key = item.key;
      this.parent.append(tag);
      this.tags.set(item.id, tag);
    }
  }

  /** Pins each proposal on its object; `screenOf` gives the guest's screen point or null when it is out of view. */
  placeTags(screenOf: (key: string) => { x: number; y: number } | null): void {
    for (const tag of this.tags.values()) {
      const point = screenOf(tag.dataset.key!);
      tag.hidden = point === null;
      if (point) {
        tag.style.left = `${Math.round(point.x)}px`;
        tag.style.top = `${Math.round(point.y)}px`;
      }
    }
  }

  /** The propose form for the selected guest, or nothing (null, or no command to propose). */
  setOffer(offer: ProposeOffer | null): void {
    if (offer?.key === this.offer?.key && offer?.commands.length === this.offer?.commands.length) return;
    this.offer = offer;
    clear(this.proposeCard);
    this.proposeCard.hidden = !offer || offer.commands.length === 0;
    if (!offer || offer.commands.length === 0) return;
    const select = h("select", { "aria-label": "Operation to propose", "data-testid": "propose-command" });
    for (const name of offer.commands) select.append(h("option", { value: name }, commands[name].label));
    const fields = h("div", {});
    const send = h("button", { class: "tool", type: "button", "data-testid": "propose-send" }, "Propose");
    const renderFields = () => {
      clear(fields);
      const keys = Object.keys((commands[select.value as CommandName].payload as unknown as { schema: Record<string, unknown> }).schema);
      for (const key of keys.filter((k) => FIELD_LABELS[k])) {
        const input =
          key === "node"
            ? h("select", { "data-field": key, "aria-label": FIELD_LABELS[key]! }, ...offer.nodes.map((n) => h("option", { value: n }, n)))
            : h("input", { type: "text", "data-field": key, placeholder: key === "confirmName" ? offer.guestName : FIELD_LABELS[key]!, "aria-label": FIELD_LABELS[key]! });
        fields.append(h("div", { class: "together__row" }, input));
      }
    };
    select.addEventListener("change", renderFields);
    renderFields();
    send.addEventListener("click", () => {
      const values: Record<string, string> = {};
      for (const input of fields.querySelectorAll<HTMLInputElement | HTMLSelectElement>("[data-field]")) values[input.dataset.field!] = input.value.trim();
      this.callbacks.onPropose(offer.key, select.value as CommandName, values);
    });
    this.proposeCard.append(
      h("div", { class: "together__title" }, `Ask an admin · ${offer.guestName}`),
      h("div", { class: "together__row" }, select),
      fields,
      h("div", { class: "together__row" }, send),
    );
  }

  dispose(): void {
    for (const tag of this.tags.values()) tag.remove();
    this.root.remove();
  }

  private decisionButtons(item: ProposalItem): HTMLElement | null {
    if (!this.canDecide) return null;
    const approve = h("button", { class: "tool proposal__approve", type: "button", "data-action": "approve" }, "Approve");
    const reject = h("button", { class: "tool proposal__reject", type: "button", "data-action": "reject" }, "Reject");
    const reason = h("input", { type: "text", placeholder: "Reason (shown to the proposer)", "aria-label": "Reason for rejecting", hidden: true });
    approve.addEventListener("click", () => this.callbacks.onApprove(item.id));
    reject.addEventListener("click", () => {
      if (reason.hidden) {
        reason.hidden = false;
        reason.focus();
        reject.textContent = "Send rejection";
        return;
      }
      this.callbacks.onReject(item.id, reason.value.trim());
    });
    return h("div", { class: "proposal__actions" }, approve, reject, reason);
  }
}
