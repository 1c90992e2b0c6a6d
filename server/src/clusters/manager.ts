import { deleteCluster, listClusters, upsertCluster, type ClusterConnectionRow } from "../db/clusters.ts";
import type { Sql } from "../db/sql.ts";
import type { Feed } from "../feed/feed.ts";
import type { Logger } from "../log.ts";
import type { SecretBox } from "../secrets/box.ts";
import { ClusterSync } from "../sync/poller.ts";
import { clientForCluster, clientFromRow } from "./connect.ts";
import type { ClusterRegistry } from "./registry.ts";

export interface ClusterManagerDeps {
  sql: Sql;
  box: SecretBox;
  feed: Feed;
  log: Logger;
  now: () => Date;
  clusters: ClusterRegistry;
  syncIntervalMs: number;
}

export type NewCluster = Omit<ClusterConnectionRow, "caPem" | "insecure"> & { name: string };

/** Adds and removes Proxmox connections while the server runs: each with its client and its sync loop. */
export class ClusterManager {
  readonly syncs = new Map<string, ClusterSync>();

  constructor(private readonly deps: ClusterManagerDeps) {}

  /** Opens every stored cluster; syncs start with `startSyncs`, once the world listens. */
  async openAll(): Promise<void> {
    for (const c of await listClusters(this.deps.sql)) {
      this.deps.clusters.set(c.id, await clientForCluster(this.deps.sql, this.deps.box, c.id, this.deps.log));
      this.syncs.set(c.id, this.#syncFor(c.id, c.name));
    }
  }

  startSyncs(): void {
    for (const sync of this.syncs.values()) sync.start();
  }

  /** Checks the connection (the pinned fingerprint and the token must work) before anything is stored. */
  async add(cluster: NewCluster): Promise<{ ok: true; version: string } | { ok: false; message: string }> {
    if (this.deps.clusters.get(cluster.id)) return { ok: false, message: `A cluster with id ${cluster.id} exists already.` };
    const row: ClusterConnectionRow = { ...cluster, caPem: null, insecure: false };
    const client = clientFromRow(row, this.deps.log);
    let version: string;
    try {
      version = (await client.version()).version;
    } catch (error) {
      await client.close();
      return { ok: false, message: `Connection test failed: ${(error as Error).message}` };
    }
    await upsertCluster(this.deps.sql, this.deps.box, { ...row, name: cluster.name });
    this.deps.clusters.set(cluster.id, client);
    const sync = this.#syncFor(cluster.id, cluster.name);
    this.syncs.set(cluster.id, sync);
    sync.start();
    this.deps.log.info({ clusterId: cluster.id, version }, "cluster added");
    return { ok: true, version };
  }

  async remove(id: string): Promise<boolean> {
    await this.syncs.get(id)?.stop();
    this.syncs.delete(id);
    await this.deps.clusters.remove(id);
    const removed = await deleteCluster(this.deps.sql, id);
    if (removed) this.deps.feed.publish({ type: "cluster.removed", clusterId: id });
    return removed;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.syncs.values()].map((s) => s.stop()));
  }

  #syncFor(id: string, name: string): ClusterSync {
    const { sql, feed, log, now, syncIntervalMs } = this.deps;
    return new ClusterSync({ sql, feed, log, now }, { id, name }, this.deps.clusters.get(id)!, syncIntervalMs);
  }
}
