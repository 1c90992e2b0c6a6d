import { describe, expect, it } from "vitest";
import { CHASSIS, computeLayout, FRONT, RACK, RACKS_PER_ROW, type HallLayout, type LayoutInput, type Rect } from "./layout.ts";

type HostSpec = { cluster: string; node: string; rack: string; slot: number; guests: number };

function estate(hosts: HostSpec[], extraClusters: string[] = []): LayoutInput {
  const clusters = [...new Set([...hosts.map((h) => h.cluster), ...extraClusters])].map((id) => ({ id, name: id }));
  const guests: LayoutInput["guests"][number][] = [];
  let vmid = 100;
  for (const h of hosts) {
    for (let i = 0; i < h.guests; i++) guests.push({ key: `${h.cluster}/${vmid}`, hostKey: `${h.cluster}/${h.node}`, vmid: vmid++ });
  }
  return {
    clusters,
    hosts: hosts.map((h) => ({ key: `${h.cluster}/${h.node}`, clusterId: h.cluster, node: h.node, rack: h.rack, slot: h.slot })),
    guests,
  };
}

function bigEstate(racks: number, hostsPerRack: number, guestsPerHost: number): LayoutInput {
  const hosts: HostSpec[] = [];
  for (let r = 0; r < racks; r++) {
    for (let s = 0; s < hostsPerRack; s++) {
      hosts.push({ cluster: r < racks / 2 ? "alpha" : "beta", node: `pve${r}-${s}`, rack: `R${r}`, slot: s, guests: guestsPerHost });
    }
  }
  return estate(hosts);
}

const overlaps = (a: Rect, b: Rect) => a.minX < b.maxX && b.minX < a.maxX && a.minZ < b.maxZ && b.minZ < a.maxZ;

function guestRects(layout: HallLayout) {
  return [...layout.guests.values()].map((g) => ({
    key: g.key,
    z: g.front.z,
    minX: g.front.x - g.width / 2,
    maxX: g.front.x + g.width / 2,
    minY: g.front.y - g.height / 2,
    maxY: g.front.y + g.height / 2,
  }));
}

