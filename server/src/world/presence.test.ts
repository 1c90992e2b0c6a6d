import { describe, expect, it } from "vitest";
import { WorldState } from "../../../shared/src/schema/world.ts";
import { AVATAR_COLORS, MIN_PING_INTERVAL_MS, PresenceRoster } from "./presence.ts";

function roster() {
  let clock = 1_000_000;
  const state = new WorldState();
  return { state, roster: new PresenceRoster(state, () => new Date(clock)), advance: (ms: number) => (clock += ms) };
}

describe("presence roster", () => {
  it("gives users present at the same time different colours, and a user the same colour again", () => {
    const { state, roster: r } = roster();
    const names = ["ada", "bob", "cy", "dee"];
    names.forEach((name, i) => r.join({ sessionId: `s${i}`, name, role: "operator" }));
    const colors = [...state.users.values()].map((u) => u.color);
    expect(new Set(colors).size).toBe(names.length);
    expect(colors.every((c) => (AVATAR_COLORS as readonly string[]).includes(c))).toBe(true);
    const first = state.users.get("s0")!.color;
    r.leave("s0");
    expect(r.join({ sessionId: "s9", name: "ada", role: "operator" }).color).toBe(first);
  });

  it("applies a valid update and refuses a bad one with the field named", () => {
    const { state, roster: r } = roster();
    r.join({ sessionId: "a", name: "ada", role: "viewer" });
    expect(r.update("a", { x: 2, y: 1.6, z: 3, yaw: 1, pitch: 0, selection: "lab/101" }).ok).toBe(true);
    expect(state.users.get("a")).toMatchObject({ x: 2, z: 3, selection: "lab/101" });
    const bad = r.update("a", { x: "left", y: 1.6, z: 3, yaw: 1, pitch: 0, selection: "" });
    expect(bad).toMatchObject({ ok: false, rejection: { code: "invalid_payload", fields: { x: expect.any(String) } } });
    expect(state.users.get("a")!.x).toBe(2);
  });

  it("is not placed until its first update, so nobody sees an avatar at the origin meanwhile", () => {
    const { state, roster: r } = roster();
    r.join({ sessionId: "a", name: "ada", role: "admin" });
    expect(state.users.get("a")!.placed).toBe(false);
    expect(r.summon("a", "admin", {})).toMatchObject({ ok: false, rejection: { code: "invalid_state" } });
    r.update("a", { x: 0, y: 1.6, z: 0, yaw: 0, pitch: 0, selection: "" });
    expect(state.users.get("a")!.placed).toBe(true);
    expect(r.summon("a", "admin", {})).toMatchObject({ ok: true, value: { x: 0, z: 0 } });
  });

  it("limits pings to a few a second", () => {
    const { roster: r, advance } = roster();
    r.join({ sessionId: "a", name: "ada", role: "viewer" });
    expect(r.ping("a", { x: 0, y: 1, z: 0 })).toMatchObject({ ok: true, value: { name: "ada", x: 0, y: 1, z: 0 } });
    expect(r.ping("a", { x: 0, y: 1, z: 0 })).toMatchObject({ ok: false, rejection: { code: "busy" } });
    advance(MIN_PING_INTERVAL_MS);
    expect(r.ping("a", { x: 0, y: 1, z: 0 }).ok).toBe(true);
  });

  it("lets only admins summon everyone, to where they stand", () => {
    const { roster: r } = roster();
    r.join({ sessionId: "a", name: "ada", role: "admin" });
    r.join({ sessionId: "o", name: "oz", role: "operator" });
    r.update("a", { x: 4, y: 1.6, z: -2, yaw: 3, pitch: 0, selection: "" });
    expect(r.summon("a", "admin", {})).toMatchObject({ ok: true, value: { by: "ada", x: 4, z: -2 } });
    expect(r.summon("o", "operator", {})).toMatchObject({ ok: false, rejection: { code: "forbidden" } });
  });
});
