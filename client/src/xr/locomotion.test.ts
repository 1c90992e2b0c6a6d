import { describe, expect, it } from "vitest";
import { DEADZONE, stickStep, WALK_SPEED } from "./locomotion.ts";

describe("stickStep", () => {
  it("walks where you look when the stick is pushed forward, and strafes right when pushed right", () => {
    const ahead = stickStep(0, { x: 0, y: -1 }, 0.05);
    expect(ahead.x).toBeCloseTo(0);
    expect(ahead.z).toBeCloseTo(WALK_SPEED * 0.05);
    const facingPlusX = stickStep(Math.PI / 2, { x: 0, y: -1 }, 0.05);
    expect(facingPlusX.x).toBeCloseTo(WALK_SPEED * 0.05);
    expect(facingPlusX.z).toBeCloseTo(0);
    const right = stickStep(0, { x: 1, y: 0 }, 0.05);
    expect(right.x).toBeCloseTo(WALK_SPEED * 0.05);
  });

  it("ignores drift inside the deadzone, caps diagonals at full speed, and a long frame at 100 ms", () => {
    expect(stickStep(0, { x: DEADZONE * 0.9, y: 0 }, 0.05)).toEqual({ x: 0, z: 0 });
    const diagonal = stickStep(0.3, { x: 1, y: -1 }, 0.05);
    expect(Math.hypot(diagonal.x, diagonal.z)).toBeCloseTo(WALK_SPEED * 0.05);
    const stall = stickStep(0, { x: 0, y: -1 }, 2);
    expect(stall.z).toBeCloseTo(WALK_SPEED * 0.1);
  });
});
