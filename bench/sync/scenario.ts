import type { BenchOptions } from "./options.ts";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator, type Simulator } from "../../server/src/simulator/index.ts";
import { createTestDatabase } from "../../test/support/database.ts";
import { ChangePlanner, type ChangeKind } from "./changes.ts";
import { ClientPool, type SyncSeen } from "./client-pool.ts";
import { CycleStarts } from "./cycle-starts.ts";
import { ServerProcess, type ServerMetrics } from "./server-process.ts";
import { nowMs, seededRandom } from "./stats.ts";
import type { ClientTotals } from "./worker-protocol.ts";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLUSTER_ID = "bench";
/** Longest wait for every client to show one change. */
export const CHANGE_TIMEOUT_MS = 30_000;

/** One scenario: the run's options with a single guest count and client count. */
export type ScenarioSpec = Omit<BenchOptions, "guests" | "clients"> & { guests: number; clients: number };

export interface ChangeSample {
  kind: ChangeKind;
  /** Every figure below is ms after the change became visible in the Proxmox API. */
  cycleEndMs: number;
  onWireMs: number;
  firstClientMs: number;
  everyClientMs: number;
  /** Clients that had not shown the change when the wait ended (CHANGE_TIMEOUT_MS). */
  missedBy: number;
}

export interface ScenarioResult {
  spec: ScenarioSpec;
  nodes: number;
  fullStateBytes: number;
  soloJoinMs: number;
  herdJoinMs: number[];
  herdWallMs: number;
  /** ROOM_STATE_PATCH bytes one client received per sync cycle. */
  idlePatchBytes: number[];
  changePatchBytes: number[];
  changes: ChangeSample[];
  /** Time a sync cycle worked (fetch, validate, diff, write, project): from its /cluster/resources read to its lastSyncAt. */
  syncWorkMs: number[];
  measuredCycles: number;
  proxmoxCallsPerCycle: Record<string, number>;
  /** False when the clients lagged so far behind that the counts may include a part-cycle. */
  callsCountedCleanly: boolean;
  patches: ServerMetrics["patches"];
  rssAfterJoinBytes: number;
  rssEndBytes: number;
  peakRssBytes: number;
  heapUsedBytes: number;
  serverCpuPercent: number;
  patchBytesPerClientPerSecond: number;
  clientTotals: ClientTotals;
  warnings: string[];
}

/** Unwinders of the scenarios in progress, so an interrupted run still stops its server and drops its database. */
const running = new Set<() => Promise<void>>();

export async function cleanUpRunningScenarios(): Promise<void> {
  for (const unwind of running) await unwind();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ServerSettings = Pick<BenchOptions, "syncIntervalMs" | "serverHeapMiB" | "serverNodeOptions">;

/**
 * The environment the server starts with: as a user starts it, against the simulator as its only
 * cluster, on a fresh database, at warn level, with the heap cap and any profiling flags.
 */
export function serverEnvironment(settings: ServerSettings, databaseUrl: string, sim: Simulator, staticDir: string): Record<string, string> {
  const nodeOptions = [settings.serverHeapMiB > 0 ? `--max-old-space-size=${settings.serverHeapMiB}` : "", settings.serverNodeOptions].filter(Boolean).join(" ");
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    PORT: "0",
    HOST: "127.0.0.1",
    DEMO: "false",
    DATABASE_URL: databaseUrl,
    PVE_URL: sim.url,
    PVE_CLUSTER_ID: CLUSTER_ID,
    PVE_CLUSTER_NAME: "Benchmark lab",
    PVE_TOKEN_ID: sim.adminToken.tokenId,
    PVE_TOKEN_SECRET: sim.adminToken.secret,
    PVE_FINGERPRINT: sim.fingerprint,
    SYNC_INTERVAL_MS: String(settings.syncIntervalMs),
    LOG_LEVEL: "warn",
    STATIC_DIR: staticDir,
    TRANSPORT: "ws",
    SECRET_KEY: randomBytes(32).toString("base64"),
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  };
}

