import { Encoder } from "@colyseus/schema";
import { ProxmoxClient } from "../../server/src/proxmox/index.ts";
import { startSimulator, type Simulator } from "../../server/src/simulator/index.ts";
import { applyToKnown, diffEstate } from "../../server/src/sync/diff.ts";
import type { KnownEstate } from "../../server/src/sync/model.ts";
import { observeEstate } from "../../server/src/sync/observe.ts";
import { worldUpdate, type SentEstate } from "../../server/src/sync/world-update.ts";
import { WorldProjection } from "../../server/src/world/projection.ts";
import { WorldState } from "../../shared/src/schema/world.ts";
import { nodesFor } from "./scenario.ts";
import { percentile } from "./stats.ts";

const CLUSTER_ID = "bench";

export interface EncodeCost {
  cycle: string;
  /** Median over the repeats. */
  encodeMs: number;
  bytes: number;
}

/**
 * Patch encoding alone, without the hand-off to sockets that /api/metrics includes: the room's
 * state built by the server's own projection from the simulator's /cluster/resources, encoded
 * after each kind of sync cycle. Runs in this process, so it needs no server.
 */
export async function measureEncodeCost(guests: number, seed: number, syncIntervalMs: number, statusRefreshMs: number): Promise<EncodeCost[]> {
  // The simulator runs on a clock this probe moves, so uptimes and counters advance between
  // cycles as they would in real time, without waiting for it; its own timers never fire.
  let clock = Date.now();
  const sim = await startSimulator({ seed, nodes: nodesFor(guests), guests, statusRefreshMs: 2 ** 31 - 1, now: () => clock });
  const client = new ProxmoxClient(
    { baseUrl: sim.url, auth: { kind: "token", ...sim.adminToken }, tls: { fingerprint: sim.fingerprint } },
    { logger: { warn: () => undefined } },
  );
  try {
    Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 2 * 1024 * 1024);
    const state = new WorldState();
    const projection = new WorldProjection(state);
    const encoder = new Encoder(state);
    sim.model.refreshStatusNow();
    const known: KnownEstate = { racks: [], hosts: new Map(), guests: new Map() };
    let sent: SentEstate | null = null;
    const cycle = async () => {
      clock += syncIntervalMs;
      const observed = observeEstate(await client.clusterResources(), await client.clusterTasks());
      applyToKnown(known, diffEstate(CLUSTER_ID, known, observed));
      projection.apply({ type: "cluster", clusterId: CLUSTER_ID, name: "Benchmark lab", status: "online", error: "", lastSyncAt: clock });
      const hosts = observed.hosts.map((h) => ({ ...h, rackId: known.hosts.get(h.node)!.rackId, slot: known.hosts.get(h.node)!.slot }));
      const next = worldUpdate(sent, hosts, observed.guests);
      sent = next.sent;
      projection.apply({ type: "estate", clusterId: CLUSTER_ID, ...next.update });
      const started = performance.now();
      const bytes = encoder.encode().byteLength;
      const ms = performance.now() - started;
      encoder.discardChanges();
      return { ms, bytes };
    };
    await cycle();

    const kinds: [string, number, (sim: Simulator) => void][] = [
      ["quiet (only lastSyncAt)", 7, () => undefined],
      ["one guest renamed", 5, (s) => renameSomeGuest(s)],
      ["one guest started + status broadcast", 5, (s) => startOrStopSomeGuest(s)],
      [
        "pvestatd broadcast (metrics tick)",
        5,
        (s) => {
          clock += statusRefreshMs;
          s.model.tickMetricsNow();
          s.model.refreshStatusNow();
        },
      ],
    ];
    const costs: EncodeCost[] = [];
    for (const [name, repeats, change] of kinds) {
      const samples: { ms: number; bytes: number }[] = [];
      for (let i = 0; i < repeats; i++) {
        change(sim);
        samples.push(await cycle());
      }
      costs.push({ cycle: name, encodeMs: percentile(samples.map((s) => s.ms), 0.5), bytes: percentile(samples.map((s) => s.bytes), 0.5) });
    }
    return costs;
  } finally {
    await client.close();
    await sim.close();
  }
}

let renames = 0;
function renameSomeGuest(sim: Simulator): void {
  const guest = sim.model.listGuests()[0]!;
  sim.model.renameGuest(guest.vmid, `probe-${++renames}`);
}

function startOrStopSomeGuest(sim: Simulator): void {
  const guest = sim.model.listGuests().find((g) => !g.template)!;
  sim.model.externalAction(guest.vmid, guest.status === "running" ? "stop" : "start");
  sim.model.refreshStatusNow();
}
