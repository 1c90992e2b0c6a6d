/**
 * A worker thread holding some of the benchmark's clients: the real @colyseus/sdk over real
 * WebSockets, each decoding the full world state as a browser would. Spreading clients over
 * threads lets their decoding use every core instead of queueing behind one event loop.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Room } from "@colyseus/sdk";
import type { WorldState as WorldStateType } from "../../shared/src/schema/world.ts";
import { nowMs } from "./stats.ts";
import type { ClientTotals, FromWorker, JoinResult, PatchRecord, ToWorker, Watch, WorkerSetup } from "./worker-protocol.ts";

const port = parentPort!;
// The SDK reports reconnections on the console: keep them off stdout, where the report goes.
console.info = console.log = console.warn = (...args: unknown[]) => process.stderr.write(`[client worker] ${args.join(" ")}\n`);
const setup = workerData as WorkerSetup;
const post = (message: FromWorker) => port.postMessage(message);

/** What one socket received, by Colyseus message kind (the first byte's low 5 bits). */
interface Tally {
  fullStateBytes: number;
  patchBytes: number;
  patches: number;
  otherBytes: number;
  lastPatchAt: number;
  log: PatchRecord[] | null;
}

const PROTOCOL_CODE_MASK = 0x1f;
const codes = { state: -1, patch: -1 };
const tallies = new WeakMap<object, Tally>();

// The SDK reads globalThis.WebSocket once, when it is first imported: count bytes by wrapping it
// before that import. The listener is added before the SDK's own onmessage, so it sees each
// message's arrival before the SDK decodes it.
const BaseWebSocket = globalThis.WebSocket;
class CountingWebSocket extends BaseWebSocket {
  constructor(url: string | URL, init?: unknown) {
    super(url, init as string[] | undefined);
    const tally: Tally = { fullStateBytes: 0, patchBytes: 0, patches: 0, otherBytes: 0, lastPatchAt: 0, log: null };
    tallies.set(this, tally);
    this.addEventListener("message", (event: MessageEvent) => countMessage(tally, event.data));
  }
}
globalThis.WebSocket = CountingWebSocket;

function countMessage(tally: Tally, data: unknown): void {
  const at = nowMs();
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : null;
  const size = bytes ? bytes.byteLength : Buffer.byteLength(String(data));
  const code = bytes && size > 0 ? bytes[0]! & PROTOCOL_CODE_MASK : -1;
  if (code === codes.state) tally.fullStateBytes += size;
  else if (code === codes.patch) {
    tally.patchBytes += size;
    tally.patches++;
    tally.lastPatchAt = at;
    tally.log?.push({ at, bytes: size, lastSyncAt: 0 });
  } else tally.otherBytes += size;
}

// Node's fetch reuses a kept-alive connection even when the server has just closed it for being
// idle (late, when its event loop was busy); the request then fails with "other side closed" or
// ECONNRESET before the server read it. Browsers retry such a request; so does this harness
// (counted), and it keeps the cause of any other failure, which the SDK drops.
const CLOSED_CONNECTION = new Set(["UND_ERR_SOCKET", "ECONNRESET"]);
let lastFetchFailure = "";
let staleConnectionRetries = 0;
const baseFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  try {
    return await baseFetch(input, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (!CLOSED_CONNECTION.has(cause?.code ?? "")) {
      lastFetchFailure = describe(error);
      throw error;
    }
    staleConnectionRetries++;
    return baseFetch(input, init);
  }
};

const { Client, Protocol } = await import("@colyseus/sdk");
const { WorldState } = await import("../../shared/src/schema/world.ts");
const { ROOM_NAME } = await import("../../shared/src/protocol.ts");
codes.state = Protocol.ROOM_STATE;
codes.patch = Protocol.ROOM_STATE_PATCH;

type WorldRoom = Room<unknown, WorldStateType>;

interface Member {
  room: WorldRoom;
  tally: Tally;
  seenAt: number | null;
  arrivedAt: number;
  reportsSyncs: boolean;
  lastSyncAt: number;
}

const JOIN_TIMEOUT_MS = 120_000;
const JOIN_ATTEMPTS = 3;
const JOIN_RETRY_DELAY_MS = 500;
const joinRetries = new Map<string, number>();
const members: Member[] = [];
let leaving = false;
const drops = new Map<string, number>();
let watch: { spec: Watch; pending: number; lastSyncAt: number } | null = null;

function guestCount(state: WorldStateType | undefined): number {
  let n = 0;
  for (const host of state?.clusters.get(setup.clusterId)?.hosts.values() ?? []) n += host.guests.size;
  return n;
}

