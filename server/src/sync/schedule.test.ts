import { describe, expect, it } from "vitest";
import { delayToNextStart } from "./schedule.ts";

describe("delayToNextStart", () => {
  it("starts the next cycle one interval after the previous one started", () => {
    expect(delayToNextStart(10_000, 10_300, 2000)).toBe(1700);
    expect(delayToNextStart(10_000, 10_000, 2000)).toBe(2000);
  });

  it("skips the start times an overrunning cycle missed, keeping the phase", () => {
    expect(delayToNextStart(10_000, 12_500, 2000)).toBe(1500);
    expect(delayToNextStart(10_000, 16_000, 2000)).toBe(2000);
  });

  it("waits a whole interval when the clock went backwards", () => {
    expect(delayToNextStart(10_000, 9_000, 2000)).toBe(2000);
  });
});
