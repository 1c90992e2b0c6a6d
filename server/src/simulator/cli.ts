/**
 * Standalone simulator: `npm run simulator -- --port 8006 --nodes 3 --guests 24 --seed 1`.
 * Every flag can also come from the environment (PVESIM_PORT, PVESIM_NODES, …); flags win.
 * Prints the URL, the TLS fingerprint to pin and the credentials to use.
 */
import { parseArgs } from "node:util";
import { startSimulator } from "./index.ts";
import type { SimulatorFaults, SimulatorOptions } from "./types.ts";

const FLAGS = {
  host: "listen address (default 127.0.0.1)",
  port: "port (default 8006, 0 = random)",
  seed: "estate seed (default 1)",
  nodes: "number of nodes, 1-50 (default 3)",
  guests: "number of guests, 0-10000 (default 24)",
  "cluster-name": 'cluster name (default "lab")',
  "task-speed": "task duration multiplier (default 1)",
  "status-refresh-ms": "status broadcast interval (default 10000)",
  "metrics-tick-ms": "metrics interval (default = status-refresh-ms)",
  "auth-failure-delay-ms": "delay of every 401 (default 3000)",
  "latency-ms": "fault: added latency per request",
  "server-error-rate": "fault: fraction of requests answered 500",
  "task-failure-rate": "fault: fraction of tasks that fail",
  "slow-task-factor": "fault: task duration multiplier",
  unreachable: "fault: comma-separated nodes answering 595",
} as const;

type Flag = keyof typeof FLAGS;

function usage(): string {
  const lines = Object.entries(FLAGS).map(([flag, text]) => `  --${flag.padEnd(24)} ${text}  [env PVESIM_${flag.toUpperCase().replaceAll("-", "_")}]`);
  return `Usage: npm run simulator -- [options]\n\n${lines.join("\n")}\n  --help`;
}

function readOptions(argv: string[]): { options: SimulatorOptions } | { help: true } {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: "string" as const }])),
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const given = values as Record<string, string | boolean | undefined>;
  const get = (flag: Flag): string | undefined => (given[flag] as string | undefined) ?? process.env[`PVESIM_${flag.toUpperCase().replaceAll("-", "_")}`];
  const num = (flag: Flag): number | undefined => {
    const raw = get(flag);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new Error(`--${flag} must be a number, got '${raw}'`);
    return n;
  };
  const faults: SimulatorFaults = {
    latencyMs: num("latency-ms"),
    serverErrorRate: num("server-error-rate"),
    taskFailureRate: num("task-failure-rate"),
    slowTaskFactor: num("slow-task-factor"),
    unreachableNodes: get("unreachable")?.split(",").map((n) => n.trim()).filter(Boolean),
  };
  return {
    options: {
      host: get("host"),
      port: num("port") ?? 8006,
      seed: num("seed"),
      nodes: num("nodes"),
      guests: num("guests"),
      clusterName: get("cluster-name"),
      taskSpeed: num("task-speed"),
      statusRefreshMs: num("status-refresh-ms"),
      metricsTickMs: num("metrics-tick-ms"),
      authFailureDelayMs: num("auth-failure-delay-ms"),
      faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
    },
  };
}

async function main(): Promise<void> {
  const parsed = readOptions(process.argv.slice(2));
  if ("help" in parsed) {
    console.log(usage());
    return;
  }
  const sim = await startSimulator(parsed.options);
  const nodes = sim.model.listNodes();
  const guests = sim.model.listGuests();
  console.log(`Proxmox VE simulator: ${nodes.length} nodes, ${guests.length} guests`);
  console.log(`  URL          ${sim.url}   (API: ${sim.url}/api2/json)`);
  console.log(`  fingerprint  ${sim.fingerprint}`);
  console.log(`  API token    ${sim.adminToken.tokenId}=${sim.adminToken.secret}`);
  console.log(`  audit token  ${sim.auditorToken.tokenId}=${sim.auditorToken.secret}`);
  console.log(`  root@pam     password ${sim.rootPassword}`);
  console.log(`  try: curl -k -H 'Authorization: PVEAPIToken=${sim.adminToken.tokenId}=${sim.adminToken.secret}' ${sim.url}/api2/json/cluster/resources`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(usage());
  process.exit(1);
});
