import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index.ts";
import { data } from "./test-client.ts";
import { decodeUpid, encodeUpid } from "./upid.ts";

type Resource = { id: string; type: string; vmid?: number; node: string; status: string; name?: string; lock?: string; tags?: string; netin?: number; uptime?: number };

let clock = 1_760_000_000_000;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, nodes: 2, guests: 10, authFailureDelayMs: 20, now: () => clock });
});
afterAll(() => sim?.close());

const resources = () => data<Resource[]>(sim, "GET", "/cluster/resources?type=vm");
const resourceOf = async (vmid: number) => (await resources()).find((r) => r.vmid === vmid);

describe("external changes through the model", () => {
  it("shows start/stop in lists at once and in /cluster/resources after the next broadcast", async () => {
    const g = sim.model.createGuest({ type: "lxc", node: "pve1", name: "web-ui-started" });
    sim.model.refreshStatusNow();
    sim.model.externalAction(g.vmid, "start");
    expect(sim.model.getGuest(g.vmid)?.status).toBe("running");
    const list = await data<{ vmid: number; status: string }[]>(sim, "GET", "/nodes/pve1/lxc");
    expect(list.find((e) => e.vmid === g.vmid)?.status).toBe("running");
    expect((await resourceOf(g.vmid))?.status).toBe("stopped");
    sim.model.refreshStatusNow();
    expect((await resourceOf(g.vmid))?.status).toBe("running");
    const tasks = await data<{ type: string; id: string; user: string; status: string }[]>(sim, "GET", "/cluster/tasks");
    expect(tasks).toContainEqual(expect.objectContaining({ type: "vzstart", id: String(g.vmid), user: "root@pam", status: "OK" }));
  });

  it("lists a just-created guest as 'unknown' without name or stats until the broadcast", async () => {
    const g = sim.model.createGuest({ type: "qemu", node: "pve2", name: "fresh-vm", tags: "dev;k8s" });
    const early = await resourceOf(g.vmid);
    expect(early).toMatchObject({ id: `qemu/${g.vmid}`, node: "pve2", status: "unknown", tags: "dev;k8s" });
    expect(early).not.toHaveProperty("name");
    expect(early).not.toHaveProperty("maxmem");
    sim.model.refreshStatusNow();
    expect(await resourceOf(g.vmid)).toMatchObject({ name: "fresh-vm", status: "stopped" });
  });

  it("shows lock, tags, name and node changes immediately, and destroyed guests disappear", async () => {
    const g = sim.model.createGuest({ type: "lxc", node: "pve1", name: "mutable" });
    sim.model.refreshStatusNow();
    sim.model.lockGuest(g.vmid, "backup");
    sim.model.setTags(g.vmid, ["prod", "db"]);
    sim.model.renameGuest(g.vmid, "renamed");
    sim.model.migrateGuest(g.vmid, "pve2");
    expect(await resourceOf(g.vmid)).toMatchObject({ lock: "backup", tags: "prod;db", name: "renamed", node: "pve2" });
    sim.model.unlockGuest(g.vmid);
    sim.model.setTags(g.vmid, []);
    const cleared = await resourceOf(g.vmid);
    expect(cleared).not.toHaveProperty("lock");
    expect(cleared).not.toHaveProperty("tags");
    sim.model.destroyGuest(g.vmid);
    expect(await resourceOf(g.vmid)).toBeUndefined();
    expect(() => sim.model.lockGuest(g.vmid, "backup")).toThrow(/no such guest/);
  });

  it("rejects invalid model input with clear errors", () => {
    const [first] = sim.model.listGuests();
    expect(() => sim.model.createGuest({ type: "lxc", vmid: first!.vmid })).toThrow(/already exists on node/);
    expect(() => sim.model.lockGuest(first!.vmid, "bogus")).toThrow(/invalid .* lock 'bogus'/);
    expect(() => sim.model.setTags(first!.vmid, ["no spaces"])).toThrow(/invalid tag/);
    expect(() => sim.model.setNodeOnline("pve99", false)).toThrow(/no such node/);
  });

  it("moves metrics: counters grow while running, uptime follows the clock", async () => {
    const g = sim.model.createGuest({ type: "lxc", node: "pve1", status: "running" });
    sim.model.refreshStatusNow();
    const before = (await resourceOf(g.vmid))!;
    clock += 30_000;
    sim.model.tickMetricsNow();
    sim.model.refreshStatusNow();
    const after = (await resourceOf(g.vmid))!;
    expect(after.netin!).toBeGreaterThan(before.netin!);
    expect(after.uptime! - before.uptime!).toBe(30);
  });

  it("counts API requests by method and route", async () => {
    sim.model.resetRequestCounts();
    await data(sim, "GET", "/version");
    await data(sim, "GET", "/nodes/pve1/lxc");
    await data(sim, "GET", "/nodes/pve2/lxc");
    expect(sim.model.requestCount()).toBe(3);
    expect(sim.model.requestCount({ path: "/nodes/{node}/lxc" })).toBe(2);
    expect(sim.model.requestCounts()).toEqual({ "GET /version": 1, "GET /nodes/{node}/lxc": 2 });
  });
});

