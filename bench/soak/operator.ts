import pg from "pg";
import type { Simulator } from "../../server/src/simulator/index.ts";
import { CLUSTER_ID } from "../sync/scenario.ts";
import { nowMs } from "../sync/stats.ts";

export type PowerAction = "start" | "stop" | "reboot";

export interface EndedOperation {
  action: PowerAction;
  state: "succeeded" | "failed";
  error: string;
  /** Server clock: created → started (the job picked up and sent to Proxmox) and created → finished. */
  dispatchMs: number;
  totalMs: number;
}

export interface OperatorTally {
  /** Accepted with 202 and an operation id. */
  submitted: number;
  /** Refused by the server with a typed rejection (busy, invalid_state, cluster_offline, …), by code. */
  rejected: Record<string, number>;
  /** Answers that are not a 202 or a typed rejection, and requests that got no answer. */
  requestErrors: Record<string, number>;
  /** HTTP round trip of each accepted submission (ms), by the fault phase it was submitted in. */
  acceptMs: Record<string, number[]>;
  ended: EndedOperation[];
}

const TRACK_EVERY_MS = 1000;

interface Open {
  action: PowerAction;
  vmid: number;
}

/**
 * An operator at the HTTP API: submits start, stop and reboot of random guests at a steady rate
 * (never two at once on one guest, as the hall's buttons would not offer it), and follows each
 * operation in Postgres until it ends.
 */
export class Operator {
  readonly tally: OperatorTally = { submitted: 0, rejected: {}, requestErrors: {}, acceptMs: {}, ended: [] };
  readonly #open = new Map<string, Open>();
  readonly #busyGuests = new Set<number>();
  readonly #vmids: number[];
  readonly #db: pg.Pool;
  #submitTimer: NodeJS.Timeout | null = null;
  #trackTimer: NodeJS.Timeout | null = null;
  #tracking: Promise<void> = Promise.resolve();
  readonly #submissions = new Set<Promise<void>>();

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly sim: Simulator,
    databaseUrl: string,
    private readonly random: () => number,
    private readonly phase: () => string,
  ) {
    this.#vmids = sim.model.listGuests().filter((g) => !g.template).map((g) => g.vmid);
    this.#db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  }

  start(opsPerSecond: number): void {
    this.#submitTimer = setInterval(() => {
      const submission = this.#submitOne().finally(() => this.#submissions.delete(submission));
      this.#submissions.add(submission);
    }, 1000 / opsPerSecond);
    this.#trackTimer = setInterval(() => {
      this.#tracking = this.#tracking.then(() => this.#track());
    }, TRACK_EVERY_MS);
  }

  /** Stops submitting and waits for the submissions in flight to be answered. */
  async stopSubmitting(): Promise<void> {
    if (this.#submitTimer) clearInterval(this.#submitTimer);
    await Promise.allSettled([...this.#submissions]);
  }

  get openCount(): number {
    return this.#open.size;
  }

  /** Follows the open operations until none is left or the grace period ends; returns the ones still open (lost). */
  async drain(graceMs: number): Promise<Open[]> {
    const deadline = nowMs() + graceMs;
    while (this.#open.size > 0 && nowMs() < deadline) await new Promise((resolve) => setTimeout(resolve, TRACK_EVERY_MS));
    if (this.#trackTimer) clearInterval(this.#trackTimer);
    await this.#tracking;
    await this.#track();
    return [...this.#open.values()];
  }

  async close(): Promise<void> {
    if (this.#submitTimer) clearInterval(this.#submitTimer);
    if (this.#trackTimer) clearInterval(this.#trackTimer);
    await this.#tracking.catch(() => undefined);
    await this.#db.end();
  }

  async #submitOne(): Promise<void> {
    const guest = this.#pickGuest();
    if (!guest) return;
    const action: PowerAction = guest.status === "running" ? (this.random() < 0.5 ? "stop" : "reboot") : "start";
    this.#busyGuests.add(guest.vmid);
    const started = nowMs();
    const phase = this.phase();
    let accepted = false;
    try {
      const response = await fetch(`${this.baseUrl}/api/guests/${CLUSTER_ID}/${guest.vmid}/actions/${action}`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: "{}",
      });
      const body = (await response.json().catch(() => ({}))) as { operationId?: unknown; code?: unknown };
      if (response.status === 202 && typeof body.operationId === "string") {
        accepted = true;
        this.tally.submitted++;
        (this.tally.acceptMs[phase] ??= []).push(nowMs() - started);
        this.#open.set(body.operationId, { action, vmid: guest.vmid });
      } else if (typeof body.code === "string" && body.code !== "internal") {
        // A typed refusal, 503 cluster_offline included: the server said why.
        count(this.tally.rejected, body.code);
      } else {
        count(this.tally.requestErrors, `HTTP ${response.status}${typeof body.code === "string" ? ` ${body.code}` : ""}`);
      }
    } catch (error) {
      count(this.tally.requestErrors, error instanceof Error ? error.message.slice(0, 80) : String(error));
    } finally {
      if (!accepted) this.#busyGuests.delete(guest.vmid);
    }
  }

  #pickGuest(): { vmid: number; status: string } | undefined {
    for (let attempt = 0; attempt < 20; attempt++) {
      const vmid = this.#vmids[Math.floor(this.random() * this.#vmids.length)]!;
      if (this.#busyGuests.has(vmid)) continue;
      const guest = this.sim.model.getGuest(vmid);
      if (guest && !guest.lock) return guest;
    }
    return undefined;
  }

  async #track(): Promise<void> {
    if (this.#open.size === 0) return;
    const { rows } = await this.#db.query<{ id: string; state: string; error: string | null; dispatch_ms: number | null; total_ms: number | null }>(
      `SELECT id::text AS id, state, error,
              EXTRACT(EPOCH FROM (started_at - created_at)) * 1000 AS dispatch_ms,
              EXTRACT(EPOCH FROM (finished_at - created_at)) * 1000 AS total_ms
         FROM operations WHERE id::text = ANY($1::text[]) AND state IN ('succeeded', 'failed')`,
      [[...this.#open.keys()]],
    );
    for (const row of rows) {
      const open = this.#open.get(row.id);
      if (!open) continue;
      this.#open.delete(row.id);
      this.#busyGuests.delete(open.vmid);
      this.tally.ended.push({
        action: open.action,
        state: row.state as EndedOperation["state"],
        error: row.error ?? "",
        dispatchMs: Number(row.dispatch_ms ?? Number.NaN),
        totalMs: Number(row.total_ms ?? Number.NaN),
      });
    }
  }
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}
