/**
 * Crash test: SIGKILL the server while operations are in flight, at random moments, many times; after
 * each restart every operation must reach its true end, acting on Proxmox exactly once.
 *
 * The simulator lives in this process and outlives every server crash, as a real cluster would.
 * `npm run test:crash`, with optional environment:
 *   CRASH_SEED=<n>               replay a run (the seed is printed at the start)
 *   CRASH_ITERATIONS=<n>         rounds of submit → kill → restart → check (default 20)
 *   CRASH_PVE_CLOCK_SKEW_MS=<n>  Proxmox's clock ahead (+) or behind (−) Proximity's (default 0)
 */
import { randomInt } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type GuestInfo, type Simulator, type TaskInfo } from "../../server/src/simulator/index.ts";
import { mulberry32, pick, type Rng } from "../../server/src/simulator/prng.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { findProblems, killPhase, type KillPhase, type OperationRow, type Round } from "./checks.ts";
import { CRASH_KINDS } from "./operation-kinds.ts";
import { freePort, ServerProcess } from "./server-process.ts";
import { countBy, percentile, table } from "./summary.ts";

const SEED = intFromEnv("CRASH_SEED", randomInt(2 ** 31), 0, 2 ** 32 - 1);
const ITERATIONS = intFromEnv("CRASH_ITERATIONS", 20, 1, 10_000);
const OPERATIONS_PER_ROUND = 6;
const MAX_KILL_DELAY_MS = 2_000;
const EARLY_KILL_MS = 250;
/** Some rounds kill the restarted server again before it has finished recovering. */
const SECOND_KILL_CHANCE = 0.25;
const SECOND_KILL_WITHIN_MS = 20_000;
/** Detecting a dead worker takes pg-boss's heartbeat timeout plus a supervise pass, then a retry delay. */
const RECOVERY_TIMEOUT_MS = 180_000;
const CLUSTER_ID = "lab";
const ADMIN = { username: "crash-admin", password: "correct horse battery staple" };
/** Request latency: widens the window between Proxmox receiving an action and the server recording its UPID. */
const SIM_LATENCY_MS = 100;
/** How far Proxmox's clock is ahead of (positive) or behind (negative) Proximity's; NTP keeps it small, not zero. */
const PVE_CLOCK_SKEW_MS = intFromEnv("CRASH_PVE_CLOCK_SKEW_MS", 0, -3_600_000, 3_600_000);

let sim: Simulator;
let database: TestDatabase;
let db: pg.Pool;
let server: ServerProcess;
let token: string;
const rng: Rng = mulberry32(SEED);

