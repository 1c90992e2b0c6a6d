import { describe, expect, it } from "vitest";
import type { ObservedGuest, PlacedHost } from "./model.ts";
import { worldUpdate, type SentEstate } from "./world-update.ts";

const host = (node: string, over: Partial<PlacedHost> = {}): PlacedHost => ({
  node, status: "online", maxCpu: 16, maxMemMiB: 65536, cpu: 0.1, memMiB: 1000, uptime: 100, rackId: "c1-r1", slot: 0, ...over,
});
const guest = (vmid: number, over: Partial<ObservedGuest> = {}): ObservedGuest => ({
  vmid, node: "pve1", type: "lxc", name: `ct-${vmid}`, status: "running", tags: "", lock: "", template: false, cpus: 2,
  maxMemMiB: 512, maxDiskMiB: 8192, externalTask: "", cpu: 0.2, memMiB: 100, diskMiB: 1000, netInKiB: 1, netOutKiB: 2,
  uptime: 10, ...over,
});
const many = (count: number) => Array.from({ length: count }, (_, i) => guest(100 + i));

/** The base after a first, full update of these hosts and guests. */
function sentAfter(hosts: PlacedHost[], guests: ObservedGuest[]): SentEstate {
  return worldUpdate(null, hosts, guests).sent;
}

describe("worldUpdate", () => {
  it("sends everything when there is no base: the first cycle, after a failure or a resend request", () => {
    const { update } = worldUpdate(null, [host("pve1")], many(3));
    expect(update.full).toBe(true);
    expect(update.hosts.map((h) => h.node)).toEqual(["pve1"]);
    expect(update.guests.map((g) => g.vmid)).toEqual([100, 101, 102]);
    expect(update.guestsRemoved).toEqual([]);
  });

  it("sends nothing when nothing changed", () => {
    const sent = sentAfter([host("pve1")], many(1000));
    const { update } = worldUpdate(sent, [host("pve1")], many(1000));
    expect(update).toEqual({ full: false, hosts: [], guests: [], guestsRemoved: [] });
  });

  it("sends only the one guest renamed among a thousand, and not again on the next cycle", () => {
    const sent = sentAfter([host("pve1")], many(1000));
    const renamed = many(1000);
    renamed[500] = guest(600, { name: "web-new" });
    const first = worldUpdate(sent, [host("pve1")], renamed);
    expect(first.update).toEqual({ full: false, hosts: [], guests: [guest(600, { name: "web-new" })], guestsRemoved: [] });
    expect(worldUpdate(first.sent, [host("pve1")], renamed).update.guests).toEqual([]);
  });

  it("sends a guest when any one of its fields changes alone, metrics and external task included", () => {
    const changed: Partial<ObservedGuest>[] = [
      { node: "pve2" }, { type: "qemu" }, { name: "x" }, { status: "stopped" }, { tags: "web" }, { lock: "backup" },
      { template: true }, { cpus: 4 }, { maxMemMiB: 1024 }, { maxDiskMiB: 1 }, { externalTask: "vzdump" }, { cpu: 0.3 },
      { memMiB: 101 }, { diskMiB: 1001 }, { netInKiB: 2 }, { netOutKiB: 3 }, { uptime: 12 },
    ];
    expect(changed.map((over) => Object.keys(over)[0]).sort()).toEqual(Object.keys(guest(1)).filter((k) => k !== "vmid").sort());
    for (const over of changed) {
      const { update } = worldUpdate(sentAfter([host("pve1")], [guest(100)]), [host("pve1")], [guest(100, over)]);
      expect(update.guests, JSON.stringify(over)).toEqual([guest(100, over)]);
    }
  });

  it("sends a host when any one of its fields changes alone, and keeps the update partial", () => {
    const changed: Partial<PlacedHost>[] = [
      { status: "offline" }, { maxCpu: 32 }, { maxMemMiB: 1 }, { cpu: 0.5 }, { memMiB: 2000 }, { uptime: 101 }, { rackId: "c1-r2" }, { slot: 3 },
    ];
    expect(changed.map((over) => Object.keys(over)[0]).sort()).toEqual(Object.keys(host("pve1")).filter((k) => k !== "node").sort());
    for (const over of changed) {
      const { update } = worldUpdate(sentAfter([host("pve1"), host("pve2")], []), [host("pve1", over), host("pve2")], []);
      expect(update, JSON.stringify(over)).toEqual({ full: false, hosts: [host("pve1", over)], guests: [], guestsRemoved: [] });
    }
  });

  it("names the guests gone since the last update, once", () => {
    const sent = sentAfter([host("pve1")], many(5));
    const remaining = many(5).filter((g) => g.vmid !== 101 && g.vmid !== 104);
    const gone = worldUpdate(sent, [host("pve1")], remaining);
    expect(gone.update).toEqual({ full: false, hosts: [], guests: [], guestsRemoved: [101, 104] });
    expect(worldUpdate(gone.sent, [host("pve1")], remaining).update.guestsRemoved).toEqual([]);
  });

  it("names a guest gone in the same cycle as a new one arrives, so the count stays the same", () => {
    const sent = sentAfter([host("pve1")], many(3));
    const { update } = worldUpdate(sent, [host("pve1")], [guest(100), guest(101), guest(900)]);
    expect(update).toEqual({ full: false, hosts: [], guests: [guest(900)], guestsRemoved: [102] });
  });

  it("sends everything again when a host joins or leaves, so that no guest waits on a host the world lacks", () => {
    const sent = sentAfter([host("pve1")], many(2));
    expect(worldUpdate(sent, [host("pve1"), host("pve2")], many(2)).update.full).toBe(true);
    const two = sentAfter([host("pve1"), host("pve2")], many(2));
    const { update } = worldUpdate(two, [host("pve2")], many(2));
    expect(update.full).toBe(true);
    expect(update.hosts.map((h) => h.node)).toEqual(["pve2"]);
  });
});