describe("computeLayout", () => {
  it("is deterministic whatever order the estate arrives in", () => {
    const input = bigEstate(6, 3, 5);
    const shuffled: LayoutInput = {
      clusters: [...input.clusters].reverse(),
      hosts: [...input.hosts].reverse(),
      guests: [...input.guests].reverse(),
    };
    const a = computeLayout(input);
    const b = computeLayout(shuffled);
    expect([...b.guests.entries()].sort()).toEqual([...a.guests.entries()].sort());
    expect([...b.hosts.entries()].sort()).toEqual([...a.hosts.entries()].sort());
    expect(b.rows).toEqual(a.rows);
  });

  it("places every host and guest, with no overlapping racks, chassis or drive caddies", () => {
    const input = bigEstate(24, 8, 40);
    const layout = computeLayout(input);
    expect(layout.hosts.size).toBe(input.hosts.length);
    expect(layout.guests.size).toBe(input.guests.length);

    const rackRects = [...layout.racks.values()].map((r) => ({
      minX: r.x - RACK.width / 2 + 1e-9,
      maxX: r.x + RACK.width / 2 - 1e-9,
      minZ: r.z - RACK.depth / 2,
      maxZ: r.z + RACK.depth / 2,
    }));
    for (let i = 0; i < rackRects.length; i++) {
      for (let j = i + 1; j < rackRects.length; j++) expect(overlaps(rackRects[i]!, rackRects[j]!)).toBe(false);
    }

    const hostsByRack = new Map<string, number[]>();
    for (const h of layout.hosts.values()) hostsByRack.set(h.rackId, [...(hostsByRack.get(h.rackId) ?? []), h.front.y]);
    for (const ys of hostsByRack.values()) {
      ys.sort((a, b) => a - b);
      for (let i = 1; i < ys.length; i++) expect(ys[i]! - ys[i - 1]!).toBeGreaterThanOrEqual(CHASSIS.height);
    }

    const byHost = new Map<string, ReturnType<typeof guestRects>>();
    const rectOf = new Map(guestRects(layout).map((r) => [r.key, r]));
    for (const g of layout.guests.values()) byHost.set(g.hostKey, [...(byHost.get(g.hostKey) ?? []), rectOf.get(g.key)!]);
    for (const rects of [...byHost.values()].slice(0, 20)) {
      for (let i = 0; i < rects.length; i++) {
        for (let j = i + 1; j < rects.length; j++) {
          const a = rects[i]!;
          const b = rects[j]!;
          const apart = a.maxX <= b.minX + 1e-9 || b.maxX <= a.minX + 1e-9 || a.maxY <= b.minY + 1e-9 || b.maxY <= a.minY + 1e-9;
          expect(apart).toBe(true);
        }
      }
    }
  });

  it("keeps guests inside their chassis front and racks inside the hall", () => {
    const layout = computeLayout(bigEstate(12, 4, 60));
    for (const g of layout.guests.values()) {
      const host = layout.hosts.get(g.hostKey)!;
      expect(Math.abs(g.front.y - host.front.y) + g.height / 2).toBeLessThanOrEqual(CHASSIS.height / 2);
      expect(Math.abs(g.front.x - host.front.x) + g.width / 2).toBeLessThanOrEqual(CHASSIS.width / 2);
    }
    for (const r of layout.racks.values()) {
      expect(r.x - RACK.width / 2).toBeGreaterThanOrEqual(layout.bounds.minX);
      expect(r.x + RACK.width / 2).toBeLessThanOrEqual(layout.bounds.maxX);
      expect(r.z - RACK.depth / 2).toBeGreaterThanOrEqual(layout.bounds.minZ);
      expect(r.z + RACK.depth / 2).toBeLessThanOrEqual(layout.bounds.maxZ);
    }
  });

  it("does not move anything else when a guest is added", () => {
    const before = bigEstate(4, 3, 10);
    const host = before.hosts[5]!;
    const after: LayoutInput = { ...before, guests: [...before.guests, { key: `${host.clusterId}/9000`, hostKey: host.key, vmid: 9000 }] };
    const a = computeLayout(before);
    const b = computeLayout(after);
    for (const [key, g] of a.guests) expect(b.guests.get(key)).toEqual(g);
    expect([...b.hosts.values()]).toEqual([...a.hosts.values()]);
    expect([...b.racks.values()]).toEqual([...a.racks.values()]);
    expect(b.guests.get(`${host.clusterId}/9000`)?.hostKey).toBe(host.key);
  });

  it("does not move other hosts or guests when a host is added to a free slot", () => {
    const before = bigEstate(4, 3, 6);
    const after: LayoutInput = {
      ...before,
      hosts: [...before.hosts, { key: "alpha/new", clusterId: "alpha", node: "new", rack: "R0", slot: 4 }],
    };
    const a = computeLayout(before);
    const b = computeLayout(after);
    for (const [key, h] of a.hosts) expect(b.hosts.get(key)).toEqual(h);
    for (const [key, g] of a.guests) expect(b.guests.get(key)).toEqual(g);
    expect(b.hosts.get("alpha/new")?.slot).toBe(4);
  });

  it("starts each cluster on a new row, splits long clusters into rows, and pairs rows across a cold aisle", () => {
    const layout = computeLayout(bigEstate(RACKS_PER_ROW * 2 + 4, 1, 1));
    const clusters = layout.rows.map((r) => r.clusterId);
    expect(clusters).toEqual(["alpha", "alpha", "beta", "beta"]);
    expect(layout.rows[0]!.facing).toBe(1);
    expect(layout.rows[1]!.facing).toBe(-1);
    const aisle = layout.rows[1]!.z - RACK.depth / 2 - (layout.rows[0]!.z + RACK.depth / 2);
    expect(aisle).toBeGreaterThan(1.5);
    for (const row of layout.rows) expect(row.rackIds.length).toBeLessThanOrEqual(RACKS_PER_ROW);
  });

  it("moves hosts with a taken or out-of-range slot to a free slot, then to an overflow rack", () => {
    const hosts: HostSpec[] = [];
    for (let i = 0; i < RACK.slots + 2; i++) hosts.push({ cluster: "c", node: `n${i}`, rack: "A", slot: i === 3 ? 0 : i, guests: 0 });
    hosts.push({ cluster: "c", node: "far", rack: "A", slot: 200, guests: 0 });
    const layout = computeLayout(estate(hosts));
    expect(layout.hosts.size).toBe(hosts.length);
    const places = [...layout.hosts.values()].map((h) => `${h.rackId}:${h.slot}`);
    expect(new Set(places).size).toBe(places.length);
    expect(layout.racks.has("A~2")).toBe(true);
    expect(layout.hosts.get("c/n0")).toMatchObject({ rackId: "A", slot: 0 });
  });

  it("gives a cluster without hosts its own row, and still lays out an empty hall", () => {
    const layout = computeLayout(estate([{ cluster: "a", node: "n", rack: "A", slot: 0, guests: 2 }], ["z-offline"]));
    expect(layout.rows.map((r) => r.clusterId)).toEqual(["a", "z-offline"]);
    expect(layout.rows[1]!.rackIds).toEqual([]);
    const empty = computeLayout({ clusters: [], hosts: [], guests: [] });
    expect(empty.bounds.maxX - empty.bounds.minX).toBeGreaterThan(4);
    expect(empty.bounds.maxZ - empty.bounds.minZ).toBeGreaterThan(2);
  });

  it("packs more guests than bays into a denser grid on that host only, with caddies of the standard shape", () => {
    const capacity = FRONT.columns * FRONT.minRows;
    const layout = computeLayout(estate([
      { cluster: "c", node: "big", rack: "A", slot: 0, guests: 200 },
      { cluster: "c", node: "small", rack: "A", slot: 1, guests: 3 },
      { cluster: "c", node: "full", rack: "A", slot: 2, guests: capacity },
    ]));
    const standard = [...layout.guests.values()].find((g) => g.hostKey === "c/small")!;
    expect(layout.hosts.get("c/small")!.bays).toEqual({ columns: FRONT.columns, rows: FRONT.minRows });
    expect(layout.hosts.get("c/full")!.bays).toEqual({ columns: FRONT.columns, rows: FRONT.minRows });
    const big = layout.hosts.get("c/big")!.bays;
    expect(big.columns * big.rows).toBeGreaterThanOrEqual(200);
    // No more than one spare row, and every caddy keeps within 25 % of the standard caddy's proportions.
    expect(big.columns * (big.rows - 1)).toBeLessThan(200);
    const caddies = [...layout.guests.values()].filter((g) => g.hostKey === "c/big");
    expect(caddies).toHaveLength(200);
    const ratio = caddies[0]!.width / caddies[0]!.height / (standard.width / standard.height);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.25);
    // Still inside the chassis front, without overlapping.
    const us = caddies.map((g) => g.front.x);
    expect(Math.max(...us) - Math.min(...us)).toBeLessThan(FRONT.baysRight - FRONT.baysLeft);
    expect(new Set(caddies.map((g) => `${g.front.x.toFixed(4)},${g.front.y.toFixed(4)}`)).size).toBe(200);
  });

  it("keeps the spawn point inside the hall and out of the racks", () => {
    const layout = computeLayout(bigEstate(8, 2, 2));
    const { x, z } = layout.spawn;
    expect(x).toBeGreaterThan(layout.bounds.minX);
    expect(z).toBeLessThan(layout.bounds.maxZ);
    for (const o of layout.obstacles) expect(x >= o.minX && x <= o.maxX && z >= o.minZ && z <= o.maxZ).toBe(false);
  });
});
