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
import { mulberry32, type Rng } from "../../server/src/simulator/prng.ts";
import { call } from "../../server/src/simulator/test-client.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { findProblems, killPhase, tasksOf, type KillPhase, type OperationRow, type Round } from "./checks.ts";
import { CRASH_KINDS, type Submission } from "./operation-kinds.ts";
import { freePort, ServerProcess } from "./server-process.ts";
import { countBy, percentile, table } from "./summary.ts";

const SEED = intFromEnv("CRASH_SEED", randomInt(2 ** 31), 0, 2 ** 32 - 1);
const ITERATIONS = intFromEnv("CRASH_ITERATIONS", 20, 1, 10_000);
const OPERATIONS_PER_ROUND = 6;
const MAX_KILL_DELAY_MS = 2_000;
const EARLY_KILL_MS = 250;
/** Deploys and clones run several tasks over several seconds: some kills land in their later steps. */
const LATE_KILL_MS = 10_000;
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
/** One client, not a pool: a pool's end() resolves before its sockets close, and the database drop then kills them mid-close. */
let db: pg.Client;
let server: ServerProcess;
let token: string;
/** Catalog apps a deploy can take: single-image ones (compose apps are refused by design). */
let deployableApps: string[];
const rng: Rng = mulberry32(SEED);

beforeAll(async () => {
  console.log(`crash test seed ${SEED} (reproduce with CRASH_SEED=${SEED}); Proxmox clock skew ${PVE_CLOCK_SKEW_MS} ms`);
  // taskSpeed 0.15 makes lifecycle tasks last about 0.1–3 s and deploys, clones, backups and migrations
  // about 1–12 s, so kills land before, during, between and after their tasks.
  sim = await startSimulator({
    seed: SEED,
    nodes: 3,
    guests: 40,
    taskSpeed: 0.15,
    statusRefreshMs: 200,
    authFailureDelayMs: 20,
    faults: { latencyMs: SIM_LATENCY_MS, taskFailureRate: 0.1 },
    now: () => Date.now() + PVE_CLOCK_SKEW_MS,
  });
  database = await createTestDatabase("proximity_crash");
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
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
  const catalog = (await (await api("/api/catalog")).json()) as { apps: { id: string; route: string }[] };
  deployableApps = catalog.apps.filter((a) => a.route === "oci").map((a) => a.id);
  expect(deployableApps.length).toBeGreaterThan(OPERATIONS_PER_ROUND);
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
  const plan = await planRound(i);
  // One after another: the crash is under test here, not two plans racing for the same free VMID.
  const ids: string[] = [];
  for (const s of plan.submissions) ids.push(await submit(s.request));
  const round: Round = { ...plan, submitted: plan.submissions.map((submission, k) => ({ submission, id: ids[k]! })) };

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
    phases: round.submitted.map(({ id, submission }) => {
      const mine = (t: TaskInfo) => !round.earlierUpids.has(t.upid) && tasksOf(submission, rows.get(id)!, [t]).length > 0;
      return killPhase(atDeath.get(id), mine, tasksAtKill, tasksBeforeRestart);
    }),
    outcomes: round.submitted.map((s) => `${s.submission.kind} ${rows.get(s.id)!.state}`),
  };
}

/**
 * A third of the kills fall in the first 250 ms, where the workers pick the jobs up and send their
 * requests: the narrowest windows (before the request, request in flight) live there. A third fall in
 * the first 2 s, a third in the first 10 s, where multi-step operations are in their later steps.
 */
function killDelay(): number {
  const draw = rng();
  const within = draw < 1 / 3 ? EARLY_KILL_MS : draw < 2 / 3 ? MAX_KILL_DELAY_MS : LATE_KILL_MS;
  return Math.floor(rng() * within);
}

type Plan = Omit<Round, "submitted"> & { submissions: Submission[] };

/**
 * Random kinds on distinct guests (and distinct apps for deploys), once the server's view of those
 * guests matches the simulator's.
 */