/** 1,000 guests on 20 nodes, 10,000 on 50: about 50 to 200 guests per node. */
export function nodesFor(guests: number): number {
  return Math.min(50, Math.max(1, Math.ceil(guests / 50)));
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the server has finished two sync cycles, so its state holds the whole estate. */
export async function waitForSecondSync(server: ServerProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let first: string | null = null;
  while (Date.now() < deadline) {
    const health = await server.get<{ clusters: { id: string; lastSyncAt: string | null }[] }>("/healthz").catch(() => null);
    const at = health?.clusters.find((c) => c.id === CLUSTER_ID)?.lastSyncAt ?? null;
    if (at && first && at !== first) return;
    first ??= at;
    await sleep(100);
  }
  throw new Error(`the server did not complete two sync cycles within ${timeoutMs} ms`);
}

/**
 * One scenario on a fresh stack: simulator (in this process, so changes can be made in it),
 * a new Postgres database, the server in a child process, and the clients in worker threads.
 */
export async function runScenario(spec: ScenarioSpec, progress: (line: string) => void): Promise<ScenarioResult> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const unwind = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => progress(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  running.add(unwind);
  const random = seededRandom(spec.seed);
  const nodes = nodesFor(spec.guests);
  try {
    const db = await createTestDatabase("proximity_bench");
    cleanups.push(() => db.drop());
    const sim = await startSimulator({ seed: spec.seed, nodes, guests: spec.guests, statusRefreshMs: spec.statusRefreshMs, metricsTickMs: spec.statusRefreshMs });
    cleanups.push(() => sim.close());
    const cycleStarts = new CycleStarts(sim);
    cleanups.push(async () => cycleStarts.stop());
    const staticDir = await mkdtemp(path.join(tmpdir(), "proximity-bench-static-"));
    cleanups.push(() => rm(staticDir, { recursive: true, force: true }));

    const server = await ServerProcess.start(REPO_ROOT, serverEnvironment(spec, db.url, sim, staticDir));
    cleanups.push(() => server.stop());
    const token = await server.signIn();
    await waitForSecondSync(server, 120_000);
    progress(`server ready (pid ${server.pid}); joining ${spec.clients} clients`);

    const pool = await ClientPool.start({ wsUrl: server.url.replace(/^http/, "ws"), token, clusterId: CLUSTER_ID, expectedGuests: spec.guests }, spec.clients, spec.workers);
    cleanups.push(() => pool.close());
    const joins = await pool.join(spec.joinConcurrency);
    const rssAfterJoinBytes = server.memory().rssBytes;

    const syncTimeoutMs = Math.max(60_000, 10 * spec.syncIntervalMs);
    const nextSync = () => withTimeout(pool.nextSync(), syncTimeoutMs, "no sync cycle reached the clients");
    const snapshot = (sync: SyncSeen) => ({ ...sync, syncs: pool.syncs.length, requests: sim.model.requestCounts(), cpu: server.cpuSeconds() });
    // Request counts are read right after a cycle ended and before the next one asks Proxmox
    // anything (cycles start one interval apart), so they hold whole cycles. That holds only when
    // this reading comes soon enough after the cycle's end; otherwise the next cycle is tried.
    const boundary = async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const sync = await nextSync();
        if (nowMs() - sync.lastSyncAt < spec.syncIntervalMs * 0.5) return { ...snapshot(sync), clean: true };
      }
      return { ...snapshot(await nextSync()), clean: false };
    };
    const start = await boundary();
    progress(`watching ${spec.idleCycles} idle sync cycles`);
    for (let i = 1; i < spec.idleCycles; i++) await nextSync();
    const idleEnd = snapshot(await nextSync());

    progress(`making ${spec.cycles} changes`);
    const planner = new ChangePlanner(sim.model, random);
    const changes: ChangeSample[] = [];
    const changeCycles = new Set<number>();
    for (let id = 1; id <= spec.cycles; id++) {
      // A random wait puts each change at a random point of the poll interval.
      await sleep(random() * spec.syncIntervalMs);
      const change = planner.next();
      const { seen, giveUp } = await pool.watch({ id, vmid: change.vmid, node: change.node, field: change.field, value: change.value });
      change.apply();
      sim.model.refreshStatusNow();
      const t0 = nowMs();
      const result = await withTimeout(seen, CHANGE_TIMEOUT_MS, "").catch(() => (giveUp(), seen));
      const shown = result.seenAt.filter((at) => !Number.isNaN(at));
      if (shown.length === 0) throw new Error(`no client showed change ${id} (${change.kind} of guest ${change.vmid}) within ${CHANGE_TIMEOUT_MS} ms`);
      const missedBy = result.seenAt.length - shown.length;
      changeCycles.add(result.lastSyncAt);
      changes.push({
        kind: change.kind,
        cycleEndMs: result.lastSyncAt - t0,
        onWireMs: Math.min(...result.arrivedAt.filter((at) => !Number.isNaN(at))) - t0,
        firstClientMs: Math.min(...shown) - t0,
        // A change some client never showed counts as the whole wait: a lower bound, flagged by missedBy.
        everyClientMs: missedBy > 0 ? CHANGE_TIMEOUT_MS : Math.max(...shown) - t0,
        missedBy,
      });
    }
    const end = await boundary();

    const metrics = await server.metrics();
    const memory = server.memory();
    const { patches, totals } = await pool.log();
    // Patches grouped by the sync cycle they carried (a cycle's changes and its lastSyncAt travel together).
    const bytesPerCycle = new Map<number, number>();
    for (const p of patches) bytesPerCycle.set(p.lastSyncAt, (bytesPerCycle.get(p.lastSyncAt) ?? 0) + p.bytes);
    const cyclesBetween = (from: number, to: number) => [...bytesPerCycle].filter(([at]) => at > from && at <= to).map(([, b]) => b);
    const idlePatchBytes = cyclesBetween(start.lastSyncAt, idleEnd.lastSyncAt);
    const changePatchBytes = [...changeCycles].map((at) => bytesPerCycle.get(at) ?? 0);
    const windowPatchBytes = cyclesBetween(start.lastSyncAt, end.lastSyncAt).reduce((a, b) => a + b, 0);

    const measuredCycles = end.syncs - start.syncs;
    const proxmoxCallsPerCycle: Record<string, number> = {};
    for (const [route, count] of Object.entries(end.requests)) {
      const delta = count - (start.requests[route] ?? 0);
      if (delta > 0) proxmoxCallsPerCycle[route] = delta / measuredCycles;
    }
    const syncWorkMs = cycleStarts.workMs(pool.syncs.slice(start.syncs, end.syncs).map((s) => s.lastSyncAt));

    return {
      spec,
      nodes,
      fullStateBytes: joins.solo.fullStateBytes,
      soloJoinMs: joins.solo.ms,
      herdJoinMs: joins.herdMs,
      herdWallMs: joins.herdWallMs,
      idlePatchBytes,
      changePatchBytes,
      changes,
      syncWorkMs,
      measuredCycles,
      proxmoxCallsPerCycle,
      callsCountedCleanly: start.clean && end.clean,
      patches: metrics.patches,
      rssAfterJoinBytes,
      rssEndBytes: memory.rssBytes,
      peakRssBytes: memory.peakRssBytes,
      heapUsedBytes: metrics.heapUsedBytes,
      serverCpuPercent: ((end.cpu - start.cpu) / ((end.at - start.at) / 1000)) * 100,
      patchBytesPerClientPerSecond: windowPatchBytes / ((end.lastSyncAt - start.lastSyncAt) / 1000),
      clientTotals: totals,
      warnings: server.warnings,
    };
  } finally {
    await unwind();
    running.delete(unwind);
  }
}
