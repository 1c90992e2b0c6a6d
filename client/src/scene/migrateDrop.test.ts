import { describe, expect, it } from "vitest";
import type { HostRecord } from "../model/records.ts";
import { computeLayout } from "./layout.ts";
import { hostUnderRay, migrateDrop } from "./migrateDrop.ts";

const host = (node: string, extra: Partial<HostRecord> = {}): HostRecord => ({
  key: `c/${node}`, clusterId: "c", node, status: "online", cpu: 0, maxCpu: 8, memMiB: 0, maxMemMiB: 32768, bootedAt: 1, rack: "A01", slot: 0, ...extra,
});

describe("dropping a guest on a host to migrate it", () => {
  const layout = computeLayout({
    clusters: [{ id: "c", name: "C" }],
    hosts: [host("n1", { slot: 0 }), host("n2", { slot: 1 })].map((h) => ({ key: h.key, clusterId: h.clusterId, node: h.node, rack: h.rack, slot: h.slot })),
    guests: [{ key: "c/100", hostKey: "c/n1", vmid: 100 }],
  });
  const n2 = layout.hosts.get("c/n2")!;
  const eye = { x: n2.front.x, y: n2.front.y, z: n2.front.z + n2.facing * 1.5 };

  it("finds the chassis a ray from the aisle meets", () => {
    expect(hostUnderRay(layout, eye, { x: 0, y: 0, z: -n2.facing })).toBe("c/n2");
    const n1 = layout.hosts.get("c/n1")!;
    const up = n1.front.y - eye.y;
    expect(hostUnderRay(layout, eye, { x: 0, y: up / 1.5, z: -n2.facing })).toBe("c/n1");
  });

  it("finds nothing beside the chassis, behind the eye, or from behind the row", () => {
    expect(hostUnderRay(layout, eye, { x: 1, y: 0, z: -n2.facing * 0.2 })).toBeNull();
    expect(hostUnderRay(layout, eye, { x: 0, y: 0, z: n2.facing })).toBeNull();
    const behind = { ...eye, z: n2.front.z - n2.facing * 1.5 };
    expect(hostUnderRay(layout, behind, { x: 0, y: 0, z: n2.facing })).toBeNull();
  });

  it("allows another online node of the same cluster only", () => {
    const guest = { clusterId: "c", node: "n1" };
    expect(migrateDrop(guest, host("n2"))).toEqual({ ok: true, node: "n2" });
    expect(migrateDrop(guest, host("n1"))).toEqual({ ok: false, reason: "It already runs on n1." });
    expect(migrateDrop(guest, host("n2", { status: "offline" }))).toEqual({ ok: false, reason: "n2 is not online." });
    expect(migrateDrop(guest, host("x", { clusterId: "d" })).ok).toBe(false);
    expect(migrateDrop(guest, undefined).ok).toBe(false);
  });
});
