import { describe, expect, it } from "vitest";
import { computeLayout } from "../scene/layout.ts";
import { createGlide, easeOutCubic, shortestAngle, viewpointFor } from "./glide.ts";
import { moveWithCollisions } from "./collision.ts";

const from = { x: 0, y: 1.6, z: 0, yaw: 0.1, pitch: 0 };
const to = { x: 4, y: 1.6, z: 2, yaw: -0.1 + 2 * Math.PI, pitch: 0.3 };

describe("camera glide", () => {
  it("takes 400 ms, eases out and turns the short way", () => {
    const glide = createGlide(from, to, 1000, { reducedMotion: false });
    expect(glide.sample(1000)).toMatchObject({ done: false, pose: { x: 0 } });
    const mid = glide.sample(1200);
    expect(mid.pose.x).toBeCloseTo(4 * easeOutCubic(0.5));
    expect(mid.pose.yaw).toBeCloseTo(0.1 - 0.2 * easeOutCubic(0.5));
    const end = glide.sample(1400);
    expect(end.done).toBe(true);
    expect(end.pose).toMatchObject({ x: 4, z: 2, pitch: 0.3 });
  });

  it("cuts straight to the target when the user prefers reduced motion", () => {
    const glide = createGlide(from, to, 1000, { reducedMotion: true });
    expect(glide.sample(1000)).toMatchObject({ done: true, pose: { x: 4, z: 2 } });
  });

  it("normalises turns", () => {
    expect(shortestAngle(0, (3 * Math.PI) / 2)).toBeCloseTo(-Math.PI / 2);
    expect(shortestAngle(Math.PI - 0.1, -Math.PI + 0.1)).toBeCloseTo(0.2);
  });
});

describe("viewpointFor", () => {
  it("stands in the aisle in front of the guest, facing it, and that spot is walkable", () => {
    const layout = computeLayout({
      clusters: [{ id: "c", name: "c" }],
      hosts: [
        { key: "c/a", clusterId: "c", node: "a", rack: "R1", slot: 5 },
        { key: "c/b", clusterId: "c", node: "b", rack: "R2", slot: 0 },
      ],
      guests: [{ key: "c/100", hostKey: "c/a", vmid: 100 }],
    });
    const guest = layout.guests.get("c/100")!;
    const pose = viewpointFor(guest);
    expect(pose.x).toBeCloseTo(guest.front.x);
    expect((pose.z - guest.front.z) * guest.facing).toBeGreaterThan(0.5);
    expect(pose.pitch).toBeGreaterThan(0);
    const walked = moveWithCollisions({ x: pose.x, z: pose.z }, { x: 0, z: 0 }, 0.25, layout.obstacles, layout.bounds);
    expect(walked.z).toBeCloseTo(pose.z);
  });
});
