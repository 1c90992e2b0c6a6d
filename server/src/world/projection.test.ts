import { Decoder, Encoder, OPERATION } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { Guest, Host, WorldState } from "../../../shared/src/schema/world.ts";
import type { OperationRecord } from "../db/operations.ts";
import type { FeedEvent } from "../feed/feed.ts";
import type { EstateUpdate, ObservedGuest, ObservedHost } from "../sync/model.ts";
import { BOOT_TIME_TOLERANCE_MS, EVENTS_KEPT, FINISHED_OPERATIONS_KEPT, WorldProjection } from "./projection.ts";

const host = (node: string, slot: number): ObservedHost & { rackId: string; slot: number } => ({
  node, status: "online", maxCpu: 8, maxMemMiB: 8192, cpu: 0.5, memMiB: 100, uptime: 1, rackId: "c-r1", slot,
});
const guest = (vmid: number, node: string, status: "running" | "stopped" = "running"): ObservedGuest => ({
  vmid, node, type: "lxc", name: `g${vmid}`, status, tags: "", lock: "", template: false, cpus: 1, maxMemMiB: 512,
  maxDiskMiB: 1024, externalTask: "", cpu: 0.1, memMiB: 10, diskMiB: 10, netInKiB: 0, netOutKiB: 0, uptime: 5,
});
const op = (id: string, state: OperationRecord["state"], vmid = 100, finishedAt: Date | null = null): OperationRecord => ({
  id, kind: "stop", clusterId: "c", vmid, node: "a", guestType: "lxc", requestedBy: "ann", state, progress: 0, message: "",
  error: "", upid: null, params: {}, createdAt: new Date(1000), startedAt: null, finishedAt, targetVmid: null, targetNode: "",
  summary: "", steps: {},
});

function setup() {
  const state = new WorldState();
  const projection = new WorldProjection(state);
  projection.apply({ type: "cluster", clusterId: "c", name: "C", status: "online", error: "", lastSyncAt: 5 });
  projection.apply({ type: "estate", clusterId: "c", full: true, guestsRemoved: [], hosts: [host("a", 0), host("b", 1)], guests: [guest(100, "a"), guest(101, "a")] });
  return { state, projection };
}

