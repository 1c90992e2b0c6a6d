import { describe, expect, it } from "vitest";
import { mayDecide, PresenceUpdate, proposableCommands, proposalRefusal } from "./presence.ts";

describe("who may propose what", () => {
  it("viewers never propose", () => {
    expect(proposalRefusal("viewer", "guest.delete")).toMatch(/Viewers cannot propose/);
    expect(proposableCommands("viewer")).toEqual([]);
  });

  it("operators propose exactly the guest commands above their role", () => {
    expect(proposalRefusal("operator", "guest.delete")).toBeNull();
    expect(proposalRefusal("operator", "guest.migrate")).toBeNull();
    expect(proposalRefusal("operator", "guest.stop")).toMatch(/run Stop yourself/);
    expect(proposableCommands("operator").sort()).toEqual(
      ["backup.delete", "guest.delete", "guest.migrate", "guest.restore", "snapshot.delete", "snapshot.rollback"].sort(),
    );
  });

  it("admins run commands instead of proposing, and alone decide", () => {
    expect(proposableCommands("admin")).toEqual([]);
    expect([mayDecide("viewer"), mayDecide("operator"), mayDecide("admin")]).toEqual([false, false, true]);
  });

  it("names an unknown command", () => {
    expect(proposalRefusal("operator", "guest.explode")).toBe('Unknown command "guest.explode".');
  });
});

describe("presence updates", () => {
  const valid = { x: 1, y: 1.6, z: -3, yaw: 0.5, pitch: 0, selection: "lab/101" };
  it("accepts a position with or without a selection", () => {
    expect(PresenceUpdate.is(valid)).toBe(true);
    expect(PresenceUpdate.is({ ...valid, selection: "" })).toBe(true);
  });
  it.each([
    ["a non-finite coordinate", { ...valid, x: Number.NaN }],
    ["a coordinate far outside any hall", { ...valid, z: 1e9 }],
    ["a selection that is not a guest key", { ...valid, selection: "lab/../etc" }],
    ["a missing field", { x: 1, y: 1, z: 1, yaw: 0, pitch: 0 }],
    ["an extra field", { ...valid, admin: true }],
  ])("refuses %s", (_, update) => {
    expect(PresenceUpdate.is(update)).toBe(false);
  });
});
