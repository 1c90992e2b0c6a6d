import { describe, expect, it } from "vitest";
import { applyToKnown, diffEstate, HOSTS_PER_RACK, pickGuestFacts } from "./diff.ts";
import type { KnownEstate, ObservedEstate, ObservedGuest, ObservedHost } from "./model.ts";
import { observeEstate, type ResourceEntry } from "./observe.ts";

const host = (node: string, over: Partial<ObservedHost> = {}): ObservedHost => ({
  node,
  status: "online",
  maxCpu: 16,
  maxMemMiB: 65536,
  cpu: 0.1,
  memMiB: 1000,
  uptime: 100,
  ...over,
});

const guest = (vmid: number, node: string, over: Partial<ObservedGuest> = {}): ObservedGuest => ({
  vmid,
  node,
  type: "lxc",
  name: `ct-${vmid}`,
  status: "running",
  tags: "",
  lock: "",
  template: false,
  cpus: 2,
  maxMemMiB: 512,
  maxDiskMiB: 8192,
  externalTask: "",
  cpu: 0.2,
  memMiB: 100,
  diskMiB: 1000,
  netInKiB: 1,
  netOutKiB: 2,
  uptime: 10,
  ...over,
});

const empty = (): KnownEstate => ({ racks: [], hosts: new Map(), guests: new Map() });

describe("diffEstate", () => {
  it("places new hosts in racks of HOSTS_PER_RACK slots, in node order, creating racks as needed", () => {
    const nodes = Array.from({ length: HOSTS_PER_RACK + 1 }, (_, i) => host(`pve${i + 1}`));
    const changes = diffEstate("c1", empty(), { hosts: nodes.reverse(), guests: [] });
    expect(changes.newRacks.map((r) => r.id)).toEqual(["c1-r1", "c1-r2"]);
    const placed = Object.fromEntries(changes.hostsUpserted.map((h) => [h.node, `${h.rackId}#${h.slot}`]));
    expect(placed.pve1).toBe("c1-r1#0");
    expect(placed[`pve${HOSTS_PER_RACK}`]).toBe(`c1-r1#${HOSTS_PER_RACK - 1}`);
    expect(placed[`pve${HOSTS_PER_RACK + 1}`]).toBe("c1-r2#0");
  });

  it("changes nothing when Proxmox reports what is already stored, metrics aside", () => {
    const known = empty();
    const observed: ObservedEstate = { hosts: [host("pve1")], guests: [guest(100, "pve1")] };
    applyToKnown(known, diffEstate("c1", known, observed));
    const moved: ObservedEstate = { hosts: [host("pve1", { cpu: 0.9 })], guests: [guest(100, "pve1", { cpu: 0.7, netInKiB: 99 })] };
    const again = diffEstate("c1", known, moved);
    expect(again).toEqual({ newRacks: [], hostsUpserted: [], hostsRemoved: [], guestsUpserted: [], guestsRemoved: [] });
  });

  it("upserts a guest when any one of its stored facts changes alone", () => {
    const known = empty();
    applyToKnown(known, diffEstate("c1", known, { hosts: [host("pve1")], guests: [guest(100, "pve1")] }));
    const changed: Partial<ObservedGuest>[] = [
      { node: "pve2" }, { type: "qemu" }, { name: "renamed" }, { status: "stopped" }, { tags: "web" }, { lock: "backup" },
      { template: true }, { cpus: 4 }, { maxMemMiB: 1024 }, { maxDiskMiB: 1 },
    ];
    expect(changed.map((over) => Object.keys(over)[0]).sort()).toEqual(
      Object.keys(pickGuestFacts(guest(100, "pve1"))).filter((k) => k !== "vmid").sort(),
    );
    for (const over of changed) {
      const changes = diffEstate("c1", known, { hosts: [host("pve1")], guests: [guest(100, "pve1", over)] });
      expect(changes.guestsUpserted, JSON.stringify(over)).toEqual([pickGuestFacts(guest(100, "pve1", over))]);
    }
  });

  it("reports changed, new and vanished guests and keeps a host's rack slot across changes", () => {
    const known = empty();
    applyToKnown(known, diffEstate("c1", known, { hosts: [host("pve1"), host("pve2")], guests: [guest(100, "pve1"), guest(101, "pve1")] }));
    const changes = diffEstate("c1", known, {
      hosts: [host("pve1", { status: "offline" }), host("pve2")],
      guests: [guest(100, "pve2", { status: "stopped" }), guest(102, "pve1")],
    });
    expect(changes.guestsUpserted.map((g) => [g.vmid, g.node, g.status])).toEqual([
      [100, "pve2", "stopped"],
      [102, "pve1", "running"],
    ]);
    expect(changes.guestsRemoved).toEqual([101]);
    expect(changes.hostsUpserted).toEqual([{ node: "pve1", status: "offline", maxCpu: 16, maxMemMiB: 65536, rackId: "c1-r1", slot: 0 }]);
  });

  it("frees the slot of a removed node for the next new one", () => {
    const known = empty();
    applyToKnown(known, diffEstate("c1", known, { hosts: [host("pve1"), host("pve2")], guests: [] }));
    const changes = diffEstate("c1", known, { hosts: [host("pve2"), host("pve9")], guests: [] });
    expect(changes.hostsRemoved).toEqual(["pve1"]);
    expect(changes.hostsUpserted).toEqual([expect.objectContaining({ node: "pve9", rackId: "c1-r1", slot: 0 })]);
  });
});

