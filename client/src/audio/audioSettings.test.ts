import { describe, expect, it } from "vitest";
import { AudioSettingsStore } from "./audioDirector.ts";

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return { getItem: (k: string) => values.get(k) ?? null, setItem: (k: string, v: string) => void values.set(k, v) };
}

describe("remembered sound settings", () => {
  it("starts at a moderate level, unmuted", () => {
    expect(new AudioSettingsStore(memoryStorage()).load()).toEqual({ volume: 0.6, muted: false });
  });

  it("gives back what was saved", () => {
    const storage = memoryStorage();
    new AudioSettingsStore(storage).save({ volume: 0.25, muted: true });
    expect(new AudioSettingsStore(storage).load()).toEqual({ volume: 0.25, muted: true });
  });

  it("repairs a stored value that is not a volume", () => {
    expect(new AudioSettingsStore(memoryStorage({ "proximity.volume": "loud" })).load().volume).toBe(0.6);
    expect(new AudioSettingsStore(memoryStorage({ "proximity.volume": "7" })).load().volume).toBe(1);
  });
});