describe("WorldProjection", () => {
  it("keeps the newest maintenance events but every open alert, however old", () => {
    const { state, projection } = setup();
    const event = (id: string, kind: "maintenance" | "alert", at: number) =>
      projection.apply({ type: "event", id, kind, severity: "info", source: "janitor", message: id, clusterId: "c", vmid: 0, at });
    event("old-alert", "alert", 1);
    for (let i = 0; i < EVENTS_KEPT + 5; i++) event(`m${i}`, "maintenance", 10 + i);
    expect(state.events.has("old-alert")).toBe(true);
    expect([...state.events.values()].filter((e) => e.kind === "maintenance")).toHaveLength(EVENTS_KEPT);
    expect(state.events.has("m0")).toBe(false);
    projection.apply({ type: "app", clusterId: "c", vmid: 100, app: { clusterId: "c", vmid: 100, appId: "nginx", origin: "adopted", config: {}, url: "http://10.0.0.5:80" } });
    expect(state.clusters.get("c")!.hosts.get("a")!.guests.get("100")).toMatchObject({ managed: true, app: "nginx", appUrl: "http://10.0.0.5:80" });
  });

  it("builds clusters → hosts → guests with placement and metrics", () => {
    const { state } = setup();
    const a = state.clusters.get("c")!.hosts.get("a")!;
    expect([a.rack, a.slot, a.cpu]).toEqual(["c-r1", 0, 0.5]);
    expect([...a.guests.keys()]).toEqual(["100", "101"]);
    expect(a.guests.get("100")).toMatchObject({ name: "g100", status: "running", memMiB: 10 });
  });

  it("moves a migrated guest to its new host and drops vanished guests and hosts", () => {
    const { state, projection } = setup();
    projection.apply({ type: "estate", clusterId: "c", full: true, guestsRemoved: [], hosts: [host("b", 1)], guests: [guest(100, "b")] });
    const hosts = state.clusters.get("c")!.hosts;
    expect([...hosts.keys()]).toEqual(["b"]);
    expect([...hosts.get("b")!.guests.keys()]).toEqual(["100"]);
  });

  it("marks the guest with its operation while in flight and clears it when done", () => {
    const { state, projection } = setup();
    projection.apply({ type: "operation", operation: op("o1", "running") });
    const g = () => state.clusters.get("c")!.hosts.get("a")!.guests.get("100")!;
    expect(g().operationId).toBe("o1");
    projection.apply({ type: "operation", operation: { ...op("o1", "failed", 100, new Date(2000)), error: "CT is locked (backup)" } });
    expect(g().operationId).toBe("");
    expect(state.operations.get("o1")).toMatchObject({ state: "failed", error: "CT is locked (backup)", finishedAt: 2000 });
  });

  it("gives a guest that appears later the operation already in flight on it", () => {
    const { state, projection } = setup();
    projection.apply({ type: "operation", operation: op("o2", "queued", 102) });
    projection.apply({ type: "estate", clusterId: "c", full: true, guestsRemoved: [], hosts: [host("a", 0)], guests: [guest(102, "a")] });
    expect(state.clusters.get("c")!.hosts.get("a")!.guests.get("102")!.operationId).toBe("o2");
  });

  it(`keeps only the ${FINISHED_OPERATIONS_KEPT} most recent finished operations`, () => {
    const { state, projection } = setup();
    for (let i = 0; i < FINISHED_OPERATIONS_KEPT + 5; i++) {
      projection.apply({ type: "operation", operation: op(`f${i}`, "succeeded", 100, new Date(10_000 + i)) });
    }
    projection.apply({ type: "operation", operation: op("live", "running", 101) });
    expect(state.operations.size).toBe(FINISHED_OPERATIONS_KEPT + 1);
    expect(state.operations.has("f0")).toBe(false);
    expect(state.operations.has(`f${FINISHED_OPERATIONS_KEPT + 4}`)).toBe(true);
  });

  it("keeps the last sync time when a failed cycle reports none", () => {
    const { state, projection } = setup();
    projection.apply({ type: "cluster", clusterId: "c", name: "C", status: "offline", error: "595 Connection refused", lastSyncAt: 0 });
    expect(state.clusters.get("c")).toMatchObject({ status: "offline", error: "595 Connection refused", lastSyncAt: 5 });
  });

  it("re-sends a metric only once it moved by what the hall can show, and always when it drops to zero", () => {
    const { state, projection } = setup();
    const g = () => state.clusters.get("c")!.hosts.get("a")!.guests.get("100")!;
    const tick = (over: Partial<ObservedGuest>) =>
      projection.apply({ type: "estate", clusterId: "c", full: true, guestsRemoved: [], hosts: [host("a", 0)], guests: [{ ...guest(100, "a"), ...over }] });
    tick({ cpu: 0.104, memMiB: 14, netInKiB: 0 });
    expect([g().cpu, g().memMiB]).toEqual([0.1, 10]);
    tick({ cpu: 0.13, memMiB: 16, netInKiB: 1000 });
    expect([g().cpu, g().memMiB, g().netInKiB]).toEqual([0.13, 16, 1000]);
    tick({ netInKiB: 1004 });
    expect(g().netInKiB).toBe(1000);
    tick({ netInKiB: 1006 });
    expect(g().netInKiB).toBe(1006);
    tick({ status: "stopped", cpu: 0, memMiB: 0, netInKiB: 0, uptime: 0 });
    expect([g().status, g().cpu, g().memMiB, g().netInKiB, g().bootedAt]).toEqual(["stopped", 0, 0, 0, 0]);
  });

  it("sends the boot time instead of an uptime that advances with the clock, and a new one after a reboot", () => {
    const { state, projection } = setup();
    const g = () => state.clusters.get("c")!.hosts.get("a")!.guests.get("100")!;
    const cycle = (at: number, uptime: number) => {
      projection.apply({ type: "cluster", clusterId: "c", name: "C", status: "online", error: "", lastSyncAt: at });
      projection.apply({ type: "estate", clusterId: "c", full: true, guestsRemoved: [], hosts: [host("a", 0)], guests: [{ ...guest(100, "a"), uptime }] });
    };
    cycle(1_000_000, 600);
    expect(g().bootedAt).toBe(400_000);
    // Uptime is as old as the last status broadcast: it lags the poll by up to a period.
    cycle(1_002_000, 600);
    cycle(1_010_000, 610);
    expect(g().bootedAt).toBe(400_000);
    cycle(1_000_000 + BOOT_TIME_TOLERANCE_MS + 120_000, 60);
    expect(g().bootedAt).toBe(1_000_000 + BOOT_TIME_TOLERANCE_MS + 60_000);
  });
});

