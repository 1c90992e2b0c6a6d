import type { PgBoss } from "pg-boss";
import type { ClusterRegistry } from "../clusters/registry.ts";
import type { Sql } from "../db/sql.ts";
import type { Feed } from "../feed/feed.ts";
import type { Logger } from "../log.ts";

/** Everything an operation needs, passed in so tests build it without a server. */
export interface OperationContext {
  sql: Sql;
  boss: PgBoss;
  feed: Feed;
  clusters: ClusterRegistry;
  log: Logger;
  now: () => Date;
  /** How often a running Proxmox task is polled. */
  taskPollMs: number;
}