beforeAll(async () => {
  console.log(`crash test seed ${SEED} (reproduce with CRASH_SEED=${SEED}); Proxmox clock skew ${PVE_CLOCK_SKEW_MS} ms`);
  // taskSpeed 0.35 makes lifecycle tasks last about 0.2–7 s, so kills land before, during and after them.
  sim = await startSimulator({
    seed: SEED,
    nodes: 3,
    guests: 40,
    taskSpeed: 0.35,
    statusRefreshMs: 200,
    authFailureDelayMs: 20,
    faults: { latencyMs: SIM_LATENCY_MS, taskFailureRate: 0.1 },
    now: () => Date.now() + PVE_CLOCK_SKEW_MS,
  });
  database = await createTestDatabase("proximity_crash");
  db = new pg.Pool({ connectionString: database.url, max: 2 });
  const logFile = path.resolve(import.meta.dirname, `../../test-artifacts/crash/server-${SEED}.log`);
  server = new ServerProcess(
    {
      DATABASE_URL: database.url,
      DEMO: "false",
      PVE_URL: sim.url,
      PVE_CLUSTER_ID: CLUSTER_ID,
      PVE_TOKEN_ID: sim.adminToken.tokenId,
      PVE_TOKEN_SECRET: sim.adminToken.secret,
      PVE_FINGERPRINT: sim.fingerprint,
      SECRET_KEY: Buffer.alloc(32, 11).toString("base64"),
      SYNC_INTERVAL_MS: "500",
      LOG_LEVEL: "info",
    },
    await freePort(),
    logFile,
  );
  console.log(`server log: ${logFile}`);
  await server.start();
  const setup = await fetch(`${server.url}/api/auth/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: await server.setupToken(), ...ADMIN }),
  });
  expect(setup.status).toBe(201);
  token = ((await setup.json()) as { token: string }).token;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.end();
  await sim?.close();
  await database?.drop();
});

const api = (route: string, init: RequestInit = {}) =>
  fetch(`${server.url}${route}`, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });

const proximityTasks = (): TaskInfo[] => sim.model.listTasks().filter((t) => t.user === sim.adminToken.tokenId);

interface RoundReport {
  killDelayMs: number;
  kills: number;
  recoveryMs: number;
  phases: KillPhase[];
  outcomes: string[];
}

describe("kill -9 with operations in flight", () => {
  it(`every operation reaches its true end, once, after ${ITERATIONS} rounds of crashes`, async () => {
    const reports: RoundReport[] = [];
    for (let i = 1; i <= ITERATIONS; i++) {
      const report = await crashRound(i);
      reports.push(report);
      console.log(
        `round ${i}/${ITERATIONS}: killed after ${report.killDelayMs} ms${report.kills > 1 ? " and again during recovery" : ""}, ` +
          `recovered in ${(report.recoveryMs / 1000).toFixed(1)} s; at the kill: ${report.phases.join(", ")}`,
      );
    }
    expect(await unaccountedTasks()).toEqual([]);
    printSummary(reports);
  });
});

/**
 * One round: submit, kill at a random moment, restart (sometimes killing again while it recovers),
 * wait until every operation ended, then compare everything with the simulator's truth.
 */
async function crashRound(i: number): Promise<RoundReport> {
  const plan = await planRound();
  const ids = await Promise.all(plan.targets.map((t) => submit(t.crashKind.request(CLUSTER_ID, t.before))));
  const round: Round = { ...plan, submitted: plan.targets.map((t, k) => ({ ...t, id: ids[k]! })) };

  const killDelayMs = killDelay();
  await sleep(killDelayMs);
  const killedAt = Date.now();
  await server.kill();
  const tasksAtKill = proximityTasks();
  const atDeath = await readRows(ids);
  // Requests already on their way still reach Proxmox (the simulator's latency), as on a real network.
  await sleep(SIM_LATENCY_MS * 3);
  const tasksBeforeRestart = proximityTasks();
  await server.start();

  let kills = 1;
  if (rng() < SECOND_KILL_CHANCE) {
    // Recovery itself interrupted: the redelivered jobs arrive about a heartbeat timeout after the kill.
    const pending = await pendingAfter(ids, Math.floor(rng() * SECOND_KILL_WITHIN_MS));
    if (pending.length > 0) {
      await server.kill();
      await server.start();
      kills++;
    }
  }
  await waitUntilEnded(ids, `round ${i}`);
  const recoveryMs = Date.now() - killedAt;

  const problems = [...(await checkRound(round)), ...server.unexpectedExits];
  expect(problems, `round ${i} (seed ${SEED}); server log tail:\n${server.tail()}`).toEqual([]);
  const rows = await readRows(ids);
  return {
    killDelayMs,
    kills,
    recoveryMs,
    phases: round.submitted.map((s) => killPhase(atDeath.get(s.id), s.before.vmid, tasksAtKill, tasksBeforeRestart, round.earlierUpids)),
    outcomes: round.submitted.map((s) => `${s.crashKind.kind} ${rows.get(s.id)!.state}`),
  };
}

/**
 * 0–2000 ms, but a third of the kills fall in the first 250 ms, where the workers pick the jobs up and
 * send their requests: the narrowest windows (before the request, request in flight) live there.
 */
function killDelay(): number {
  return rng() < 1 / 3 ? Math.floor(rng() * EARLY_KILL_MS) : Math.floor(rng() * MAX_KILL_DELAY_MS);
}

type Plan = Omit<Round, "submitted"> & { targets: Omit<Round["submitted"][number], "id">[] };

/** Picks distinct guests for random kinds, once the server's view of them matches the simulator's. */
async function planRound(): Promise<Plan> {
  const guests = sim.model.listGuests();
  const used = new Set<number>();
  const targets: Plan["targets"] = [];
  for (let n = 0; n < OPERATIONS_PER_ROUND; n++) {
    const free = guests.filter((g) => !used.has(g.vmid));
    const crashKind = pick(rng, CRASH_KINDS.filter((k) => free.some((g) => k.accepts(g))));
    const before = pick(rng, free.filter((g) => crashKind.accepts(g)));
    used.add(before.vmid);
    targets.push({ crashKind, before });
  }
  await waitForServerView(targets.map((t) => t.before));
  return {
    targets,
    guestIdsBefore: new Set(guests.map((g) => g.vmid)),
    earlierUpids: new Set(proximityTasks().map((t) => t.upid)),
  };
}

/** The server refuses a stop of a guest it still believes stopped: wait for its sync to catch up. */
async function waitForServerView(guests: GuestInfo[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ vmid: number; status: string }>(
      "SELECT vmid, status FROM guests WHERE cluster_id = $1 AND vmid = ANY($2::int[])",
      [CLUSTER_ID, guests.map((g) => g.vmid)],
    );
    const seen = new Map(rows.map((r) => [r.vmid, r.status]));
    if (guests.every((g) => seen.get(g.vmid) === g.status)) return;
    if (Date.now() > deadline) throw new Error(`the server's view of guests ${guests.map((g) => g.vmid).join(", ")} did not catch up`);
    await sleep(100);
  }
}

async function submit(request: { path: string; body?: unknown }): Promise<string> {
  const res = await api(request.path, { method: "POST", body: request.body === undefined ? undefined : JSON.stringify(request.body) });
  const body = (await res.json()) as { operationId?: string; message?: string };
  if (res.status !== 202 || !body.operationId) throw new Error(`POST ${request.path}: ${res.status} ${body.message ?? ""}`);
  return body.operationId;
}

/** Waits up to `withinMs` for every operation to end; returns those still in flight. */
async function pendingAfter(ids: string[], withinMs: number): Promise<string[]> {
  const deadline = Date.now() + withinMs;
  const pending = new Set(ids);
  for (;;) {
    for (const id of [...pending]) {
      const res = await api(`/api/operations/${id}`);
      if (res.status !== 200) continue;
      const { state } = (await res.json()) as { state: string };
      if (state === "succeeded" || state === "failed") pending.delete(id);
    }
    if (pending.size === 0 || Date.now() > deadline) return [...pending];
    await sleep(250);
  }
}

async function waitUntilEnded(ids: string[], what: string): Promise<void> {
  const pending = await pendingAfter(ids, RECOVERY_TIMEOUT_MS);
  if (pending.length === 0) return;
  const stuck = [...(await readRows(pending)).values()].map((r) => `${r.kind} ${r.vmid} ${r.state} upid=${r.upid}`);
  throw new Error(`${what} (seed ${SEED}): operations not ended ${RECOVERY_TIMEOUT_MS} ms after the restart: ${stuck.join("; ")}\n${server.tail()}`);
}

async function readRows(ids: string[]): Promise<Map<string, OperationRow>> {
  const { rows } = await db.query<OperationRow>("SELECT id, kind, vmid, state, error, upid FROM operations WHERE id = ANY($1::text[])", [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

async function checkRound(round: Round): Promise<string[]> {
  const ids = round.submitted.map((s) => s.id);
  const http = new Map<string, { state: string; error: string | null } | null>();
  for (const id of ids) {
    const res = await api(`/api/operations/${id}`);
    http.set(id, res.status === 200 ? ((await res.json()) as { state: string; error: string | null }) : null);
  }
  const { rows: audits } = await db.query<{ id: string; n: number }>(
    `SELECT detail->>'operationId' AS id, count(*)::int AS n FROM audit_log
     WHERE outcome IN ('succeeded', 'failed') AND detail->>'operationId' = ANY($1::text[]) GROUP BY 1`,
    [ids],
  );
  return findProblems(round, {
    http,
    rows: await readRows(ids),
    terminalAudits: new Map(audits.map((a) => [a.id, a.n])),
    proximityTasks: proximityTasks(),
    sim: sim.model,
  });
}

/** Over the whole run: every task Proximity ever started is the recorded task of exactly one operation. */
async function unaccountedTasks(): Promise<string[]> {
  const { rows } = await db.query<{ upid: string; n: number }>("SELECT upid, count(*)::int AS n FROM operations WHERE upid IS NOT NULL GROUP BY 1");
  const recorded = new Map(rows.map((r) => [r.upid, r.n]));
  return proximityTasks()
    .filter((t) => recorded.get(t.upid) !== 1)
    .map((t) => `${t.type} on ${t.id} (${t.upid}) recorded by ${recorded.get(t.upid) ?? 0} operations`);
}

function printSummary(reports: RoundReport[]): void {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const recovery = reports.map((r) => r.recoveryMs);
  const delays = reports.map((r) => r.killDelayMs);
  const lines = [
    `crash test summary (seed ${SEED})`,
    table(
      ["iterations", "kills", "operations", "kill after (ms) min/p50/max", "recovery (s) p50/max"],
      [
        [
          reports.length,
          reports.reduce((n, r) => n + r.kills, 0),
          reports.length * OPERATIONS_PER_ROUND,
          `${Math.min(...delays)}/${percentile(delays, 50)}/${Math.max(...delays)}`,
          `${seconds(percentile(recovery, 50))}/${seconds(Math.max(...recovery))}`,
        ],
      ],
    ),
    "",
    table(["where an operation was at the kill", "count"], countBy(reports.flatMap((r) => r.phases))),
    "",
    table(["outcome", "count"], countBy(reports.flatMap((r) => r.outcomes))),
  ];
  console.log(lines.join("\n"));
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}=${raw}: expected an integer in [${min}, ${max}]`);
  return value;
}