/**
 * What a client receives after each step: the state is encoded and decoded as the room and the SDK do, and
 * each call lists the patch's changes as "guest 150 name", "host a cpu", "add 5000" or "delete 101" (the
 * fields of an object added by the same patch are left out).
 */
function patchesOf(state: WorldState): () => string[] {
  const encoder = new Encoder(state);
  const decoder = new Decoder(new WorldState());
  let received: string[] = [];
  decoder.triggerChanges = (changes) => {
    const added = new Set(changes.filter((c) => c.field === undefined && c.op !== OPERATION.DELETE).map((c) => c.value));
    received = changes.flatMap((c) => {
      if (c.field === undefined) return [`${c.op === OPERATION.DELETE ? "delete" : "add"} ${c.dynamicIndex}`];
      if (added.has(c.ref)) return [];
      if (c.ref instanceof Guest) return [`guest ${c.ref.vmid} ${c.field}`];
      if (c.ref instanceof Host) return [`host ${c.ref.node} ${c.field}`];
      return [`${c.ref.constructor.name} ${c.field}`];
    });
  };
  decoder.decode(encoder.encodeAll());
  encoder.discardChanges();
  return () => {
    received = [];
    decoder.decode(encoder.encode());
    encoder.discardChanges();
    return received.sort();
  };
}

