import { NullEngine } from "@babylonjs/core/Engines/nullEngine";
import { Scene } from "@babylonjs/core/scene";
import { describe, expect, it } from "vitest";
import { Estate } from "../model/estate.ts";
import type { WorldEventRecord } from "../model/records.ts";
import { commandDeck } from "../theme.ts";
import { AlertBeacons, beaconBrightness, beaconPlacements } from "./alertBeacons.ts";
import type { GuestLayout } from "./layout.ts";

const guest = (key: string, facing: 1 | -1): GuestLayout => ({ key, hostKey: "lab/pve1", row: 0, bay: 0, front: { x: 1, y: 1.2, z: 3 }, width: 0.1, height: 0.04, facing });
const alert = (id: string, vmid: number, fields: Partial<WorldEventRecord> = {}): WorldEventRecord => ({
  id, kind: "alert", severity: "warning", source: "reconciler", message: "", clusterId: "lab", vmid, at: 1, ...fields,
});

describe("beaconPlacements", () => {
  const guests = new Map([["lab/101", guest("lab/101", -1)]]);

  it("floats a beacon just above an alerting guest's caddy, out from the side it faces", () => {
    const [placement, ...rest] = beaconPlacements([alert("a", 101)], guests);
    expect(rest).toEqual([]);
    expect(placement!.eventId).toBe("a");
    expect(placement!.tone).toBe("warning");
    expect(placement!.position.x).toBe(1);
    expect(placement!.position.y).toBeGreaterThan(1.2 + 0.02);
    expect(placement!.position.z).toBeLessThan(3);
  });

  it("places none for maintenance lines, alerts about no guest, or guests not in the hall", () => {
    expect(beaconPlacements([alert("m", 101, { kind: "maintenance" }), alert("c", 0), alert("gone", 999)], guests)).toEqual([]);
  });
});

describe("beaconBrightness", () => {
  it("pulses warnings at 1 Hz and blinks errors at 2 Hz", () => {
    expect(beaconBrightness("warning", 0, false)).toBeCloseTo(0.25);
    expect(beaconBrightness("warning", 500, false)).toBeCloseTo(1);
    expect(beaconBrightness("warning", 1000, false)).toBeCloseTo(0.25);
    expect(beaconBrightness("error", 100, false)).toBe(1);
    expect(beaconBrightness("error", 300, false)).toBeLessThan(0.5);
    expect(beaconBrightness("error", 600, false)).toBe(1);
  });

  it("holds steady under reduced motion", () => {
    expect(beaconBrightness("error", 300, true)).toBe(1);
    expect(beaconBrightness("warning", 0, true)).toBe(1);
  });
});

describe("AlertBeacons under NullEngine", () => {
  it("shows a bead while the alert is open, pulses it at a reduced rate, and removes it when the alert is cleared", () => {
    const engine = new NullEngine();
    const scene = new Scene(engine);
    const estate = new Estate();
    let now = 0;
    const glowing = new Set<string>();
    const beacons = new AlertBeacons(scene, commandDeck, estate, () => new Map([["lab/101", guest("lab/101", 1)]]), {
      reducedMotion: () => false,
      now: () => now,
      addGlowing: (meshes) => meshes.forEach((m) => glowing.add(m.name)),
      removeGlowing: (meshes) => meshes.forEach((m) => glowing.delete(m.name)),
    });
    const bead = () => scene.getMeshByName("alert-beacon:a");

    estate.upsertEvent(alert("a", 101));
    estate.flush();
    expect(bead()?.position.z).toBeGreaterThan(3);
    expect(glowing).toEqual(new Set(["alert-beacon:a"]));
    expect(beacons.animate()).toBe(true);
    now = 10;
    expect(beacons.animate()).toBe(false);
    now = 500;
    expect(beacons.animate()).toBe(true);
    expect(bead()!.visibility).toBeCloseTo(1);

    estate.removeEvent("a");
    estate.flush();
    expect(bead()).toBeNull();
    expect(glowing.size).toBe(0);
    expect(beacons.animate()).toBe(true);
    expect(beacons.animate()).toBe(false);
    beacons.dispose();
    scene.dispose();
    engine.dispose();
  });
});
