import os from "node:os";
import pg from "pg";
import { ADMIN_DATABASE_URL } from "../../test/support/database.ts";
import type { BenchOptions } from "./options.ts";

/** The conditions a run's figures hold for, printed above them. */
export async function describeConditions(options: BenchOptions): Promise<string[]> {
  const cpus = os.cpus();
  const db = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  let database: string;
  try {
    await db.connect();
    const { rows } = await db.query<{ server_version: string }>("SHOW server_version");
    database = `PostgreSQL ${rows[0]!.server_version} at ${new URL(ADMIN_DATABASE_URL).host} (a fresh database per scenario, dropped after)`;
  } finally {
    await db.end().catch(() => undefined);
  }
  return [
    `date:             ${new Date().toISOString()}`,
    `machine:          ${os.availableParallelism()} cores, ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}`,
    `node:             ${process.version}`,
    `database:         ${database}`,
    `server:           own process (node --import tsx server/src/main.ts), ws transport, LOG_LEVEL=warn, SYNC_INTERVAL_MS=${options.syncIntervalMs},`,
    `                  heap cap ${options.serverHeapMiB > 0 ? `${options.serverHeapMiB} MiB (--max-old-space-size)` : "V8's default"}${options.serverNodeOptions ? `, NODE_OPTIONS ${options.serverNodeOptions}` : ""}`,
    `simulator:        in the benchmark process, HTTPS; status broadcast and metrics tick every ${options.statusRefreshMs} ms (pvestatd-like);`,
    `                  ceil(guests / 50) nodes, at most 50 (20 for 1,000 guests, 50 for 10,000), about 70 % of guests running`,
    `load before run:  ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15-min load average; other work on the machine competes with the figures)`,
    `clients:          real @colyseus/sdk over WebSocket, in ${options.workers} worker thread(s) of the benchmark process (same machine as the server);`,
    `                  the first joins alone, then the others ${options.joinConcurrency} at a time per worker thread`,
    `changes:          ${options.cycles} per scenario, rotating start / stop / rename of a random guest, each at a random point of the poll interval;`,
    `                  each change is followed at once by a forced status broadcast (refreshStatusNow), so latency counts from the`,
    `                  moment the change is visible in the Proxmox API: Proximity's own latency, without pvestatd's up-to-10 s delay`,
  ];
}
