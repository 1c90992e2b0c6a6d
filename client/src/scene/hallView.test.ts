import { NullEngine } from "@babylonjs/core/Engines/nullEngine";
import { Scene } from "@babylonjs/core/scene";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { guestKey } from "../../../shared/src/protocol.ts";
import { Estate } from "../model/estate.ts";
import { fillSampleEstate } from "../model/sampleEstate.ts";
import { commandDeck } from "../theme.ts";
import { createHallAssets, type HallAssets } from "./assets.ts";
import { HallView } from "./hallView.ts";
import { ledColor } from "./ledColors.ts";
import { LOAD_SEGMENTS } from "./rowView.ts";

describe("HallView under NullEngine", () => {
  let engine: NullEngine;
  let scene: Scene;
  let assets: HallAssets;
  let estate: Estate;
  let hall: HallView;

  beforeEach(() => {
    engine = new NullEngine();
    scene = new Scene(engine);
    assets = createHallAssets(scene, commandDeck, false);
    estate = new Estate();
    hall = new HallView(assets, commandDeck, estate);
  });

  afterEach(() => {
    hall.dispose();
    assets.dispose();
    scene.dispose();
    engine.dispose();
  });

  const totals = () =>
    hall.rowViews.reduce(
      (sum, row) => {
        const c = row.instanceCounts();
        return { caddies: sum.caddies + c.caddies, chassis: sum.chassis + c.chassis, leds: sum.leds + c.leds, hatches: sum.hatches + c.hatches };
      },
      { caddies: 0, chassis: 0, leds: 0, hatches: 0 },
    );

  it("draws one caddy and LED per guest, one chassis per host, in a handful of meshes per row", () => {
    fillSampleEstate(estate, { clusters: 2, hostsPerCluster: 6, guestsPerHost: 10, hostsPerRack: 4 });
    estate.flush();
    expect(totals()).toEqual({ caddies: 120, chassis: 12, leds: 120 + 12 * (1 + LOAD_SEGMENTS), hatches: 0 });
    expect(hall.rowViews.length).toBe(2);
    const meshesBefore = scene.meshes.length;

    const host = [...estate.hosts.values()][0]!;
    for (let i = 0; i < 50; i++) {
      estate.upsertGuest({ ...[...estate.guests.values()][0]!, key: guestKey(host.clusterId, 5000 + i), vmid: 5000 + i, node: host.node });
    }
    estate.flush();
    expect(totals().caddies).toBe(170);
    expect(scene.meshes.length).toBe(meshesBefore);
  });

  it("colours a guest's LED from its status and operation, and removes its instances when it goes", () => {
    fillSampleEstate(estate, { clusters: 1, hostsPerCluster: 2, guestsPerHost: 4, hostsPerRack: 2 });
    estate.flush();
    const guest = [...estate.guests.values()].find((g) => g.status === "running")!;
    const green = ledColor("running", 0, commandDeck);
    expect(hall.ledColorOf(guest.key)!.slice(0, 3)).toEqual(green.map((v) => Math.fround(v)));

    estate.upsertGuest({ ...guest, status: "stopped" });
    estate.flush();
    const dim = ledColor("stopped", 0, commandDeck);
    expect(hall.ledColorOf(guest.key)!.slice(0, 3)).toEqual(dim.map((v) => Math.fround(v)));

    estate.upsertOperation({
      id: "op1", kind: "start", clusterId: guest.clusterId, vmid: guest.vmid, node: guest.node, requestedBy: "ada",
      state: "running", progress: 0.4, message: "", error: "", createdAt: 1, finishedAt: 0, targetVmid: 0, targetNode: "", summary: "",
    });
    estate.upsertGuest({ ...guest, status: "stopped", operationId: "op1" });
    estate.flush();
    hall.tick(0.5);
    const amber = ledColor("busy", 0.5, commandDeck);
    expect(hall.ledColorOf(guest.key)!.slice(0, 3)).toEqual(amber.map((v) => Math.fround(v)));
    const row = hall.rowViews.find((r) => r.hasGuest(guest.key))!;
    expect(row.instanceCounts().progress).toBe(2);

    estate.upsertOperation({ ...estate.operations.get("op1")!, state: "failed", error: "VM is locked (backup)", finishedAt: 2 });
    estate.upsertGuest({ ...guest, status: "stopped", operationId: "" });
    estate.flush();
    expect(row.ledStateOf(guest.key)).toBe("error");
    expect(row.instanceCounts().progress).toBe(0);
    estate.acknowledge("op1");
    estate.flush();
    expect(row.ledStateOf(guest.key)).toBe("stopped");

    estate.removeGuest(guest.clusterId, guest.node, guest.vmid);
    estate.flush();
    expect(hall.ledColorOf(guest.key)).toBeUndefined();
    expect(totals().caddies).toBe(7);
  });

  it("covers offline hosts and darkens their lights; disposes rows whose cluster leaves", () => {
    fillSampleEstate(estate, { clusters: 2, hostsPerCluster: 2, guestsPerHost: 3, hostsPerRack: 2 });
    estate.flush();
    const cluster = [...estate.clusters.values()][0]!;
    estate.upsertCluster({ ...cluster, status: "offline", error: "connect ECONNREFUSED" });
    estate.flush();
    expect(totals().hatches).toBe(2);
    const offlineGuest = [...estate.guests.values()].find((g) => g.clusterId === cluster.id)!;
    expect(hall.ledColorOf(offlineGuest.key)!.slice(0, 3)).toEqual([0, 0, 0]);

    const meshes = scene.meshes.length;
    estate.removeCluster(cluster.id);
    estate.flush();
    expect(hall.rowViews.length).toBe(1);
    expect(scene.meshes.length).toBeLessThan(meshes);
    expect(totals().caddies).toBe(6);
  });

  it("maps a picked caddy instance back to its guest key", () => {
    fillSampleEstate(estate, { clusters: 1, hostsPerCluster: 1, guestsPerHost: 5, hostsPerRack: 1 });
    estate.flush();
    const row = hall.rowViews[0]!;
    const keys = new Set([0, 1, 2, 3, 4].map((i) => hall.guestAt(row.pickMesh, i)));
    expect(keys).toEqual(new Set(estate.guests.keys()));
    expect(hall.guestAt(row.pickMesh, 99)).toBeUndefined();
  });
});