describe("estate", () => {
  it("is the same for the same seed and clock, and different for another seed", async () => {
    const now = () => 1_750_000_000_000;
    const [a, b, c] = await Promise.all([startSimulator({ seed: 42, now }), startSimulator({ seed: 42, now }), startSimulator({ seed: 43, now })]);
    try {
      expect(a.model.listGuests()).toEqual(b.model.listGuests());
      expect(a.model.listNodes()).toEqual(b.model.listNodes());
      expect(await data(a, "GET", "/nodes/pve1/storage/local/content")).toEqual(await data(b, "GET", "/nodes/pve1/storage/local/content"));
      expect(a.adminToken).toEqual(b.adminToken);
      expect(c.model.listGuests().map((g) => g.name)).not.toEqual(a.model.listGuests().map((g) => g.name));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("looks like a real estate: names, mix, ~70 % running, storages with realistic volids", async () => {
    const big = await startSimulator({ seed: 5, nodes: 4, guests: 200 });
    try {
      const guests = big.model.listGuests();
      expect(guests[0]?.vmid).toBe(100);
      expect(new Set(guests.map((g) => g.name)).size).toBe(guests.length);
      const lxc = guests.filter((g) => g.type === "lxc").length;
      expect(lxc).toBeGreaterThan(60);
      expect(lxc).toBeLessThan(170);
      const running = guests.filter((g) => g.status === "running").length / guests.filter((g) => !g.template).length;
      expect(running).toBeGreaterThan(0.55);
      expect(running).toBeLessThan(0.85);
      const storages = await data<{ storage: string; type: string; content: string }[]>(big, "GET", "/nodes/pve1/storage");
      expect(storages.map((s) => [s.storage, s.type, s.content])).toEqual([
        ["local", "dir", "backup,iso,vztmpl"],
        ["local-lvm", "lvmthin", "images,rootdir"],
        ["nas", "nfs", "backup,images,rootdir,vztmpl"],
      ]);
      const backups = await data<{ volid: string; subtype: string; vmid: number }[]>(big, "GET", "/nodes/pve1/storage/local/content?content=backup");
      expect(backups.length).toBeGreaterThan(0);
      for (const b of backups) expect(b.volid).toMatch(new RegExp(`^local:backup/vzdump-${b.subtype}-${b.vmid}-\\d{4}_\\d\\d_\\d\\d-\\d\\d_\\d\\d_\\d\\d\\.(tar|vma)\\.zst$`));
      const templates = await data<{ volid: string }[]>(big, "GET", "/nodes/pve1/storage/local/content?content=vztmpl");
      for (const t of templates) expect(t.volid).toMatch(/^local:vztmpl\/[a-z]+-[\d.]+-(standard|default)_.+_amd64\.tar\.(zst|xz)$/);
    } finally {
      await big.close();
    }
  });

  it("builds 50 nodes / 10,000 guests and serves /cluster/resources", async () => {
    const t0 = performance.now();
    const huge = await startSimulator({ seed: 9, nodes: 50, guests: 10_000 });
    const built = performance.now() - t0;
    try {
      await data(huge, "GET", "/version");
      const timed = async () => {
        const t = performance.now();
        const all = await data<unknown[]>(huge, "GET", "/cluster/resources");
        return { ms: performance.now() - t, count: all.length };
      };
      const cold = await timed();
      const warm = await timed();
      const t2 = performance.now();
      huge.model.tickMetricsNow();
      huge.model.refreshStatusNow();
      const ticked = performance.now() - t2;
      const afterBroadcast = await timed();
      console.log(
        `10k estate: start ${built.toFixed(0)} ms; /cluster/resources (${cold.count} entries, round trip incl. client parse) ` +
          `first ${cold.ms.toFixed(0)} ms, cached ${warm.ms.toFixed(0)} ms, after broadcast ${afterBroadcast.ms.toFixed(0)} ms; ` +
          `metric tick + broadcast ${ticked.toFixed(0)} ms`,
      );
      // guests + nodes + three storages per node (the shared one listed under each) + sdn zones
      expect(cold.count).toBe(10_000 + 50 + 150 + 50);
    } finally {
      await huge.close();
    }
  });
});

describe("UPID", () => {
  it("encodes and decodes exactly like PVE::UPID", () => {
    const parts = { node: "pve1", pid: 238321, pstart: 28492756, starttime: 1737531829, type: "vzstart", id: "100", user: "root@pam!ci" };
    const upid = encodeUpid(parts);
    expect(upid).toBe("UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam!ci:");
    expect(decodeUpid(upid)).toEqual(parts);
    expect(decodeUpid("UPID:pve1:bad")).toBeUndefined();
  });
});
