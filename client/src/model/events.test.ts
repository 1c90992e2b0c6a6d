import { describe, expect, it } from "vitest";
import { eventAge, eventGuestKey, eventSource, eventText, eventTone, feedEntries } from "./events.ts";
import type { WorldEventRecord } from "./records.ts";

const event = (id: string, at: number, fields: Partial<WorldEventRecord> = {}): WorldEventRecord => ({
  id, kind: "maintenance", severity: "info", source: "janitor", message: id, clusterId: "", vmid: 0, at, ...fields,
});

describe("feedEntries", () => {
  it("puts every open alert first, newest first, then the newest maintenance lines", () => {
    const events = [
      event("m1", 10),
      event("a-old", 5, { kind: "alert", severity: "warning", source: "reconciler" }),
      event("m2", 30),
      event("a-new", 20, { kind: "alert", severity: "warning", source: "reconciler" }),
      event("m3", 40),
    ];
    expect(feedEntries(events, 2).map((e) => e.id)).toEqual(["a-new", "a-old", "m3", "m2"]);
  });

  it("never drops an alert to keep the feed short", () => {
    const alerts = Array.from({ length: 6 }, (_, i) => event(`a${i}`, i, { kind: "alert" }));
    expect(feedEntries([...alerts, event("m", 99)], 0).map((e) => e.id)).toEqual(["a5", "a4", "a3", "a2", "a1", "a0"]);
  });

  it("orders events at the same time by id, so redraws do not reshuffle them", () => {
    expect(feedEntries([event("b", 1), event("a", 1)]).map((e) => e.id)).toEqual(["a", "b"]);
  });
});

describe("event labels", () => {
  it("names the known controllers with a glyph, and keeps an unknown source's own name", () => {
    expect(eventSource(event("x", 0, { source: "reconciler" }))).toEqual({ glyph: "⟲", label: "Reconciler" });
    expect(eventSource(event("x", 0, { source: "janitor" })).label).toBe("Janitor");
    expect(eventSource(event("x", 0, { source: "backup" })).label).toBe("Backup");
    expect(eventSource(event("x", 0, { source: "" })).label).toBe("System");
  });

  it("drops a leading repeat of the source's name from the message, and only that", () => {
    expect(eventText(event("x", 0, { message: "Reconciler: 1 cluster(s) checked." }), "Reconciler")).toBe("1 cluster(s) checked.");
    expect(eventText(event("x", 0, { message: "Janitor checked 2 stuck operation(s)." }), "Janitor")).toBe("Checked 2 stuck operation(s).");
    expect(eventText(event("x", 0, { message: "Janitorial work done." }), "Janitor")).toBe("Janitorial work done.");
    expect(eventText(event("x", 0, { message: "Janitor:" }), "Janitor")).toBe("Janitor:");
  });

  it("shows a severity it does not know as a warning rather than hiding it", () => {
    expect(eventTone(event("x", 0, { severity: "error" }))).toBe("error");
    expect(eventTone(event("x", 0, { severity: "critical" }))).toBe("warning");
  });

  it("links an event to its guest only when it names one", () => {
    expect(eventGuestKey(event("x", 0, { clusterId: "lab", vmid: 101 }))).toBe("lab/101");
    expect(eventGuestKey(event("x", 0, { clusterId: "lab", vmid: 0 }))).toBeNull();
  });

  it("writes ages short: just now, minutes, hours, then the date", () => {
    const now = Date.UTC(2026, 10, 26, 12);
    expect(eventAge(now - 10_000, now)).toBe("just now");
    expect(eventAge(now + 5_000, now)).toBe("just now");
    expect(eventAge(now - 4 * 60_000, now)).toBe("4 min ago");
    expect(eventAge(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(eventAge(now - 3 * 86_400_000, now)).toMatch(/23/);
  });
});
