import { describe, expect, it } from "vitest";
import { fadeWithDistance, nearestInView } from "./nearest.ts";

const at = (x: number, y: number, z: number) => ({ position: { x, y, z } });

describe("nearestInView", () => {
  const items: Array<[string, ReturnType<typeof at>]> = [
    ["far", at(0, 0, 9)],
    ["near", at(0, 0, 1)],
    ["behind", at(0, 0, -1)],
    ["mid", at(0.5, 0, 2)],
    ["side", at(2, 0, 0.1)],
  ];
  it("keeps the nearest items ahead of the eye, nearest first", () => {
    const found = nearestInView(items, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 }, { maxDistance: 5, limit: 10, minCos: 0.3 });
    expect(found.map((f) => f.key)).toEqual(["near", "mid"]);
  });

  it("drops items the view test rejects (outside the frustum)", () => {
    const found = nearestInView(items, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 }, { maxDistance: 5, limit: 10, minCos: 0.3, inView: (p) => p.x === 0 });
    expect(found.map((f) => f.key)).toEqual(["near"]);
  });

  it("respects the limit", () => {
    const found = nearestInView(items, { x: 0, y: 0, z: 0 }, { x: 0, y: 0, z: 1 }, { maxDistance: 50, limit: 1, minCos: 0 });
    expect(found.map((f) => f.key)).toEqual(["near"]);
  });
});

describe("fadeWithDistance", () => {
  it("is opaque up close, invisible far away, and smooth between", () => {
    expect(fadeWithDistance(1, 1.5, 3)).toBe(1);
    expect(fadeWithDistance(3.5, 1.5, 3)).toBe(0);
    const mid = fadeWithDistance(2.25, 1.5, 3);
    expect(mid).toBeGreaterThan(0.3);
    expect(mid).toBeLessThan(0.7);
  });
});
