import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { DEFAULT_SERVER_HEAP_MIB } from "../sync/options.ts";

export interface SoakOptions {
  minutes: number;
  guests: number;
  clients: number;
  /** Operations (start, stop, reboot) the operator submits per second. */
  opsPerSecond: number;
  /** After the last submission, how long an operation may take to end before it counts as lost. */
  graceSeconds: number;
  /** Memory samples of the server, every this many seconds. */
  sampleSeconds: number;
  /** Length of each fault phase (API errors, unreachable node, slow tasks, calm). */
  faultPhaseSeconds: number;
  syncIntervalMs: number;
  statusRefreshMs: number;
  workers: number;
  joinConcurrency: number;
  seed: number;
  serverHeapMiB: number;
  serverNodeOptions: string;
}

export const USAGE = `Usage: npm run bench:soak -- [options]

  --minutes N           length of the soak, submitting operations throughout (default 10; 1..1440)
  --guests N            simulated guests (default 10000; 1..10000)
  --clients N           connected clients (default 100; 1..500)
  --ops-per-second N    operations the operator submits per second, may be fractional (default 1)
  --grace S             seconds an operation may still take after the last submission (default 120)
  --sample S            seconds between memory samples of the server (default 5)
  --fault-phase S       seconds of each fault phase: API errors, an unreachable node, slow tasks, calm (default 30)
  --interval MS         SYNC_INTERVAL_MS of the server (default 2000)
  --status-refresh MS   simulator status broadcast and metrics tick, like pvestatd (default 10000)
  --workers N           worker threads holding the clients (default: CPU cores)
  --join-concurrency N  clients of one worker joining at the same time (default 4)
  --seed N              seed of the estate, the operations and the faults (default 1)
  --server-heap-mib N   the server's heap cap, --max-old-space-size (default ${DEFAULT_SERVER_HEAP_MIB}; 0 = V8's default)
  --server-node-options="FLAGS"  more NODE_OPTIONS for the server process
  --help                this text`;

function number(name: string, raw: string, min: number, max: number, integer = true): number {
  const value = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isSafeInteger(value))) {
    throw new RangeError(`--${name} must be ${integer ? "an integer" : "a number"} in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Parses the command line; throws a RangeError naming the bad option. */
export function parseSoakOptions(argv: string[]): SoakOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      minutes: { type: "string" },
      guests: { type: "string" },
      clients: { type: "string" },
      "ops-per-second": { type: "string" },
      grace: { type: "string" },
      sample: { type: "string" },
      "fault-phase": { type: "string" },
      interval: { type: "string" },
      "status-refresh": { type: "string" },
      workers: { type: "string" },
      "join-concurrency": { type: "string" },
      seed: { type: "string" },
      "server-heap-mib": { type: "string" },
      "server-node-options": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return "help";
  return {
    minutes: number("minutes", values.minutes ?? "10", 1, 1440),
    guests: number("guests", values.guests ?? "10000", 1, 10_000),
    clients: number("clients", values.clients ?? "100", 1, 500),
    opsPerSecond: number("ops-per-second", values["ops-per-second"] ?? "1", 0.01, 50, false),
    graceSeconds: number("grace", values.grace ?? "120", 0, 3600),
    sampleSeconds: number("sample", values.sample ?? "5", 1, 600),
    faultPhaseSeconds: number("fault-phase", values["fault-phase"] ?? "30", 1, 3600),
    syncIntervalMs: number("interval", values.interval ?? "2000", 250, 600_000),
    statusRefreshMs: number("status-refresh", values["status-refresh"] ?? "10000", 100, 3_600_000),
    workers: number("workers", values.workers ?? String(availableParallelism()), 1, 64),
    joinConcurrency: number("join-concurrency", values["join-concurrency"] ?? "4", 1, 500),
    seed: number("seed", values.seed ?? "1", 0, 2 ** 32 - 1),
    serverHeapMiB: number("server-heap-mib", values["server-heap-mib"] ?? String(DEFAULT_SERVER_HEAP_MIB), 0, 65_536),
    serverNodeOptions: values["server-node-options"] ?? "",
  };
}