function onState(member: Member, state: WorldStateType): void {
  const cluster = state.clusters.get(setup.clusterId);
  const logged = member.tally.log?.at(-1);
  if (logged && cluster) logged.lastSyncAt = cluster.lastSyncAt;
  if (member.reportsSyncs && cluster && cluster.lastSyncAt !== member.lastSyncAt) {
    member.lastSyncAt = cluster.lastSyncAt;
    post({ type: "sync", at: nowMs(), lastSyncAt: cluster.lastSyncAt });
  }
  if (!watch || member.seenAt !== null) return;
  const { spec } = watch;
  const guest = cluster?.hosts.get(spec.node)?.guests.get(String(spec.vmid));
  if (!guest || guest[spec.field] !== spec.value) return;
  member.seenAt = nowMs();
  member.arrivedAt = member.tally.lastPatchAt;
  if (watch.lastSyncAt === 0) watch.lastSyncAt = cluster!.lastSyncAt;
  if (--watch.pending > 0) return;
  reportWatch();
}

/** Posts what the watch saw so far and ends it. */
function reportWatch(): void {
  if (!watch) return;
  const seen = (m: Member) => m.seenAt ?? Number.NaN;
  post({
    type: "seen",
    seen: { id: watch.spec.id, seenAt: members.map(seen), arrivedAt: members.map((m) => (m.seenAt === null ? Number.NaN : m.arrivedAt)), lastSyncAt: watch.lastSyncAt },
  });
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
      const reason = describe(error);
      joinRetries.set(reason, (joinRetries.get(reason) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, JOIN_RETRY_DELAY_MS));
    }
  }
}

async function joinOne(): Promise<{ ms: number; bytes: number }> {
  const started = nowMs();
  const room = await joinRoom();
  const socket = (room.connection.transport as unknown as { ws: object }).ws;
  const tally = tallies.get(socket);
  if (!tally) throw new Error("the SDK did not open its socket through the counting WebSocket");
  const dropped = (code: number, reason?: string) => {
    if (leaving) return;
    const key = `${code}${reason ? ` ${reason}` : ""}`;
    drops.set(key, (drops.get(key) ?? 0) + 1);
  };
  room.onDrop(dropped);
  room.onLeave(dropped);
  await until(room, (state) => guestCount(state) >= setup.expectedGuests, JOIN_TIMEOUT_MS);
  const ms = nowMs() - started;
  const first = members.length === 0 && setup.keepLog;
  if (first) tally.log = [];
  const member: Member = { room, tally, seenAt: null, arrivedAt: 0, reportsSyncs: first, lastSyncAt: 0 };
  members.push(member);
  room.onStateChange((state) => onState(member, state));
  return { ms, bytes: tally.fullStateBytes };
}

/** Joins `count` clients, at most `concurrency` at a time. */
async function join(count: number, concurrency: number): Promise<JoinResult> {
  const result: JoinResult = { joinMs: [], fullStateBytes: [] };
  let left = count;
  const runner = async () => {
    while (left > 0) {
      left--;
      const joined = await joinOne();
      result.joinMs.push(joined.ms);
      result.fullStateBytes.push(joined.bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, runner));
  return result;
}

function arm(spec: Watch): void {
  if (watch) throw new Error(`change ${spec.id} armed while change ${watch.spec.id} is still pending`);
  for (const m of members) {
    m.seenAt = null;
    const guest = m.room.state.clusters.get(setup.clusterId)?.hosts.get(spec.node)?.guests.get(String(spec.vmid));
    if (guest?.[spec.field] === spec.value) throw new Error(`guest ${spec.vmid} already has ${spec.field}=${spec.value} before the change`);
  }
  watch = { spec, pending: members.length, lastSyncAt: 0 };
}

function totals(): ClientTotals {
  const sum = (pick: (t: Tally) => number) => members.reduce((n, m) => n + pick(m.tally), 0);
  return {
    clients: members.length,
    fullStateBytes: sum((t) => t.fullStateBytes),
    patchBytes: sum((t) => t.patchBytes),
    patches: sum((t) => t.patches),
    otherBytes: sum((t) => t.otherBytes),
    drops: Object.fromEntries(drops),
    staleConnectionRetries,
    joinRetries: Object.fromEntries(joinRetries),
  };
}

async function leaveAll(): Promise<void> {
  leaving = true;
  await Promise.all(members.map((m) => m.room.leave(true).catch(() => undefined)));
}

/** The error and its causes ("fetch failed" alone names no reason). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(" ← ");
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
        return { type: "log", log: { patches: members[0]?.tally.log ?? [], totals: totals() } };
      case "leave":
        await leaveAll();
        return { type: "left" };
    }
  };
  run().then(post, (error: unknown) => {
    const fetchCause = lastFetchFailure && describe(error).includes("fetch failed") ? ` (request: ${lastFetchFailure})` : "";
    post({ type: "error", message: `${describe(error)}${fetchCause}` });
  });
});

post({ type: "ready" });
