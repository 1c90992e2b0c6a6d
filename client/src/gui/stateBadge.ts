import type { LedState } from "../model/ledState.ts";
import { h } from "./dom.ts";

/** Glyph and word per state, so the HUD and list never rely on colour alone. */
export const STATE_BADGE: Record<LedState, { glyph: string; word: string }> = {
  running: { glyph: "●", word: "running" },
  stopped: { glyph: "○", word: "stopped" },
  busy: { glyph: "◐", word: "working" },
  error: { glyph: "▲", word: "failed" },
  unknown: { glyph: "?", word: "unknown" },
  offline: { glyph: "✕", word: "offline" },
};

export function stateBadge(state: LedState): HTMLSpanElement {
  const badge = STATE_BADGE[state];
  return h("span", { class: `state state--${state}` }, h("span", { class: "state__glyph", "aria-hidden": "true" }, badge.glyph), badge.word);
}
