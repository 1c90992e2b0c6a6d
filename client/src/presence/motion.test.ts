import { describe, expect, it } from "vitest";
import { shortestAngle as angleDelta } from "../controls/glide.ts";
import { approach, followPose, PresenceOutbox, summonPose, type Pose } from "./motion.ts";

const at = (x: number, yaw = 0): Pose => ({ x, y: 1.6, z: 0, yaw, pitch: 0 });

describe("remote avatars move smoothly", () => {
  it("glides toward the reported pose instead of snapping, and settles on it", () => {
    let shown = at(0);
    const first = approach(shown, at(1), 1 / 60);
    expect(first.pose.x).toBeGreaterThan(0);
    expect(first.pose.x).toBeLessThan(0.5);
    expect(first.moving).toBe(true);
    for (let i = 0; i < 120; i++) shown = approach(shown, at(1), 1 / 60).pose;
    expect(approach(shown, at(1), 1 / 60)).toEqual({ pose: at(1), moving: false });
  });

  it("is independent of the frame rate", () => {
    let fast = at(0);
    for (let i = 0; i < 4; i++) fast = approach(fast, at(1), 1 / 120).pose;
    const slow = approach(at(0), at(1), 1 / 30).pose;
    expect(fast.x).toBeCloseTo(slow.x, 6);
  });

  it("turns the short way round and snaps across a teleport", () => {
    expect(angleDelta(3, -3)).toBeCloseTo(2 * Math.PI - 6);
    expect(approach(at(0, 3), at(0, -3), 1 / 60).pose.yaw).toBeGreaterThan(3);
    expect(approach(at(0), at(30), 1 / 60)).toEqual({ pose: at(30), moving: false });
  });
});

describe("presence outbox", () => {
  it("sends at most 20 times a second and only when something moved", () => {
    const outbox = new PresenceOutbox();
    expect(outbox.next(at(0), "", 0)).toMatchObject({ x: 0, selection: "" });
    expect(outbox.next(at(1), "", 20)).toBeNull();
    expect(outbox.next(at(1), "", 50)).toMatchObject({ x: 1 });
    expect(outbox.next(at(1.001), "", 200)).toBeNull();
  });

  it("sends a selection change at once", () => {
    const outbox = new PresenceOutbox();
    outbox.next(at(0), "", 0);
    expect(outbox.next(at(0), "lab/101", 5)).toMatchObject({ selection: "lab/101" });
  });
});

describe("follow and summon", () => {
  it("follows from behind and a little to the right, turned to what the leader looks at", () => {
    const leader = { x: 0, y: 1.6, z: 0, yaw: 0, pitch: 0.3 };
    const spot = followPose(leader, { x: 0.5, z: -2 }, 2, 0.5);
    expect(spot).toMatchObject({ x: 0.5, y: 1.6, z: -2, pitch: 0 });
    expect(spot.yaw).toBeCloseTo(Math.atan2(-0.5, 4));
    // Pushed up close by a wall, the follower turns further to keep the leader's focus ahead.
    expect(followPose(leader, { x: 0.5, z: -0.5 }).yaw).toBeLessThan(spot.yaw);
  });

  it("places summoned users apart, beside the admin and looking where the admin looks", () => {
    const admin = { x: 0, y: 1.6, z: 0, yaw: Math.PI, pitch: 0.2 };
    const spots = [0, 1, 2, 3].map((i) => summonPose(admin, i));
    for (const spot of spots) {
      expect(spot.z).toBeCloseTo(0);
      expect(spot).toMatchObject({ yaw: Math.PI, pitch: 0.2 });
    }
    const xs = spots.map((s) => s.x).sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(0.89);
    expect(xs.every((x) => Math.abs(x) >= 0.89)).toBe(true);
  });
});
