import { fromPglite, PgBoss } from "pg-boss";
import type { Database } from "../db/connect.ts";
import type { Sql } from "../db/sql.ts";
import type { Logger } from "../log.ts";

/**
 * pg-boss finds the job of a worker that died (heartbeat lost) only in its supervise pass, which runs
 * every 60 s by default: an operation would wait up to heartbeatSeconds + 60 s after a crash. Every
 * 5 s keeps that close to the heartbeat; the pass is a few indexed queries per queue.
 */
const SUPERVISION = { superviseIntervalSeconds: 5, monitorIntervalSeconds: 5 } as const;

/** pg-boss on the same database as everything else, so a job and its operation row commit together. */
export async function startBoss(db: Database, log: Logger): Promise<PgBoss> {
  const boss =
    db.backend.kind === "postgres"
      ? new PgBoss({ connectionString: db.backend.url, useListenNotify: true, max: 4, ...SUPERVISION })
      : new PgBoss({ db: fromPglite(db.backend.pglite), backend: "pglite", useListenNotify: true, ...SUPERVISION });
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));
  boss.on("warning", (warning) => log.warn({ warning }, "job queue warning"));
  await boss.start();
  return boss;
}

/** Lets `boss.send(..., { db })` join the caller's transaction. */
export function bossDb(tx: Sql): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => tx.query(text, values) };
}
