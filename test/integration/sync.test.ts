import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findGuest as findGuestRow } from "../../server/src/db/estate.ts";
import type { FeedEvent } from "../../server/src/feed/feed.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity();
  room = await joinWorld(app.wsUrl, app.users.viewer.token);
});

afterAll(async () => {
  await room?.leave();
  await app?.stop();
});

/** One sync cycle after Proxmox's own status broadcast, as if the poll interval had passed. */
async function syncNow(): Promise<void> {
  app.sim.model.refreshStatusNow();
  const result = await app.server.syncs.get(app.clusterId)!.runCycle();
  expect(result.error).toBeUndefined();
}

describe("sync: Proxmox → Postgres → world", () => {
  it("loads the whole estate: every simulated guest is a row and is in the room on its host", async () => {
    await waitFor(room, (s) => {
      let count = 0;
      for (const h of s.clusters.get(app.clusterId)!.hosts.values()) count += h.guests.size;
      return count === app.sim.model.listGuests().length;
    });
    for (const g of app.sim.model.listGuests()) {
      const seen = findGuest(room.state, app.clusterId, g.vmid);
      expect(seen, `guest ${g.vmid}`).toMatchObject({ name: g.name, type: g.type });
      const host = [...room.state.clusters.get(app.clusterId)!.hosts.values()].find((h) => h.guests.has(String(g.vmid)));
      expect(host?.node).toBe(g.node);
      expect(host?.rack).toMatch(/^lab-r\d+$/);
    }
    expect(room.state.clusters.get(app.clusterId)!.status).toBe("online");
  });

  it("reflects a guest stopped, renamed, created and destroyed outside Proximity", async () => {
    const running = app.sim.model.listGuests().find((g) => g.status === "running" && !g.lock)!;
    app.sim.model.externalAction(running.vmid, "stop");
    app.sim.model.renameGuest(running.vmid, "renamed-by-hand");
    const created = app.sim.model.createGuest({ type: "lxc", name: "made-in-pve-ui", node: running.node });
    const doomed = app.sim.model.listGuests().find((g) => g.status === "stopped" && g.vmid !== running.vmid && g.vmid !== created.vmid)!;
    app.sim.model.destroyGuest(doomed.vmid);
    await syncNow();

    expect(await findGuestRow(app.server.db.sql, app.clusterId, running.vmid)).toMatchObject({ status: "stopped", name: "renamed-by-hand" });
    expect(await findGuestRow(app.server.db.sql, app.clusterId, created.vmid)).toMatchObject({ name: "made-in-pve-ui", type: "lxc" });
    expect(await findGuestRow(app.server.db.sql, app.clusterId, doomed.vmid)).toBeNull();
    await waitFor(room, (s) => {
      const g = findGuest(s, app.clusterId, running.vmid);
      return g?.status === "stopped" && g.name === "renamed-by-hand" && !!findGuest(s, app.clusterId, created.vmid) && !findGuest(s, app.clusterId, doomed.vmid);
    });
  });

  it("shows an unreachable node as offline and its guests' state as unknown, without losing them", async () => {
    const node = app.sim.model.listGuests()[0]!.node;
    const guestsThere = app.sim.model.listGuests().filter((g) => g.node === node);
    app.sim.model.setNodeOnline(node, false);
    try {
      await syncNow();
      await waitFor(room, (s) => s.clusters.get(app.clusterId)!.hosts.get(node)?.status === "offline");
      for (const g of guestsThere) expect(findGuest(room.state, app.clusterId, g.vmid)?.status).toBe("unknown");
    } finally {
      app.sim.model.setNodeOnline(node, true);
    }
    await syncNow();
    await waitFor(room, (s) => s.clusters.get(app.clusterId)!.hosts.get(node)?.status === "online");
  });

  it("marks an unreachable cluster offline, keeps what it knows, and recovers", async () => {
    const before = app.sim.model.listGuests().length;
    app.sim.setFaults({ serverErrorRate: 1 });
    const failed = await app.server.syncs.get(app.clusterId)!.runCycle();
    expect(failed.ok).toBe(false);
    await waitFor(room, (s) => s.clusters.get(app.clusterId)!.status === "offline");
    const cluster = room.state.clusters.get(app.clusterId)!;
    expect(cluster.error).not.toBe("");
    let count = 0;
    for (const h of cluster.hosts.values()) count += h.guests.size;
    expect(count).toBe(before);
    const health = (await (await fetch(`${app.httpUrl}/healthz`)).json()) as { status: string; clusters: { reachable: boolean }[] };
    expect(health).toMatchObject({ status: "degraded", clusters: [{ reachable: false }] });

    app.sim.setFaults({});
    await syncNow();
    await waitFor(room, (s) => s.clusters.get(app.clusterId)!.status === "online");
  });

  it("polls with two Proxmox calls per cycle, whatever the number of guests", async () => {
    const sync = app.server.syncs.get(app.clusterId)!;
    // With the loop running, a cycle already under way makes syncNow wait for it and run one more.
    await sync.stop();
    const counts = () => app.sim.model.requestCounts();
    const before = counts();
    try {
      await syncNow();
    } finally {
      sync.start();
    }
    const after = counts();
    const delta = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
    expect(delta).toEqual({ "GET /cluster/resources": 1, "GET /cluster/tasks": 1 });
  });

  it("sends the world what changed each cycle, and the whole estate after an outage or when a listener asks", async () => {
    const feed = app.server.operations.feed;
    const sync = app.server.syncs.get(app.clusterId)!;
    const updates: Extract<FeedEvent, { type: "estate" }>[] = [];
    const unsubscribe = feed.subscribe((e) => {
      if (e.type === "estate" && e.clusterId === app.clusterId) updates.push(e);
    });
    try {
      const stopped = app.sim.model.listGuests().filter((g) => g.status === "stopped" && !g.lock);
      const renamed = stopped[0]!;
      await sync.runCycle();
      updates.length = 0;
      app.sim.model.renameGuest(renamed.vmid, "renamed-once");
      await sync.runCycle();
      expect(updates.filter((u) => u.guests.some((g) => g.vmid === renamed.vmid)).map((u) => u.full)).toEqual([false]);
      // Running guests' metrics move with every status broadcast; a stopped guest nobody touched is never resent.
      const untouched = new Set(stopped.slice(1).map((g) => g.vmid));
      expect(updates.flatMap((u) => u.guests).filter((g) => untouched.has(g.vmid))).toEqual([]);
      await waitFor(room, (s) => findGuest(s, app.clusterId, renamed.vmid)?.name === "renamed-once");

      updates.length = 0;
      feed.publish({ type: "estate.resend" });
      await sync.runCycle();
      expect(updates[0]!.full).toBe(true);
      expect(updates[0]!.guests.map((g) => g.vmid).sort()).toEqual(app.sim.model.listGuests().map((g) => g.vmid).sort());

      app.sim.setFaults({ serverErrorRate: 1 });
      expect((await sync.runCycle()).ok).toBe(false);
      updates.length = 0;
      app.sim.setFaults({});
      await syncNow();
      expect(updates[0]!.full).toBe(true);
    } finally {
      unsubscribe();
      app.sim.setFaults({});
    }
  });
});
