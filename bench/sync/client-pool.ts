import { Worker } from "node:worker_threads";
import type { ClientTotals, FromWorker, Seen, ToWorker, Watch, WorkerLog, WorkerSetup } from "./worker-protocol.ts";

type Reply<T extends FromWorker["type"]> = Extract<FromWorker, { type: T }>;

/** One worker thread and its replies, matched to requests in order per reply type. */
class ClientWorker {
  readonly #waiting = new Map<string, { resolve(m: FromWorker): void; reject(e: Error): void }[]>();
  #failure: Error | null = null;

  constructor(
    readonly thread: Worker,
    private readonly onUnrequested: (message: FromWorker) => void,
  ) {
    thread.on("message", (message: FromWorker) => {
      if (message.type === "error") return this.#fail(new Error(`client worker: ${message.message}`));
      const key = message.type === "seen" ? `seen:${message.seen.id}` : message.type;
      const waiter = this.#waiting.get(key)?.shift();
      if (waiter) waiter.resolve(message);
      else this.onUnrequested(message);
    });
    thread.on("error", (error) => this.#fail(error));
    thread.on("exit", (code) => this.#fail(new Error(`client worker exited (code ${code})`)));
  }

  expect<T extends FromWorker["type"]>(type: T, key: string = type): Promise<Reply<T>> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const list = this.#waiting.get(key) ?? [];
      list.push({ resolve: resolve as (m: FromWorker) => void, reject });
      this.#waiting.set(key, list);
    });
  }

  request<T extends FromWorker["type"]>(message: ToWorker, reply: T, key?: string): Promise<Reply<T>> {
    const answer = this.expect(reply, key);
    this.thread.postMessage(message);
    return answer;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const list of this.#waiting.values()) for (const waiter of list.splice(0)) waiter.reject(error);
  }
}

export interface SyncSeen {
  /** When the first client saw the cluster's new lastSyncAt (epoch ms). */
  at: number;
  lastSyncAt: number;
}

export interface JoinFigures {
  /** The first client, joining alone. */
  solo: { ms: number; fullStateBytes: number };
  /** Every other client, joining while others join too. */
  herdMs: number[];
  /** From the first of the other clients starting to join until all of them had the full state. */
  herdWallMs: number;
}

/**
 * The benchmark's clients, spread over worker threads. Worker 0's first client also reports every
 * sync cycle it sees and logs every patch, for the per-cycle figures.
 */
export class ClientPool {
  readonly syncs: SyncSeen[] = [];
  readonly #syncWaiters: ((s: SyncSeen) => void)[] = [];

  private constructor(
    private readonly workers: ClientWorker[],
    private readonly clients: number,
  ) {}

  static async start(setup: Omit<WorkerSetup, "keepLog">, clients: number, threads: number): Promise<ClientPool> {
    const workers: ClientWorker[] = [];
    const pool = new ClientPool(workers, clients);
    for (let i = 0; i < Math.min(threads, clients); i++) {
      const thread = new Worker(new URL("./clients-worker.ts", import.meta.url), { workerData: { ...setup, keepLog: i === 0 } satisfies WorkerSetup });
      const worker = new ClientWorker(thread, (m) => pool.#unrequested(m));
      workers.push(worker);
    }
    try {
      await Promise.all(workers.map((w) => w.expect("ready")));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Client 0 joins alone, then the rest, spread evenly over the workers, `concurrency` at a time per worker. */
  async join(concurrency: number): Promise<JoinFigures> {
    const solo = (await this.workers[0]!.request({ type: "join", count: 1, concurrency: 1 }, "joined")).result;
    const n = this.workers.length;
    const share = this.workers.map((_, i) => Math.floor((this.clients + n - 1 - i) / n) - (i === 0 ? 1 : 0));
    const started = performance.now();
    const herd = await Promise.all(this.workers.map((w, i) => (share[i]! > 0 ? w.request({ type: "join", count: share[i]!, concurrency }, "joined") : null)));
    return {
      solo: { ms: solo.joinMs[0]!, fullStateBytes: solo.fullStateBytes[0]! },
      herdMs: herd.flatMap((h) => h?.result.joinMs ?? []),
      herdWallMs: performance.now() - started,
    };
  }

  /**
   * Arms every client to watch for a change; resolves once armed, with a promise of every client
   * having seen it, and `giveUp`, which settles that promise with what was seen so far.
   */
  async watch(spec: Watch): Promise<{ seen: Promise<Seen>; giveUp(): void }> {
    const seen = this.workers.map((w) => w.expect("seen", `seen:${spec.id}`));
    await Promise.all(this.workers.map((w) => w.request({ type: "watch", watch: spec }, "armed")));
    const all = Promise.all(seen).then((parts) => ({
      id: spec.id,
      seenAt: parts.flatMap((p) => p.seen.seenAt),
      arrivedAt: parts.flatMap((p) => p.seen.arrivedAt),
      lastSyncAt: parts[0]!.seen.lastSyncAt,
    }));
    // Marked handled here: a worker failing before the caller awaits must not crash the process.
    all.catch(() => undefined);
    return { seen: all, giveUp: () => this.workers.forEach((w) => w.thread.postMessage({ type: "unwatch", id: spec.id } satisfies ToWorker)) };
  }

  /** The next sync cycle the first client sees. */
  nextSync(): Promise<SyncSeen> {
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  async log(): Promise<{ patches: WorkerLog["patches"]; totals: ClientTotals }> {
    const logs = await Promise.all(this.workers.map((w) => w.request({ type: "log" }, "log")));
    const totals = logs.map((l) => l.log.totals).reduce((a, b) => ({
      clients: a.clients + b.clients,
      fullStateBytes: a.fullStateBytes + b.fullStateBytes,
      patchBytes: a.patchBytes + b.patchBytes,
      patches: a.patches + b.patches,
      otherBytes: a.otherBytes + b.otherBytes,
      drops: mergeCounts(a.drops, b.drops),
      staleConnectionRetries: a.staleConnectionRetries + b.staleConnectionRetries,
      joinRetries: mergeCounts(a.joinRetries, b.joinRetries),
    }));
    return { patches: logs[0]!.log.patches, totals };
  }

  /** Leaves the room from every client (bounded wait), then ends the threads. */
  async close(): Promise<void> {
    await Promise.race([
      Promise.allSettled(this.workers.map((w) => w.request({ type: "leave" }, "left"))),
      new Promise((resolve) => setTimeout(resolve, 5000).unref()),
    ]);
    await Promise.all(this.workers.map((w) => w.thread.terminate()));
  }

  #unrequested(message: FromWorker): void {
    if (message.type !== "sync") return;
    const s = { at: message.at, lastSyncAt: message.lastSyncAt };
    this.syncs.push(s);
    for (const resolve of this.#syncWaiters.splice(0)) resolve(s);
  }
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const merged = { ...a };
  for (const [key, n] of Object.entries(b)) merged[key] = (merged[key] ?? 0) + n;
  return merged;
}
