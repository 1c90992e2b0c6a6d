import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

export interface BenchOptions {
  guests: number[];
  clients: number[];
  /** Measured changes per scenario. */
  cycles: number;
  /** Sync cycles watched with no measured change. */
  idleCycles: number;
  syncIntervalMs: number;
  statusRefreshMs: number;
  workers: number;
  /** Clients of one worker joining at the same time. */
  joinConcurrency: number;
  seed: number;
  /** NODE_OPTIONS for the server process, for profiling (e.g. "--cpu-prof --cpu-prof-dir=prof"). */
  serverNodeOptions: string;
  /** The server's V8 heap cap (--max-old-space-size), as a deployment should set it; 0 leaves V8's default. */
  serverHeapMiB: number;
}

/** What the server needs at 10,000 guests and 100 clients (about 150 MiB live), with room for a cycle's garbage. */
export const DEFAULT_SERVER_HEAP_MIB = 256;

export const USAGE = `Usage: npm run bench:sync -- [options]

  --guests N[,N]      simulated guests per scenario (default 1000,10000; 1..10000)
  --clients N[,N]     connected clients per scenario (default 10,100; 1..500)
  --cycles N          measured changes per scenario (default 20)
  --idle-cycles N     sync cycles watched without a change (default 6)
  --interval MS       SYNC_INTERVAL_MS of the server (default 2000)
  --status-refresh MS simulator status broadcast and metrics tick, like pvestatd (default 10000)
  --workers N         worker threads holding the clients (default: CPU cores)
  --join-concurrency N  clients of one worker joining at the same time (default 4)
  --seed N            seed of the simulated estate and of the changes (default 1)
  --server-heap-mib N the server's heap cap, --max-old-space-size (default 256, as BENCHMARKS.md recommends
                      for deployments; 0 = V8's default, which lets the heap grow with the garbage of each cycle)
  --server-node-options="FLAGS"  more NODE_OPTIONS for the server process, to profile it
                      (e.g. --server-node-options="--cpu-prof --cpu-prof-dir=prof" writes a CPU profile when it stops)
  --help              this text

Every combination of --guests and --clients is one scenario, run against a fresh server.`;

function list(name: string, raw: string[] | undefined, fallback: number[], min: number, max: number): number[] {
  if (!raw || raw.length === 0) return fallback;
  return raw.flatMap((r) => r.split(",")).map((part) => integer(name, part, min, max));
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`--${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return value;
}

/** Parses the command line; throws a RangeError naming the bad option. */
export function parseOptions(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      guests: { type: "string", multiple: true },
      clients: { type: "string", multiple: true },
      cycles: { type: "string" },
      "idle-cycles": { type: "string" },
      interval: { type: "string" },
      "status-refresh": { type: "string" },
      workers: { type: "string" },
      "join-concurrency": { type: "string" },
      seed: { type: "string" },
      "server-node-options": { type: "string" },
      "server-heap-mib": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return "help";
  return {
    guests: list("guests", values.guests, [1000, 10_000], 1, 10_000),
    clients: list("clients", values.clients, [10, 100], 1, 500),
    cycles: integer("cycles", values.cycles ?? "20", 1, 10_000),
    idleCycles: integer("idle-cycles", values["idle-cycles"] ?? "6", 1, 1000),
    syncIntervalMs: integer("interval", values.interval ?? "2000", 250, 600_000),
    statusRefreshMs: integer("status-refresh", values["status-refresh"] ?? "10000", 100, 3_600_000),
    workers: integer("workers", values.workers ?? String(availableParallelism()), 1, 64),
    joinConcurrency: integer("join-concurrency", values["join-concurrency"] ?? "4", 1, 500),
    seed: integer("seed", values.seed ?? "1", 0, 2 ** 32 - 1),
    serverNodeOptions: values["server-node-options"] ?? "",
    serverHeapMiB: integer("server-heap-mib", values["server-heap-mib"] ?? String(DEFAULT_SERVER_HEAP_MIB), 0, 65_536),
  };
}
