/**
 * One sync cycle's own work at N guests, in one process and without clients: the server's ClusterSync
 * against the simulator and a fresh Postgres database, with the world projection subscribed to the feed
 * as the server subscribes it and an encoder on the state as the room has. For each kind of cycle it
 * prints the median and the maximum of
 *   - after the read: from /cluster/resources having been read and validated to the end of the cycle
 *     (normalise, diff, Postgres, projection) — what bench:sync calls "sync cycle work" minus parsing;
 *   - the CPU time this process spent in that span (user + system), which other work on the machine
 *     inflates far less than the wall-clock time;
 *   - projection: the feed listeners (the room state's update) within that;
 *   - whole cycle: runCycle, both reads included.
 *
 *   npm run bench:sync-cycle -- --guests 10000 [--repeats 9] [--seed 1]
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { Encoder } from "@colyseus/schema";
import { upsertCluster } from "../server/src/db/clusters.ts";
import { openPostgres } from "../server/src/db/connect.ts";
import { migrate } from "../server/src/db/migrate.ts";
import { LocalFeed } from "../server/src/feed/feed.ts";
import { createLogger } from "../server/src/log.ts";
import { ProxmoxClient } from "../server/src/proxmox/index.ts";
import { SecretBox } from "../server/src/secrets/box.ts";
import { startSimulator, type Simulator } from "../server/src/simulator/index.ts";
import { ClusterSync } from "../server/src/sync/poller.ts";
import { WorldProjection } from "../server/src/world/projection.ts";
import { WorldState } from "../shared/src/schema/world.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { optionsOrExit } from "./cli.ts";
import { nodesFor } from "./sync/scenario.ts";
import { percentile } from "./sync/stats.ts";

const USAGE = "usage: npx tsx bench/sync-cycle.ts [--guests N (default 10000)] [--repeats N (default 9)] [--seed N (default 1)]";
const CLUSTER_ID = "bench";
const INTERVAL_MS = 2000;
const STATUS_REFRESH_MS = 10_000;

interface Options {
  guests: number;
  repeats: number;
  seed: number;
}

function parse(args: string[]): Options | "help" {
  const options: Options = { guests: 10_000, repeats: 9, seed: 1 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === "--help" || flag === "-h") return "help";
    const key = flag.replace(/^--/, "") as keyof Options;
    if (!(key in options) || !flag.startsWith("--")) throw new Error(`Unknown option ${flag}.`);
    const value = Number(args[++i]);
    if (!Number.isInteger(value) || value < (key === "seed" ? 0 : 1)) throw new Error(`${flag} takes a positive whole number, not ${args[i]}.`);
    options[key] = value;
  }
  return options;
}

const options = optionsOrExit(parse, USAGE);
let renames = 0;

interface Sample {
  afterReadMs: number;
  afterReadCpuMs: number;
  projectionMs: number;
  wholeMs: number;
}

let clock = Date.now();
const db = await createTestDatabase("proximity_bench");
const database = await openPostgres(db.url);
// The simulator runs on a clock this script moves, so uptimes and counters advance between cycles as
// in real time without waiting; its own broadcast timer never fires.
const sim = await startSimulator({ seed: options.seed, nodes: nodesFor(options.guests), guests: options.guests, statusRefreshMs: 2 ** 31 - 1, now: () => clock });
const client = new ProxmoxClient(
  { baseUrl: sim.url, auth: { kind: "token", ...sim.adminToken }, tls: { fingerprint: sim.fingerprint } },
  { logger: { warn: () => undefined } },
);
try {
  await migrate(database.sql);
  await upsertCluster(database.sql, new SecretBox(randomBytes(32)), {
    id: CLUSTER_ID,
    name: "Benchmark lab",
    apiUrl: sim.url,
    authKind: "token",
    authUser: sim.adminToken.tokenId,
    authSecret: sim.adminToken.secret,
    fingerprint: sim.fingerprint,
    caPem: null,
    insecure: false,
  });

  let readAt = 0;
  let cpuAtRead = process.cpuUsage();
  const readResources = client.clusterResources.bind(client);
  client.clusterResources = async () => {
    const resources = await readResources();
    readAt = performance.now();
    cpuAtRead = process.cpuUsage();
    return resources;
  };

  Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 4 * 1024 * 1024);
  const state = new WorldState();
  const encoder = new Encoder(state);
  const projection = new WorldProjection(state);
  const feed = new LocalFeed((error) => {
    throw error;
  });
  let projectionMs = 0;
  feed.subscribe((event) => {
    const started = performance.now();
    projection.apply(event);
    projectionMs += performance.now() - started;
  });
  const sync = new ClusterSync(
    { sql: database.sql, feed, log: createLogger("warn"), now: () => new Date(clock) },
    { id: CLUSTER_ID, name: "Benchmark lab" },
    client,
    INTERVAL_MS,
  );

  const cycle = async (): Promise<Sample> => {
    clock += INTERVAL_MS;
    projectionMs = 0;
    const started = performance.now();
    const result = await sync.runCycle();
    const ended = performance.now();
    const cpu = process.cpuUsage(cpuAtRead);
    if (!result.ok) throw new Error(`sync cycle failed: ${result.error}`);
    encoder.encode();
    encoder.discardChanges();
    return { afterReadMs: ended - readAt, afterReadCpuMs: (cpu.user + cpu.system) / 1000, projectionMs, wholeMs: ended - started };
  };

  sim.model.refreshStatusNow();
  const first = await cycle();
  console.log(`sync cycle work in one process, ${options.guests} guests on ${nodesFor(options.guests)} nodes, ${options.repeats} cycles per kind`);
  console.log(`  load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores; other work competes)`);
  console.log(
    `  first cycle (everything new): after the read ${ms(first.afterReadMs)} (CPU ${ms(first.afterReadCpuMs)}), projection ${ms(first.projectionMs)}, whole ${ms(first.wholeMs)}`,
  );
  // One cycle more so that the first pvestatd-like broadcast's sizes are settled before measuring.
  await cycle();

  const kinds: [string, (s: Simulator) => void][] = [
    ["quiet (nothing changed)", () => undefined],
    ["one guest renamed", (s) => renameSomeGuest(s)],
    ["one guest started/stopped + status broadcast", (s) => startOrStopSomeGuest(s)],
    [
      "pvestatd broadcast (metrics tick)",
      (s) => {
        clock += STATUS_REFRESH_MS;
        s.model.tickMetricsNow();
        s.model.refreshStatusNow();
      },
    ],
  ];
  const rows: string[][] = [
    ["cycle kind", "after the read p50 / max", "its CPU time p50 / max", "of which projection p50 / max", "whole cycle p50 / max"],
  ];
  for (const [name, change] of kinds) {
    const samples: Sample[] = [];
    for (let i = 0; i < options.repeats; i++) {
      change(sim);
      samples.push(await cycle());
    }
    const pair = (pick: (s: Sample) => number) => `${ms(percentile(samples.map(pick), 0.5))} / ${ms(Math.max(...samples.map(pick)))}`;
    rows.push([name, pair((s) => s.afterReadMs), pair((s) => s.afterReadCpuMs), pair((s) => s.projectionMs), pair((s) => s.wholeMs)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(`  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("   ")}`);
  await sync.stop();
} finally {
  await client.close();
  await sim.close();
  await database.close();
  await db.drop();
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function renameSomeGuest(s: Simulator): void {
  const guests = s.model.listGuests();
  const guest = guests[renames % guests.length]!;
  s.model.renameGuest(guest.vmid, `cycle-probe-${++renames}`);
}

function startOrStopSomeGuest(s: Simulator): void {
  const guest = s.model.listGuests().find((g) => !g.template && !g.lock)!;
  s.model.externalAction(guest.vmid, guest.status === "running" ? "stop" : "start");
  s.model.refreshStatusNow();
}
