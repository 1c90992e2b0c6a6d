/**
 * A worker thread holding some of the benchmark's clients: the real @colyseus/sdk over real
 * WebSockets, each decoding the full world state as a browser would. Spreading clients over
 * threads lets their decoding use every core instead of queueing behind one event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Room } from "@colyseus/sdk";
import type { WorldState as WorldStateType } from "../../shared/src/schema/world.ts";
import { describeError, fetchRetries, installRetryingFetch } from "./retrying-fetch.ts";
import { installCountingWebSocket, tallyOf, tallyTotals } from "./socket-tally.ts";
import { nowMs } from "./stats.ts";
import type { ClientTotals, FromWorker, JoinResult, PatchRecord, ToWorker, Watch, WorkerSetup } from "./worker-protocol.ts";

const port = parentPort!;
const setup = workerData as WorkerSetup;
const post = (message: FromWorker) => port.postMessage(message);
// The SDK reports reconnections on the console: keep them off stdout, where the report goes.
console.info = console.log = console.warn = (...args: unknown[]) => process.stderr.write(`[client worker] ${args.join(" ")}\n`);

// Both must be in place before the SDK is first imported.
const codes = { state: -1, patch: -1 };
installCountingWebSocket(codes);
installRetryingFetch();
const { Client, Protocol } = await import("@colyseus/sdk");
const { WorldState } = await import("../../shared/src/schema/world.ts");
const { ROOM_NAME } = await import("../../shared/src/protocol.ts");
codes.state = Protocol.ROOM_STATE;
codes.patch = Protocol.ROOM_STATE_PATCH;

type WorldRoom = Room<unknown, WorldStateType>;

interface Member {
  room: WorldRoom;
  /** Lost its connection: the room allows no reconnection, so it is out for the rest of the run. */
  gone: boolean;
  seenAt: number | null;
  arrivedAt: number;
  /** Only the first client of the worker that keeps the log: every patch and every sync it sees. */
  log: PatchRecord[] | null;
  patchesLogged: number;
  lastSyncAt: number;
}

const JOIN_TIMEOUT_MS = 120_000;
const JOIN_ATTEMPTS = 3;
const JOIN_RETRY_DELAY_MS = 500;

const members: Member[] = [];
const joinRetries = new Map<string, number>();
const drops = new Map<string, number>();
let leaving = false;
let watch: { spec: Watch; pending: number; lastSyncAt: number } | null = null;

const count = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
/** The socket of the room's current connection (a reconnection opens a new one). */
const tally = (room: WorldRoom) => tallyOf((room.connection.transport as unknown as { ws: object }).ws);

function guestCount(state: WorldStateType | undefined): number {
  let n = 0;
  for (const host of state?.clusters.get(setup.clusterId)?.hosts.values() ?? []) n += host.guests.size;
  return n;
}

function onState(member: Member, state: WorldStateType): void {
  const cluster = state.clusters.get(setup.clusterId);
  if (member.log && cluster) logPatch(member, cluster.lastSyncAt);
  if (!watch || member.gone || member.seenAt !== null) return;
  const { spec } = watch;
  const guest = cluster?.hosts.get(spec.node)?.guests.get(String(spec.vmid));
  if (!guest || guest[spec.field] !== spec.value) return;
  member.seenAt = nowMs();
  member.arrivedAt = tally(member.room).lastPatchAt;
  if (watch.lastSyncAt === 0) watch.lastSyncAt = cluster!.lastSyncAt;
  if (--watch.pending === 0) reportWatch();
}

function logPatch(member: Member, lastSyncAt: number): void {
  const socket = tally(member.room);
  if (socket.patches !== member.patchesLogged) {
    member.patchesLogged = socket.patches;
    member.log!.push({ at: socket.lastPatchAt, bytes: socket.lastPatchBytes, lastSyncAt });
  }
  if (lastSyncAt !== member.lastSyncAt) {
    member.lastSyncAt = lastSyncAt;
    post({ type: "sync", at: nowMs(), lastSyncAt });
  }
}

/** Posts what the watch saw so far (NaN for connected clients that have not shown the change) and ends it. */
function reportWatch(): void {
  if (!watch) return;
  const counted = members.filter((m) => !m.gone || m.seenAt !== null);
  const seenAt = counted.map((m) => m.seenAt ?? Number.NaN);
  const arrivedAt = counted.map((m) => (m.seenAt === null ? Number.NaN : m.arrivedAt));
  post({ type: "seen", seen: { id: watch.spec.id, seenAt, arrivedAt, lastSyncAt: watch.lastSyncAt } });
  watch = null;
}

