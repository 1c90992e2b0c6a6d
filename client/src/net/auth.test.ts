import { describe, expect, it } from "vitest";
import { SessionStore, type SessionInfo } from "./auth.ts";

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k), data };
}

const session = (expiresAt: string): SessionInfo => ({ token: "t", expiresAt, user: { id: "1", name: "ada", role: "operator", demo: false } });

describe("SessionStore", () => {
  it("keeps a session until it expires", () => {
    const storage = memoryStorage();
    let now = Date.parse("2026-01-01T00:00:00Z");
    const store = new SessionStore(storage, () => now);
    store.save(session("2026-01-01T12:00:00Z"));
    expect(store.load()?.user.name).toBe("ada");
    now = Date.parse("2026-01-01T12:00:01Z");
    expect(store.load()).toBeNull();
    expect(storage.data.size).toBe(0);
  });

  it("drops an unreadable session instead of failing", () => {
    const storage = memoryStorage();
    storage.setItem("proximity.session", "{not json");
    expect(new SessionStore(storage, () => 0).load()).toBeNull();
    expect(storage.data.size).toBe(0);
  });
});
