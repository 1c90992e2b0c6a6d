/** Messages between the benchmark (main thread) and its client worker threads. */

export interface WorkerSetup {
  wsUrl: string;
  /** Session token the clients join with; null for a server without accounts. */
  token: string | null;
  clusterId: string;
  /** Guests the full state must hold before a join counts as done. */
  expectedGuests: number;
  /** This worker's first client records every patch and sync it sees (the per-cycle log). */
  keepLog: boolean;
}

/** A field of one guest that a change makes every client wait for. */
export interface Watch {
  id: number;
  node: string;
  vmid: number;
  field: "status" | "name";
  value: string;
}

export type ToWorker =
  | { type: "join"; count: number; concurrency: number }
  | { type: "watch"; watch: Watch }
  /** Stop waiting for a change: clients that have not shown it are reported with NaN. */
  | { type: "unwatch"; id: number }
  | { type: "log" }
  | { type: "leave" };

export interface JoinResult {
  /** joinOrCreate call → the state holds every guest, per client. */
  joinMs: number[];
  /** Bytes of each client's ROOM_STATE (full state) message. */
  fullStateBytes: number[];
}

export interface Seen {
  id: number;
  /** When each client had the change in its state (epoch ms, sub-ms); NaN if it had not when the wait ended. */
  seenAt: number[];
  /** When the patch that carried it reached each client's socket, before decoding. */
  arrivedAt: number[];
  /** The cluster's lastSyncAt in the state that first showed the change: when that sync cycle ended (server clock). */
  lastSyncAt: number;
}

export interface ClientTotals {
  /** Clients still connected. */
  clients: number;
  fullStateBytes: number;
  patchBytes: number;
  patches: number;
  otherBytes: number;
  /** Connections that dropped or were closed during the run, by close code and reason. */
  drops: Record<string, number>;
  /** Matchmaking requests sent again after Node's fetch reused a kept-alive connection the server was closing. */
  staleConnectionRetries: number;
  /** Joins that failed and were tried again, by reason. */
  joinRetries: Record<string, number>;
}

/** One ROOM_STATE_PATCH the first client received. */
export interface PatchRecord {
  at: number;
  bytes: number;
  /** The cluster's lastSyncAt once the patch was applied: which sync cycle it belongs to. */
  lastSyncAt: number;
}

export interface WorkerLog {
  /** First client: every ROOM_STATE_PATCH it received. */
  patches: PatchRecord[];
  totals: ClientTotals;
}

export type FromWorker =
  | { type: "ready" }
  | { type: "joined"; result: JoinResult }
  | { type: "armed"; id: number }
  | { type: "seen"; seen: Seen }
  /** The first client saw a new cluster.lastSyncAt: one sync cycle ended. */
  | { type: "sync"; at: number; lastSyncAt: number }
  | { type: "log"; log: WorkerLog }
  | { type: "left" }
  | { type: "error"; message: string };