/** Resolves once the room's state satisfies the predicate, re-checked after every state message. */
function until(room: WorldRoom, predicate: (state: WorldStateType | undefined) => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (predicate(room.state)) return resolve();
    const timer = setTimeout(() => {
      room.onStateChange.remove(check);
      const dropped = JSON.stringify(Object.fromEntries(drops));
      reject(new Error(`a client's state did not hold all ${setup.expectedGuests} guests within ${timeoutMs} ms (connection drops so far: ${dropped})`));
    }, timeoutMs);
    const check = (state: WorldStateType) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      room.onStateChange.remove(check);
      resolve();
    };
    room.onStateChange(check);
  });
}

/**
 * joinOrCreate, tried again (counted, with the reason) when it fails: a user whose join fails
 * tries again, and one refused join should not end the whole run. The last failure is thrown.
 */
async function joinRoom(): Promise<WorldRoom> {
  for (let attempt = 1; ; attempt++) {
    const client = new Client(setup.wsUrl);
    if (setup.token) client.auth.token = setup.token;
    try {
      return (await client.joinOrCreate(ROOM_NAME, {}, WorldState)) as WorldRoom;
    } catch (error) {
      if (attempt >= JOIN_ATTEMPTS) throw error;
      count(joinRetries, describeError(error));
      await new Promise((resolve) => setTimeout(resolve, JOIN_RETRY_DELAY_MS));
    }
  }
}

/** A client lost its connection: counted, and no longer waited for. */
function onGone(member: Member, code: number, reason?: string): void {
  if (leaving || member.gone) return;
  member.gone = true;
  count(drops, `${code}${reason ? ` ${reason}` : ""}`);
  if (member.log) post({ type: "error", message: `the client that logs sync cycles lost its connection (${code} ${reason ?? ""})` });
  if (watch && member.seenAt === null && --watch.pending === 0) reportWatch();
}

async function joinOne(): Promise<{ ms: number; bytes: number }> {
  const started = nowMs();
  const room = await joinRoom();
  // The world room allows no reconnection: a dropped client would only retry in vain.
  room.reconnection.enabled = false;
  const member: Member = { room, gone: false, seenAt: null, arrivedAt: 0, log: null, patchesLogged: 0, lastSyncAt: 0 };
  room.onDrop((code, reason) => onGone(member, code, reason));
  room.onLeave((code, reason) => onGone(member, code, reason));
  await until(room, (state) => guestCount(state) >= setup.expectedGuests, JOIN_TIMEOUT_MS);
  const ms = nowMs() - started;
  if (members.length === 0 && setup.keepLog) member.log = [];
  member.patchesLogged = tally(room).patches;
  members.push(member);
  room.onStateChange((state) => onState(member, state));
  return { ms, bytes: tally(room).fullStateBytes };
}

/** Joins `count` clients, at most `concurrency` at a time. */
async function join(total: number, concurrency: number): Promise<JoinResult> {
  const result: JoinResult = { joinMs: [], fullStateBytes: [] };
  let left = total;
  const runner = async () => {
    while (left > 0) {
      left--;
      const joined = await joinOne();
      result.joinMs.push(joined.ms);
      result.fullStateBytes.push(joined.bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, runner));
  return result;
}

function arm(spec: Watch): void {
  if (watch) throw new Error(`change ${spec.id} armed while change ${watch.spec.id} is still pending`);
  const live = members.filter((m) => !m.gone);
  for (const m of members) m.seenAt = null;
  for (const m of live) {
    const guest = m.room.state.clusters.get(setup.clusterId)?.hosts.get(spec.node)?.guests.get(String(spec.vmid));
    if (guest?.[spec.field] === spec.value) throw new Error(`guest ${spec.vmid} already has ${spec.field}=${spec.value} before the change`);
  }
  watch = { spec, pending: live.length, lastSyncAt: 0 };
  if (live.length === 0) reportWatch();
}

function totals(): ClientTotals {
  return {
    clients: members.filter((m) => !m.gone).length,
    ...tallyTotals(),
    drops: Object.fromEntries(drops),
    staleConnectionRetries: fetchRetries.closedConnection,
    joinRetries: Object.fromEntries(joinRetries),
  };
}

async function leaveAll(): Promise<void> {
  leaving = true;
  await Promise.all(members.map((m) => m.room.leave(true).catch(() => undefined)));
}

port.on("message", (message: ToWorker) => {
  if (message.type === "unwatch") {
    if (watch?.spec.id === message.id) reportWatch();
    return;
  }
  const run = async (): Promise<FromWorker> => {
    switch (message.type) {
      case "join":
        return { type: "joined", result: await join(message.count, message.concurrency) };
      case "watch":
        arm(message.watch);
        return { type: "armed", id: message.watch.id };
      case "log":
        return { type: "log", log: { patches: members[0]?.log ?? [], totals: totals() } };
      case "leave":
        await leaveAll();
        return { type: "left" };
    }
  };
  run().then(post, (error: unknown) => {
    const text = describeError(error);
    const request = fetchRetries.lastFailure && text.includes("fetch failed") ? ` (request: ${fetchRetries.lastFailure})` : "";
    post({ type: "error", message: `${text}${request}` });
  });
});

post({ type: "ready" });
