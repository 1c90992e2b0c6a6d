import { describe, expect, it } from "vitest";
import { moveWithCollisions, pushOutOfObstacles } from "./collision.ts";

const bounds = { minX: -5, maxX: 5, minZ: -5, maxZ: 5 };
const rack = { minX: 0, maxX: 2, minZ: 0, maxZ: 1 };

describe("moveWithCollisions", () => {
  it("moves freely in open space", () => {
    expect(moveWithCollisions({ x: -2, z: -2 }, { x: 0.5, z: 0.25 }, 0.3, [rack], bounds)).toEqual({ x: -1.5, z: -1.75 });
  });

  it("stops at a rack row and slides along it", () => {
    const p = moveWithCollisions({ x: -1, z: 0.5 }, { x: 2, z: 0.2 }, 0.3, [rack], bounds);
    expect(p.x).toBeCloseTo(-0.3);
    expect(p.z).toBeCloseTo(0.7);
  });

  it("never leaves the hall, even when pushed hard", () => {
    const p = moveWithCollisions({ x: 4.5, z: 4.5 }, { x: 10, z: 10 }, 0.3, [], bounds);
    expect(p).toEqual({ x: 4.7, z: 4.7 });
  });

  it("cannot tunnel through a row in one step from the front", () => {
    const p = moveWithCollisions({ x: 1, z: 1.5 }, { x: 0, z: -3 }, 0.3, [rack], bounds);
    expect(p.z).toBeCloseTo(1.3);
  });
});

describe("pushOutOfObstacles", () => {
  it("moves a walker out of a rack to the nearest side", () => {
    expect(pushOutOfObstacles({ x: 1, z: 0.9 }, 0.3, [rack], bounds)).toEqual({ x: 1, z: 1.3 });
  });
});
