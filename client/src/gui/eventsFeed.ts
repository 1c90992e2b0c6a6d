import type { Estate } from "../model/estate.ts";
import { eventAge, eventGuestKey, eventSource, eventText, eventTone, feedEntries, isAlert } from "../model/events.ts";
import type { GuestRecord, WorldEventRecord } from "../model/records.ts";
import { clear, h } from "./dom.ts";
import "./eventsFeed.css";

const TONE_GLYPH = { info: "●", warning: "▲", error: "✖" } as const;

/**
 * The self-healing feed in the HUD: open alerts on top until the server clears them, then the latest janitor and
 * reconciler lines. An alert about a guest offers "Go there", which glides to it like a search pick.
 */
export class EventsFeed {
  readonly root: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly count: HTMLSpanElement;
  /** What the list shows now; an unchanged list is not rebuilt, so a button is never replaced under the pointer. */
  private shown = "";

  constructor(
    private readonly estate: Estate,
    private readonly goTo: (key: string) => void,
    private readonly now: () => number,
  ) {
    this.count = h("span", { class: "events__count", "data-testid": "alert-count" });
    this.list = h("ol", { "aria-live": "polite", "aria-relevant": "additions text" });
    this.root = h(
      "section",
      { class: "card events", "aria-label": "Self-healing and alerts", "data-testid": "events-feed", hidden: true },
      h("div", { class: "events__title" }, "Self-healing", this.count),
      this.list,
    );
  }

  /** Redraws the feed if what it shows changed; called when events or guests change and every few seconds for the ages. */
  render(): void {
    const entries = feedEntries(this.estate.events.values());
    const now = this.now();
    const shown = entries.map((e) => `${e.id}\t${e.severity}\t${e.message}\t${eventAge(e.at, now)}\t${this.guestOf(e)?.name ?? ""}`).join("\n");
    if (shown === this.shown) return;
    this.shown = shown;
    const alerts = entries.filter(isAlert).length;
    this.root.hidden = entries.length === 0;
    this.root.classList.toggle("events--alerting", alerts > 0);
    this.count.textContent = alerts ? `${alerts} open alert${alerts === 1 ? "" : "s"}` : "";
    clear(this.list);
    for (const event of entries) this.list.append(this.line(event, now));
  }

  private guestOf(event: WorldEventRecord): GuestRecord | undefined {
    const key = eventGuestKey(event);
    return key ? this.estate.guests.get(key) : undefined;
  }

  private line(event: WorldEventRecord, now: number): HTMLLIElement {
    const tone = eventTone(event);
    const source = eventSource(event);
    const guest = this.guestOf(event);
    let action: HTMLButtonElement | null = null;
    if (guest) {
      action = h("button", { class: "tool events__go", type: "button", "data-testid": "event-go", title: `Walk to ${guest.name} (${guest.vmid})` }, "Go there");
      action.addEventListener("click", () => this.goTo(guest.key));
    }
    return h(
      "li",
      { class: `events__line events__line--${tone}`, "data-kind": isAlert(event) ? "alert" : "maintenance", "data-source": event.source, "data-event": event.id },
      h("span", { class: `events__glyph events__glyph--${tone}`, title: tone, "aria-label": tone }, TONE_GLYPH[tone]),
      h(
        "span",
        { class: "events__text" },
        h("span", { class: "events__source", title: source.label }, `${source.glyph} ${isAlert(event) ? "Alert" : source.label}`),
        " ",
        isAlert(event) ? event.message : eventText(event, source.label),
      ),
      h("time", { class: "events__age", datetime: new Date(event.at).toISOString() }, eventAge(event.at, now)),
      action,
    );
  }
}
