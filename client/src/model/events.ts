import { guestKey } from "../../../shared/src/protocol.ts";
import type { WorldEventRecord } from "./records.ts";

export type EventTone = "info" | "warning" | "error";

/** How many self-healing lines the feed shows besides the open alerts (which are never cut). */
export const MAINTENANCE_LINES = 4;

const SOURCES: Record<string, { glyph: string; label: string }> = {
  janitor: { glyph: "✧", label: "Janitor" },
  reconciler: { glyph: "⟲", label: "Reconciler" },
};

/**
 * What the HUD feed shows, in order: every open alert (newest first: they stay until the server clears them), then
 * the newest `maintenance` self-healing lines. Ties on time fall back to the id so the order is stable.
 */
export function feedEntries(events: Iterable<WorldEventRecord>, maintenanceLines = MAINTENANCE_LINES): WorldEventRecord[] {
  const newestFirst = [...events].sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
  const alerts = newestFirst.filter(isAlert);
  const others = newestFirst.filter((e) => !isAlert(e)).slice(0, maintenanceLines);
  return [...alerts, ...others];
}

export function isAlert(event: WorldEventRecord): boolean {
  return event.kind === "alert";
}

/** The colour and rhythm of a line; a severity this client does not know is shown as a warning, never hidden. */
export function eventTone(event: WorldEventRecord): EventTone {
  if (event.severity === "info" || event.severity === "warning" || event.severity === "error") return event.severity;
  return "warning";
}

/** Who reported it, with a glyph so the line reads without colour; an unknown source keeps its own name. */
export function eventSource(event: WorldEventRecord): { glyph: string; label: string } {
  const known = SOURCES[event.source];
  if (known) return known;
  return { glyph: "•", label: event.source ? event.source[0]!.toUpperCase() + event.source.slice(1) : "System" };
}

/**
 * The message without a leading repeat of the source's name ("Reconciler: 1 cluster checked" under the Reconciler
 * label reads "1 cluster checked"); a message that does not start with it is kept whole.
 */
export function eventText(event: WorldEventRecord, label: string): string {
  const rest = event.message.slice(label.length);
  if (!event.message.toLowerCase().startsWith(label.toLowerCase()) || !/^[:\s]/.test(rest)) return event.message;
  const text = rest.replace(/^[:\s]+/, "");
  return text ? text[0]!.toUpperCase() + text.slice(1) : event.message;
}

/** The guest an event is about, as the estate keys it; null when it concerns no single guest. */
export function eventGuestKey(event: WorldEventRecord): string | null {
  return event.vmid > 0 && event.clusterId ? guestKey(event.clusterId, event.vmid) : null;
}

/** "just now", "4 min ago", "3 h ago", then the date: short enough for one HUD line. */
export function eventAge(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(at).toLocaleDateString(undefined, { month: "short", day: "numeric" });
}