describe("WorldProjection, partial estate updates", () => {
  const guests = Array.from({ length: 200 }, (_, i) => guest(100 + i, i % 2 === 0 ? "a" : "b"));
  const partial = (update: Partial<EstateUpdate>): FeedEvent => ({
    type: "estate", clusterId: "c", full: false, hosts: [], guests: [], guestsRemoved: [], ...update,
  });

  function large() {
    const state = new WorldState();
    const sent: string[][] = [];
    // The room's broadcastPatch, as a client would decode it: what a cycle's first patch carries.
    let patches: (() => string[]) | null = null;
    const projection = new WorldProjection(state, () => patches && sent.push(patches()));
    projection.apply({ type: "cluster", clusterId: "c", name: "C", status: "online", error: "", lastSyncAt: 5 });
    projection.apply({ type: "estate", clusterId: "c", full: true, hosts: [host("a", 0), host("b", 1)], guests, guestsRemoved: [] });
    const guestAt = (vmid: number) => state.clusters.get("c")!.hosts.get(vmid % 2 === 0 ? "a" : "b")!.guests.get(String(vmid));
    const encoded = patchesOf(state);
    patches = encoded;
    /** Everything the clients received since the last call: the facts sent ahead, then the rest. */
    const received = () => {
      const all = [...sent.flat(), ...encoded()].sort();
      sent.length = 0;
      return all;
    };
    return { state, projection, patches: received, guestAt, sent };
  }

  it("sends a cycle's facts in a patch of their own, ahead of its metrics", () => {
    const { projection, patches, sent } = large();
    const moved = guests.slice(0, 50).map((g) => ({ ...g, cpu: 0.9, memMiB: 400 }));
    projection.apply(partial({ guests: [...moved, { ...guest(151, "b"), status: "stopped", cpu: 0, memMiB: 0, uptime: 0 }] }));
    expect(sent).toEqual([["guest 151 status"]]);
    expect(patches()).toHaveLength(1 + 50 * 2 + 2);
    // A metrics-only cycle is one patch, sent on the room's own rhythm.
    projection.apply(partial({ guests: guests.slice(60, 70).map((g) => ({ ...g, cpu: 0.9 })) }));
    expect(sent).toEqual([]);
    expect(patches()).toHaveLength(10);
  });

  it("changes only the renamed guest's object when one guest of two hundred is renamed", () => {
    const { projection, patches, guestAt } = large();
    projection.apply(partial({ guests: [{ ...guest(150, "a"), name: "web-new" }] }));
    expect(patches()).toEqual(["guest 150 name"]);
    expect(guestAt(150)!.name).toBe("web-new");
  });

  it("leaves every guest the update does not list as it is, even where it differs from their last observation", () => {
    const { state, projection, patches } = large();
    // A partial update lists what changed; a guest it leaves out is taken as unchanged, so it is not revisited.
    state.clusters.get("c")!.hosts.get("a")!.guests.get("100")!.name = "set elsewhere";
    patches();
    projection.apply(partial({ guests: [{ ...guest(102, "a"), status: "stopped", cpu: 0, memMiB: 0, uptime: 0 }] }));
    expect(patches()).toEqual(["guest 102 cpu", "guest 102 memMiB", "guest 102 status"]);
    expect(state.clusters.get("c")!.hosts.get("a")!.guests.get("100")!.name).toBe("set elsewhere");
  });

  it("removes the guests named gone, and adds a new one on its host", () => {
    const { projection, patches, guestAt } = large();
    projection.apply(partial({ guests: [guest(5000, "a")], guestsRemoved: [101, 102] }));
    expect(patches()).toEqual(["add 5000", "delete 101", "delete 102"]);
    expect([guestAt(101), guestAt(102), guestAt(5000)?.name]).toEqual([undefined, undefined, "g5000"]);
    // A later full update that no longer lists it drops it again.
    projection.apply({ type: "estate", clusterId: "c", full: true, hosts: [host("a", 0), host("b", 1)], guests, guestsRemoved: [] });
    expect(guestAt(5000)).toBeUndefined();
    expect(guestAt(101)?.name).toBe("g101");
  });

  it("moves a guest that migrated, and changes a host without touching its guests", () => {
    const { state, projection, patches } = large();
    projection.apply(partial({ hosts: [{ ...host("b", 1), status: "offline", cpu: 0 }], guests: [guest(100, "b")] }));
    expect(patches()).toEqual(["add 100", "delete 100", "host b cpu", "host b status"]);
    const hosts = state.clusters.get("c")!.hosts;
    expect([hosts.get("a")!.guests.has("100"), hosts.get("b")!.guests.has("100"), hosts.get("b")!.status]).toEqual([false, true, "offline"]);
  });

  it("reprojects everything on a full update: fields the partial ones skipped are set again, unlisted guests go", () => {
    const { state, projection, patches, guestAt } = large();
    guestAt(100)!.name = "set elsewhere";
    patches();
    projection.apply({ type: "estate", clusterId: "c", full: true, hosts: [host("a", 0), host("b", 1)], guests: guests.slice(1), guestsRemoved: [] });
    expect(patches()).toEqual(["delete 100"]);
    guestAt(102)!.name = "set elsewhere";
    patches();
    projection.apply({ type: "estate", clusterId: "c", full: true, hosts: [host("a", 0), host("b", 1)], guests, guestsRemoved: [] });
    expect(patches()).toEqual(["add 100", "guest 102 name"]);
    expect([guestAt(100)!.name, guestAt(102)!.name, state.clusters.get("c")!.hosts.size]).toEqual(["g100", "g102", 2]);
  });
});