describe("observeEstate", () => {
  it("normalises units, names nameless guests like PVE and marks tasks Proximity did not start", () => {
    const observed = observeEstate(
      [
        { type: "node", node: "pve1", status: "online", maxcpu: 8, maxmem: 8 * 1024 ** 3, mem: 2 * 1024 ** 3, cpu: 0.25, uptime: 50 },
        { type: "lxc", node: "pve1", vmid: 100, status: "running", maxmem: 512 * 1024 ** 2, netin: 10 * 1024, tags: ["web", "prod"] },
        { type: "qemu", node: "pve1", vmid: 101, name: "  ", status: "unknown" },
        { type: "qemu", node: "pve1", vmid: 102, name: "db", status: "stopped" },
        { type: "storage", node: "pve1" },
      ],
      [
        { type: "vzdump", id: "100", upid: "UPID:a" },
        { type: "qmstart", id: "102", upid: "UPID:ours" },
        { type: "vzstop", id: "101", upid: "UPID:old", endtime: 5, status: "OK" },
      ],
      new Set(["UPID:ours"]),
    );
    expect(observed.hosts).toEqual([{ node: "pve1", status: "online", maxCpu: 8, maxMemMiB: 8192, cpu: 0.25, memMiB: 2048, uptime: 50 }]);
    expect(observed.guests.map((g) => [g.vmid, g.name, g.status, g.externalTask])).toEqual([
      [100, "CT100", "running", "vzdump"],
      [101, "VM101", "unknown", ""],
      [102, "db", "stopped", ""],
    ]);
    expect(observed.guests[0]).toMatchObject({ maxMemMiB: 512, netInKiB: 10, tags: "web;prod" });
  });
  it("hands back the previous object for a guest that normalises the same, and a new one when any field changed", () => {
    const MiB = 1024 ** 2;
    const entry: ResourceEntry = {
      type: "lxc", node: "pve1", vmid: 100, name: "web", status: "running", template: false, lock: "", tags: ["a"], cpu: 0.1,
      maxcpu: 2, mem: 100 * MiB, maxmem: 512 * MiB, disk: 10 * MiB, maxdisk: 8192 * MiB, netin: 2048, netout: 4096, uptime: 50,
    };
    const first = observeEstate([entry]).guests[0]!;
    const previous = new Map([[100, first]]);
    expect(observeEstate([{ ...entry, tags: ["a"] }], [], new Set(), previous).guests[0]).toBe(first);
    // Keyed by every field but vmid, so a field added to ObservedGuest does not compile here until it is listed.
    const changes = {
      node: { node: "pve2" }, type: { type: "qemu" }, name: { name: "db" }, status: { status: "stopped" }, tags: { tags: ["b"] },
      lock: { lock: "backup" }, template: { template: true }, cpus: { maxcpu: 4 }, maxMemMiB: { maxmem: 1024 * MiB },
      maxDiskMiB: { maxdisk: 1 * MiB }, externalTask: "a vzdump task", cpu: { cpu: 0.5 }, memMiB: { mem: 200 * MiB },
      diskMiB: { disk: 20 * MiB }, netInKiB: { netin: 4096 }, netOutKiB: { netout: 8192 }, uptime: { uptime: 52 },
    } satisfies Record<Exclude<keyof ObservedGuest, "vmid">, Partial<ResourceEntry> | string>;
    for (const [field, change] of Object.entries(changes)) {
      const observed =
        typeof change === "string"
          ? observeEstate([entry], [{ type: "vzdump", id: "100", upid: "UPID:x" }], new Set(), previous)
          : observeEstate([{ ...entry, ...change }], [], new Set(), previous);
      const guest = observed.guests[0]!;
      expect(guest, field).not.toBe(first);
      expect(guest[field as keyof ObservedGuest], field).not.toEqual(first[field as keyof ObservedGuest]);
    }
  });
});
