import { describe, expect, it } from "vitest";
import type { OperationRecord } from "../model/records.ts";
import { finishedDeploys } from "./celebration.ts";
import { celebrationSweep, MAX_MOTION_MS, motionFor, motionProgress, panelFlipPose, type MotionKind } from "./motion.ts";

const KINDS: MotionKind[] = ["panelFlip", "buttonPress", "celebration"];

describe("motion", () => {
  it("keeps every flourish under 300 ms, and shorter and still under reduced motion", () => {
    for (const kind of KINDS) {
      const full = motionFor(kind, false);
      const reduced = motionFor(kind, true);
      expect(full.durationMs).toBeGreaterThan(0);
      expect(full.durationMs).toBeLessThan(MAX_MOTION_MS);
      expect(reduced.durationMs).toBeLessThanOrEqual(full.durationMs);
      expect(reduced.moves).toBe(false);
    }
  });

  it("jumps straight to the end of a skipped (zero-length) motion", () => {
    const press = motionFor("buttonPress", true);
    expect(press.durationMs).toBe(0);
    expect(motionProgress(press, 1000, 1000)).toBe(1);
    const flip = motionFor("panelFlip", false);
    expect(motionProgress(flip, 1000, 1000)).toBe(0);
    expect(motionProgress(flip, 1000, 1000 + flip.durationMs / 2)).toBeCloseTo(0.5);
    expect(motionProgress(flip, 1000, 5000)).toBe(1);
  });

  it("flips the panel from nearly edge-on to square, or only fades it under reduced motion", () => {
    expect(panelFlipPose(0, true).turn).toBeGreaterThan(1.2);
    expect(panelFlipPose(0, true).opacity).toBe(0);
    expect(panelFlipPose(1, true)).toEqual({ turn: 0, opacity: 1 });
    expect(panelFlipPose(0.3, false).turn).toBe(0);
    expect(panelFlipPose(0.3, false).opacity).toBeGreaterThan(0);
  });

  it("sweeps the celebration light across and back to dark, or glows in place under reduced motion", () => {
    expect(celebrationSweep(0, true)).toEqual({ position: 0, brightness: 0 });
    expect(celebrationSweep(0.5, true).brightness).toBeCloseTo(1);
    expect(celebrationSweep(1, true).position).toBe(1);
    expect(celebrationSweep(1, true).brightness).toBeCloseTo(0);
    expect(celebrationSweep(0.2, false).position).toBe(0.5);
  });
});

describe("finishedDeploys", () => {
  const op = (id: string, kind: string, state: string): OperationRecord => ({
    id, kind, state, clusterId: "c1", vmid: 100, node: "pve1", requestedBy: "ada", progress: 0, message: "", error: "", createdAt: 0, finishedAt: 0, targetVmid: 120, targetNode: "", summary: "",
  });

  it("celebrates a deploy seen in progress once it succeeds, once", () => {
    const seen = new Map<string, "open" | "ended">();
    expect(finishedDeploys([op("d1", "deploy", "queued"), op("s1", "guest.stop", "running")], seen, true)).toEqual([]);
    expect(finishedDeploys([op("d1", "deploy", "running")], seen, false)).toEqual([]);
    expect(finishedDeploys([op("d1", "deploy", "succeeded")], seen, false).map((o) => o.id)).toEqual(["d1"]);
    expect(finishedDeploys([op("d1", "deploy", "succeeded")], seen, false)).toEqual([]);
  });

  it("celebrates a deploy first met already succeeded after joining, once", () => {
    const seen = new Map<string, "open" | "ended">();
    finishedDeploys([], seen, true);
    expect(finishedDeploys([op("quick", "deploy", "succeeded")], seen, false).map((o) => o.id)).toEqual(["quick"]);
    expect(finishedDeploys([op("quick", "deploy", "succeeded")], seen, false)).toEqual([]);
  });

  it("does not celebrate a failed deploy, other kinds, or deploys already finished when the client joined", () => {
    const seen = new Map<string, "open" | "ended">();
    expect(finishedDeploys([op("old", "deploy", "succeeded"), op("d2", "deploy", "running"), op("s1", "guest.stop", "running")], seen, true)).toEqual([]);
    expect(finishedDeploys([op("d2", "deploy", "failed"), op("s1", "guest.stop", "succeeded"), op("old", "deploy", "succeeded")], seen, false)).toEqual([]);
  });
});
