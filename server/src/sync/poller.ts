import type { ClusterStatus } from "../../../shared/src/protocol.ts";
import { recordClusterSync } from "../db/clusters.ts";
import { loadKnownEstate, writeEstateChanges } from "../db/estate.ts";
import type { Sql } from "../db/sql.ts";
import type { Feed } from "../feed/feed.ts";
import type { Logger } from "../log.ts";
import type { ProxmoxClient } from "../proxmox/index.ts";
import { applyToKnown, diffEstate } from "./diff.ts";
import { hasChanges, type EstateChanges, type KnownEstate, type PlacedHost } from "./model.ts";
import { observeEstate } from "./observe.ts";
import { delayToNextStart } from "./schedule.ts";
import { worldUpdate, type SentEstate } from "./world-update.ts";

export interface SyncContext {
  sql: Sql;
  feed: Feed;
  log: Logger;
  now: () => Date;
}

export interface CycleResult {
  ok: boolean;
  changes: EstateChanges | null;
  error?: string;
}

/** Longest wait between attempts while a cluster is unreachable. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps one cluster's rows and world projection equal to what Proxmox reports: two API calls per
 * cycle whatever the estate's size, one cycle starting every interval. An unreachable cluster is
 * marked offline and retried with backoff; what is known about it stays.
 */
export class ClusterSync {
  #known: KnownEstate | null = null;
  /** What the world was last sent; null makes the next estate event full. */
  #sent: SentEstate | null = null;
  #status: ClusterStatus = "connecting";
  #failures = 0;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #cycle: Promise<CycleResult> | null = null;
  #next: Promise<CycleResult> | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ctx: SyncContext,
    private readonly cluster: { id: string; name: string },
    private readonly client: ProxmoxClient,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.#stopped = false;
    this.#known = null;
    this.#sent = null;
    this.#unsubscribe = this.ctx.feed.subscribe((event) => {
      // Another writer (the reconciler) changed this cluster's rows: diff against Postgres afresh.
      if (event.type === "estate.rewritten" && event.clusterId === this.cluster.id) this.#known = null;
      // A projection that subscribed after earlier updates cannot apply a partial one.
      if (event.type === "estate.resend") this.#sent = null;
    });
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#cycle?.catch(() => undefined);
  }

  /**
   * A cycle that reads Proxmox after this call: one under way read it before, so the caller waits for it
   * and then for the next, which every caller waiting meanwhile shares.
   */
  runCycle(): Promise<CycleResult> {
    if (this.#cycle) {
      this.#next ??= this.#cycle.then(() => {
        this.#next = null;
        return this.runCycle();
      });
      return this.#next;
    }
    this.#cycle = this.#runCycle().finally(() => {
      this.#cycle = null;
    });
    return this.#cycle;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const startedAt = this.ctx.now().getTime();
      void this.runCycle().then((result) => {
        const backoff = Math.min(this.intervalMs * 2 ** this.#failures, MAX_BACKOFF_MS);
        this.#schedule(result.ok ? delayToNextStart(startedAt, this.ctx.now().getTime(), this.intervalMs) : backoff);
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #runCycle(): Promise<CycleResult> {
    const { sql, feed, log } = this.ctx;
    const clusterId = this.cluster.id;
    let changes: EstateChanges | null = null;
    try {
      // Held locally: the reconciler may reset #known while this cycle awaits Proxmox.
      const known = (this.#known ??= await loadKnownEstate(sql, clusterId));
      const [resources, tasks] = await Promise.all([this.client.clusterResources(), this.client.clusterTasks()]);
      const ownUpids = await this.#ownRunningUpids();
      const observed = observeEstate(resources, tasks, ownUpids, this.#sent?.guests);
      changes = diffEstate(clusterId, known, observed);
      const diff = changes;
      const changed = hasChanges(diff);
      // The world shows what Proxmox just said before Postgres records it: clients should not wait for the
      // writes. Should they fail, the cycle fails, and the next one diffs against Postgres and sends it all again.
      if (changed) applyToKnown(known, diff);
      const now = this.ctx.now();
      this.#publishStatus("online", "", now);
      const hosts = observed.hosts.flatMap((h): PlacedHost[] => {
        const placed = known.hosts.get(h.node);
        return placed ? [{ ...h, rackId: placed.rackId, slot: placed.slot }] : [];
      });
      // Read here, not before the awaits above: an estate.resend meanwhile must make this update full.
      const { update, sent } = worldUpdate(this.#sent, hosts, observed.guests);
      this.#sent = sent;
      feed.publish({ type: "estate", clusterId, ...update });
      try {
        if (changed) await sql.transaction((tx) => writeEstateChanges(tx, clusterId, diff));
        await recordClusterSync(sql, clusterId, { status: "online", error: "", at: now });
      } catch (error) {
        this.#known = null;
        throw error;
      }
      this.#failures = 0;
      return { ok: true, changes };
    } catch (error) {
      this.#failures++;
      // The world keeps what it was last sent, but the first cycle after an outage sends it all again.
      this.#sent = null;
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ clusterId, failures: this.#failures, err: message }, "cluster sync failed");
      await this.#setStatus("offline", message, null).catch((e: unknown) =>
        log.error({ clusterId, err: e instanceof Error ? e.message : String(e) }, "could not record cluster status"),
      );
      return { ok: false, changes, error: message };
    }
  }

  async #ownRunningUpids(): Promise<Set<string>> {
    const { rows } = await this.ctx.sql.query<{ upid: string }>(
      "SELECT upid FROM operations WHERE cluster_id = $1 AND state = 'running' AND upid IS NOT NULL",
      [this.cluster.id],
    );
    return new Set(rows.map((r) => r.upid));
  }

  async #setStatus(status: ClusterStatus, error: string, at: Date | null): Promise<void> {
    await recordClusterSync(this.ctx.sql, this.cluster.id, { status, error, at });
    this.#publishStatus(status, error, at);
  }

  #publishStatus(status: ClusterStatus, error: string, at: Date | null): void {
    this.#status = status;
    this.ctx.feed.publish({
      type: "cluster",
      clusterId: this.cluster.id,
      name: this.cluster.name,
      status,
      error,
      lastSyncAt: at?.getTime() ?? 0,
    });
  }

  get status(): ClusterStatus {
    return this.#status;
  }
}