async function planRound(round: number): Promise<Plan> {
  const guests = sim.model.listGuests();
  const onlineNodes = sim.model.listNodes().filter((n) => n.online).map((n) => n.name);
  const submissions: Submission[] = [];
  for (let n = 0; n < OPERATIONS_PER_ROUND; n++) {
    const usedGuests = new Set(submissions.map((s) => s.guest?.vmid));
    const usedApps = new Set(submissions.map((s) => (s.request.body as { app?: string } | undefined)?.app));
    const choice = {
      rng,
      clusterId: CLUSTER_ID,
      free: guests.filter((g) => !usedGuests.has(g.vmid)),
      onlineNodes,
      freeApps: deployableApps.filter((a) => !usedApps.has(a)),
      newName: `crash-${round}-${n}`,
      sim: sim.model,
    };
    const submission = shuffled(CRASH_KINDS).map((k) => k.prepare(choice)).find((s) => s !== null);
    if (!submission) throw new Error(`round ${round}: no kind can take another operation`);
    submissions.push(submission);
  }
  await waitForServerView(submissions.flatMap((s) => (s.guest ? [s.guest] : [])));
  return {
    submissions,
    guestIdsBefore: new Set(guests.map((g) => g.vmid)),
    earlierUpids: new Set(proximityTasks().map((t) => t.upid)),
  };
}

function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
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
  const stuck = [...(await readRows(pending)).values()].map((r) => `${r.kind} ${r.vmid} ${r.state} steps=${JSON.stringify(r.steps)}`);
  // Where they hang: their jobs as pg-boss holds them, and the tasks Proxmox still runs.
  const { rows: jobs } = await db.query<{ job: unknown }>("SELECT to_jsonb(j) AS job FROM pgboss.job j WHERE j.data->>'operationId' = ANY($1::text[])", [pending]);
  const running = proximityTasks().filter((t) => t.status === "running").map((t) => t.upid);
  throw new Error(
    `${what} (seed ${SEED}): operations not ended ${RECOVERY_TIMEOUT_MS} ms after the restart: ${stuck.join("; ")}\n` +
      `their jobs: ${JSON.stringify(jobs.map((j) => j.job))}\nProxmox tasks still running: ${running.join(", ") || "none"}\n${server.tail()}`,
  );
}

async function readRows(ids: string[]): Promise<Map<string, OperationRow>> {
  const { rows } = await db.query<OperationRow>(
    `SELECT id, kind, vmid, node, state, error, message, upid, target_vmid AS "targetVmid", target_node AS "targetNode", params, steps
     FROM operations WHERE id = ANY($1::text[])`,
    [ids],
  );
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
    world: { sim: sim.model, newGuestDescriptions: await newGuestDescriptions(round.guestIdsBefore) },
  });
}

/** Descriptions of the guests that appeared since the round began, as Proxmox's API reports them. */
async function newGuestDescriptions(before: Set<number>): Promise<Map<number, string>> {
  const fresh = sim.model.listGuests().filter((g) => !before.has(g.vmid));
  const read = async (g: GuestInfo): Promise<[number, string]> => {
    const reply = await call(sim, "GET", `/nodes/${g.node}/${g.type}/${g.vmid}/config`);
    if (reply.status !== 200) throw new Error(`config of guest ${g.vmid}: ${reply.status} ${reply.reason}`);
    const { data } = JSON.parse(reply.body) as { data: { description?: string } };
    return [g.vmid, data.description ?? ""];
  };
  return new Map(await Promise.all(fresh.map(read)));
}

/** Over the whole run: every task Proximity ever started is a recorded step of exactly one operation. */
async function unaccountedTasks(): Promise<string[]> {
  const { rows } = await db.query<{ upid: string; n: number }>(
    `SELECT upid, count(DISTINCT id)::int AS n FROM (
       SELECT id, upid FROM operations WHERE upid IS NOT NULL
       UNION SELECT o.id, s.value FROM operations o, jsonb_each_text(o.steps) s
     ) recorded GROUP BY 1`,
  );
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
