import type { PgBoss } from "pg-boss";
import type { ClusterRegistry } from "../clusters/registry.ts";
import type { Sql } from "../db/sql.ts";
import type { Feed } from "../feed/feed.ts";
import type { Catalog } from "../catalog/index.ts";
import type { Logger } from "../log.ts";
import type { SecretBox } from "../secrets/box.ts";

/** Everything an operation needs, passed in so tests build it without a server. */
export interface OperationContext {
  sql: Sql;
  boss: PgBoss;
  feed: Feed;
  clusters: ClusterRegistry;
  log: Logger;
  /** Seals what must not be stored in plain text (deployment secrets). */
  box: SecretBox;
  /** The app catalog as last loaded. */
  catalog: () => Catalog;
  now: () => Date;
  /** How often a running Proxmox task is polled. */
  taskPollMs: number;
}
