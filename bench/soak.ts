/**
 * bench:soak — the server under a steady load for a long time: 10,000 simulated guests, 100
 * connected clients, an operator submitting start / stop / reboot continuously, and the simulator
 * injecting faults. Reports memory over time, operations submitted / succeeded / failed / lost, and
 * their latency. See BENCHMARKS.md.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator } from "../server/src/simulator/index.ts";
import { createTestDatabase } from "../test/support/database.ts";
import { ClientPool } from "./sync/client-pool.ts";
import { CLUSTER_ID, nodesFor, REPO_ROOT, serverEnvironment, waitForSecondSync } from "./sync/scenario.ts";
import { ServerProcess } from "./sync/server-process.ts";
import { seededRandom } from "./sync/stats.ts";
import { FaultPlan, faultPhases } from "./soak/faults.ts";
import { MemorySampler, memoryTrend } from "./soak/memory.ts";
import { Operator } from "./soak/operator.ts";
import { optionsOrExit } from "./cli.ts";
import { parseSoakOptions, USAGE, type SoakOptions } from "./soak/options.ts";
import { resultLines, soakVerdicts, type SoakResult } from "./soak/report.ts";

const opts = optionsOrExit<SoakOptions>(parseSoakOptions, USAGE);
const log = (line: string) => console.error(`[bench:soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

const cleanups: (() => Promise<unknown>)[] = [];
async function unwind(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((error: unknown) => log(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the server, the simulator and dropping the database`);
    void unwind().finally(() => process.exit(130));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function soak(): Promise<SoakResult> {
  const random = seededRandom(opts.seed);
  const nodes = nodesFor(opts.guests);
  const db = await createTestDatabase("proximity_soak");
  cleanups.push(() => db.drop());
  const sim = await startSimulator({ seed: opts.seed, nodes, guests: opts.guests, statusRefreshMs: opts.statusRefreshMs, metricsTickMs: opts.statusRefreshMs });
  cleanups.push(() => sim.close());
  const staticDir = await mkdtemp(path.join(tmpdir(), "proximity-soak-static-"));
  cleanups.push(() => rm(staticDir, { recursive: true, force: true }));
  const server = await ServerProcess.start(REPO_ROOT, serverEnvironment(opts, db.url, sim, staticDir));
  cleanups.push(() => server.stop());
  const adminToken = await server.signIn();
  if (!adminToken) throw new Error("the server has no accounts: the soak needs an operator to sign in");
  await waitForSecondSync(server, 120_000);
  const operatorToken = await signInOperator(server, adminToken);
  log(`server ready (pid ${server.pid}); joining ${opts.clients} clients`);

  const pool = await ClientPool.start({ wsUrl: server.url.replace(/^http/, "ws"), token: adminToken, clusterId: CLUSTER_ID, expectedGuests: opts.guests }, opts.clients, opts.workers);
  cleanups.push(() => pool.close());
  await pool.join(opts.joinConcurrency);

  const startedAt = performance.now();
  const sampler = new MemorySampler(server, opts.sampleSeconds, startedAt);
  cleanups.push(async () => sampler.stop());
  const unreachable = sim.model.listNodes()[Math.floor(random() * nodes)]!.name;
  const faults = new FaultPlan(sim, faultPhases(unreachable), opts.faultPhaseSeconds, startedAt);
  cleanups.push(async () => faults.stop());
  const operator = new Operator(server.url, operatorToken, sim, db.url, random, () => faults.current);
  cleanups.push(() => operator.close());
  await sampler.sample();
  operator.start(opts.opsPerSecond);
  log(`soaking for ${opts.minutes} min: ${opts.opsPerSecond} operation(s)/s, fault phases of ${opts.faultPhaseSeconds} s`);

  const runMs = opts.minutes * 60_000;
  while (performance.now() - startedAt < runMs) {
    await sleep(Math.min(60_000, runMs - (performance.now() - startedAt)));
    const last = sampler.samples.at(-1);
    log(
      `${((performance.now() - startedAt) / 60_000).toFixed(1)} min: ${operator.tally.submitted} submitted, ${operator.tally.ended.length} ended, ` +
        `${operator.openCount} open; RSS ${last ? (last.rssBytes / 2 ** 20).toFixed(0) : "?"} MiB, heap ${last ? (last.heapUsedBytes / 2 ** 20).toFixed(0) : "?"} MiB`,
    );
  }
  await operator.stopSubmitting();
  const measuredMs = performance.now() - startedAt;
  sampler.stop();
  faults.stop();
  log(`stopped submitting; waiting up to ${opts.graceSeconds} s for ${operator.openCount} open operation(s)`);
  const lost = await operator.drain(opts.graceSeconds * 1000);
  const metrics = await server.metrics();
  const { totals } = await pool.log();
  return {
    minutes: opts.minutes,
    graceSeconds: opts.graceSeconds,
    tally: operator.tally,
    lost,
    trend: memoryTrend(sampler.samples, measuredMs),
    memorySampleErrors: sampler.errors,
    heapUsedEndMiB: metrics.heapUsedBytes / 2 ** 20,
    clients: opts.clients,
    clientTotals: totals,
    serverWarnings: server.warnings,
    faultPhasesEntered: faults.log.length - 1,
  };
}

/** Creates an operator account with the admin's session and signs in as it: operations run as a person would. */
async function signInOperator(server: ServerProcess, adminToken: string): Promise<string> {
  const password = `soak-${crypto.randomUUID()}`;
  const post = (route: string, body: unknown, token?: string) =>
    fetch(`${server.url}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const created = await post("/api/users", { username: "soak-operator", password, role: "operator" }, adminToken);
  if (!created.ok) throw new Error(`creating the operator failed: ${created.status} ${await created.text()}`);
  const session = await post("/api/auth/login", { username: "soak-operator", password });
  if (!session.ok) throw new Error(`the operator's sign-in failed: ${session.status} ${await session.text()}`);
  return ((await session.json()) as { token: string }).token;
}

const conditions = [
  `date:             ${new Date().toISOString()}`,
  `machine:          ${os.availableParallelism()} cores, ${os.cpus()[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load before run ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  `node:             ${process.version}`,
  `server:           own process (node --import tsx server/src/main.ts), ws transport, LOG_LEVEL=warn, SYNC_INTERVAL_MS=${opts.syncIntervalMs}, heap cap ${opts.serverHeapMiB > 0 ? `${opts.serverHeapMiB} MiB` : "V8's default"}`,
  `simulator:        in the benchmark process, ${opts.guests} guests on ${nodesFor(opts.guests)} nodes, status broadcast and metrics tick every ${opts.statusRefreshMs} ms;`,
  `                  5 % of tasks fail throughout; phases of ${opts.faultPhaseSeconds} s cycle: API errors + latency, an unreachable node, slow tasks, calm`,
  `clients:          ${opts.clients} real @colyseus/sdk clients over WebSocket in ${opts.workers} worker thread(s), connected for the whole run`,
  `operator:         one operator account over HTTP (POST /api/guests/:cluster/:vmid/actions/:action), ${opts.opsPerSecond} submission(s)/s,`,
  `                  start for a stopped guest, stop or reboot for a running one, never two at once on a guest; followed in Postgres`,
  `run:              ${opts.minutes} min of submissions, then up to ${opts.graceSeconds} s for what is still open; memory sampled every ${opts.sampleSeconds} s`,
];
console.log(["bench:soak conditions", ...conditions.map((c) => `  ${c}`)].join("\n"));

let exitCode = 1;
try {
  const result = await soak();
  console.log(["", "bench:soak results", ...resultLines(result).map((l) => `  ${l}`)].join("\n"));
  const verdicts = soakVerdicts(result);
  console.log(["", "Targets (anchors.md):", ...verdicts.map((v) => `  ${v.pass ? "PASS" : "FAIL"}  ${v.line}`)].join("\n"));
  exitCode = verdicts.every((v) => v.pass) ? 0 : 1;
} catch (error) {
  log(`FAILED: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  await unwind();
}
process.exit(exitCode);
