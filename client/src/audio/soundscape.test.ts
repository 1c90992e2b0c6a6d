import { describe, expect, it } from "vitest";
import { Estate } from "../model/estate.ts";
import { fillSampleEstate } from "../model/sampleEstate.ts";
import { layoutInputOf } from "../scene/hallView.ts";
import { computeLayout } from "../scene/layout.ts";
import { alarms, humForLoad, isNear, nearest, rackHums, toAudioSpace } from "./soundscape.ts";

function sample() {
  const estate = new Estate();
  fillSampleEstate(estate, { clusters: 1, hostsPerCluster: 4, guestsPerHost: 3, hostsPerRack: 2 });
  return { estate, layout: () => computeLayout(layoutInputOf(estate)) };
}

describe("rack hum", () => {
  it("grows louder and higher with load, within a quiet range", () => {
    const idle = humForLoad(0);
    const half = humForLoad(0.5);
    const full = humForLoad(1);
    expect(idle.gain).toBeLessThan(half.gain);
    expect(half.gain).toBeLessThan(full.gain);
    expect(idle.frequency).toBeLessThan(full.frequency);
    expect(full.gain).toBeLessThanOrEqual(0.12);
    expect([idle.frequency, full.frequency]).toEqual([55, 78]);
  });

  it("clamps loads outside 0..1 and treats a missing value as idle", () => {
    expect(humForLoad(3)).toEqual(humForLoad(1));
    expect(humForLoad(-1)).toEqual(humForLoad(0));
    expect(humForLoad(Number.NaN)).toEqual(humForLoad(0));
  });

  it("follows the mean load of a rack's online hosts, at the rack", () => {
    const { estate, layout } = sample();
    const [first, second] = [...estate.hosts.values()].filter((h) => h.rack === "A01");
    estate.upsertHost({ ...first!, cpu: 0.9 });
    estate.upsertHost({ ...second!, cpu: 0.1 });
    const hall = layout();
    const hum = rackHums(estate, hall).find((h) => h.rackId === hall.hosts.get(first!.key)!.rackId)!;
    expect(hum.frequency).toBeCloseTo(humForLoad(0.5).frequency);
    expect(hum.position.x).toBe(hall.racks.get(hum.rackId)!.x);

    estate.upsertHost({ ...first!, cpu: 0.9, status: "offline" });
    const quieter = rackHums(estate, hall).find((h) => h.rackId === hum.rackId)!;
    expect(quieter.gain).toBeCloseTo(humForLoad(0.1).gain);
  });
});

describe("alarms", () => {
  it("sound at a guest whose operation failed until someone opens it, and at an offline host", () => {
    const { estate, layout } = sample();
    expect(alarms(estate, layout())).toEqual([]);
    const guest = [...estate.guests.values()][2]!;
    estate.upsertOperation({
      id: "op-1", kind: "stop", clusterId: guest.clusterId, vmid: guest.vmid, node: guest.node, requestedBy: "ada", state: "failed",
      progress: 1, message: "", error: "CT is locked", createdAt: 1, finishedAt: 2, targetVmid: 0, targetNode: "", summary: "",
    });
    const hall = layout();
    expect(alarms(estate, hall)).toEqual([{ key: guest.key, position: hall.guests.get(guest.key)!.front }]);
    estate.acknowledge("op-1");
    expect(alarms(estate, hall)).toEqual([]);

    const host = [...estate.hosts.values()][1]!;
    estate.upsertHost({ ...host, status: "offline" });
    expect(alarms(estate, hall).map((a) => a.key)).toEqual([host.key]);
  });
});

describe("space", () => {
  it("keeps only the sources nearest the listener", () => {
    const at = (x: number) => ({ id: x, position: { x, y: 0, z: 0 } });
    expect(nearest([at(9), at(-1), at(4), at(2)], { x: 0, y: 0, z: 0 }, 2).map((s) => s.id)).toEqual([-1, 2]);
  });

  it("mirrors z into Web Audio's right-handed space and measures nearness", () => {
    expect(toAudioSpace({ x: 1, y: 2, z: 3 })).toEqual([1, 2, -3]);
    expect(isNear({ x: 0, y: 0, z: 0 }, { x: 6, y: 0, z: 8 }, 10)).toBe(true);
    expect(isNear({ x: 0, y: 0, z: 0 }, { x: 6, y: 0, z: 8.1 }, 10)).toBe(false);
  });
});
