import { Callbacks, Decoder, Encoder } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { Cluster, Guest, Host, Operation, WorldEvent, WorldState } from "../../../shared/src/schema/world.ts";
import { Estate, type EstateChanges } from "../model/estate.ts";
import { guestLedState } from "../model/ledState.ts";
import { bindWorldState } from "./bindWorldState.ts";

/** A server-side state encoded and decoded exactly as the room does, so the binding sees real patches. */
function harness() {
  const server = new WorldState();
  const encoder = new Encoder(server);
  const client = new WorldState();
  const decoder = new Decoder(client);
  const estate = new Estate();
  const seen: EstateChanges[] = [];
  estate.subscribe((c) => seen.push(c));
  const sync = () => {
    decoder.decode(encoder.encode());
    encoder.discardChanges();
    estate.flush();
  };
  decoder.decode(encoder.encodeAll());
  encoder.discardChanges();
  const unbind = bindWorldState(Callbacks.get(decoder), estate);
  return { server, estate, seen, sync, unbind };
}

function seed(server: WorldState) {
  const cluster = new Cluster({ id: "lab", name: "Lab", status: "online", error: "", lastSyncAt: 1 });
  const host = new Host({ node: "pve1", status: "online", cpu: 0.25, maxCpu: 16, memMiB: 1000, maxMemMiB: 4000, bootedAt: 5, rack: "A01", slot: 0 });
  host.guests.set("101", new Guest({ vmid: 101, name: "web", type: "lxc", status: "running", cpu: 0.1, cpus: 2, memMiB: 1, maxMemMiB: 2, diskMiB: 1, maxDiskMiB: 2, netInKiB: 0, netOutKiB: 0, bootedAt: 9, tags: "prod;web", lock: "", template: false, operationId: "" }));
  host.guests.set("102", new Guest({ vmid: 102, name: "db", type: "qemu", status: "stopped", cpu: 0, cpus: 4, memMiB: 0, maxMemMiB: 8, diskMiB: 1, maxDiskMiB: 2, netInKiB: 0, netOutKiB: 0, bootedAt: 0, tags: "", lock: "", template: false, operationId: "" }));
  cluster.hosts.set("pve1", host);
  server.clusters.set("lab", cluster);
  return { cluster, host };
}

describe("bindWorldState", () => {
  it("copies the initial state and each later patch into the estate", () => {
    const h = harness();
    const { host } = seed(h.server);
    h.sync();
    expect(h.estate.guests.get("lab/101")).toMatchObject({ name: "web", node: "pve1", tags: ["prod", "web"], status: "running" });
    expect(h.estate.hosts.get("lab/pve1")).toMatchObject({ rack: "A01", slot: 0 });
    expect(h.seen.at(-1)!.structure).toBe(true);

    host.guests.get("101")!.status = "stopped";
    h.sync();
    expect(h.estate.guests.get("lab/101")!.status).toBe("stopped");
    expect(h.seen.at(-1)!.structure).toBe(false);
    expect([...h.seen.at(-1)!.guests]).toEqual(["lab/101"]);
  });

  it("follows an operation from queued to failed onto the guest's LED", () => {
    const h = harness();
    const { host } = seed(h.server);
    h.sync();
    h.server.operations.set("op1", new Operation({ id: "op1", kind: "start", clusterId: "lab", vmid: 102, node: "pve1", requestedBy: "ada", state: "queued", progress: 0, message: "", error: "", createdAt: 10, finishedAt: 0 }));
    host.guests.get("102")!.operationId = "op1";
    h.sync();
    expect(guestLedState(h.estate, "lab/102")).toBe("busy");

    const op = h.server.operations.get("op1")!;
    op.state = "failed";
    op.error = "start failed: storage 'local-lvm' is not online";
    host.guests.get("102")!.operationId = "";
    h.sync();
    expect(h.estate.latestOperationOf("lab/102")?.error).toContain("not online");
    expect(guestLedState(h.estate, "lab/102")).toBe("error");
  });

  it("removes guests, hosts and clusters, and keeps a migrated guest on its new host", () => {
    const h = harness();
    const { cluster, host } = seed(h.server);
    const other = new Host({ node: "pve2", status: "online", cpu: 0, maxCpu: 8, memMiB: 0, maxMemMiB: 1, bootedAt: 1, rack: "A01", slot: 1 });
    cluster.hosts.set("pve2", other);
    h.sync();

    const moving = host.guests.get("101")!;
    other.guests.set("101", new Guest({ ...moving.toJSON() }));
    host.guests.delete("101");
    h.sync();
    expect(h.estate.guests.get("lab/101")?.node).toBe("pve2");

    cluster.hosts.delete("pve1");
    h.sync();
    expect(h.estate.guests.has("lab/102")).toBe(false);
    expect(h.estate.hosts.has("lab/pve1")).toBe(false);

    h.server.clusters.delete("lab");
    h.sync();
    expect(h.estate.clusters.size + h.estate.hosts.size + h.estate.guests.size).toBe(0);
  });

  it("mirrors self-healing events and alerts, and drops an alert once the server clears it", () => {
    const h = harness();
    seed(h.server);
    h.sync();
    h.server.events.set("stale-lock:lab/101", new WorldEvent({ id: "stale-lock:lab/101", kind: "alert", severity: "warning", source: "reconciler", message: "web is locked", clusterId: "lab", vmid: 101, at: 5 }));
    h.sync();
    expect(h.estate.events.get("stale-lock:lab/101")).toEqual({ id: "stale-lock:lab/101", kind: "alert", severity: "warning", source: "reconciler", message: "web is locked", clusterId: "lab", vmid: 101, at: 5 });
    expect([...h.seen.at(-1)!.events]).toEqual(["stale-lock:lab/101"]);

    h.server.events.delete("stale-lock:lab/101");
    h.sync();
    expect(h.estate.events.size).toBe(0);
    expect([...h.seen.at(-1)!.events]).toEqual(["stale-lock:lab/101"]);
  });

  it("ignores the old room after unbinding", () => {
    const h = harness();
    const { host } = seed(h.server);
    h.sync();
    h.unbind();
    host.guests.get("101")!.name = "renamed";
    h.sync();
    expect(h.estate.guests.get("lab/101")!.name).toBe("web");
  });
});
