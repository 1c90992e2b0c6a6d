/**
 * bench:sync — what one sync cycle costs and how fast a change reaches every client, at 1,000 and
 * 10,000 simulated guests with 10 and 100 connected clients. See BENCHMARKS.md.
 */
import { optionsOrExit } from "./cli.ts";
import { describeConditions } from "./sync/conditions.ts";
import { measureEncodeCost, type EncodeCost } from "./sync/encode-probe.ts";
import { parseOptions, USAGE, type BenchOptions } from "./sync/options.ts";
import { encodeTable, resultTable, scenarioLabel, verdictLines, verdicts } from "./sync/report.ts";
import { cleanUpRunningScenarios, runScenario, type ScenarioResult } from "./sync/scenario.ts";

const options = optionsOrExit<BenchOptions>(parseOptions, USAGE);

const log = (line: string) => console.error(`[bench:sync ${new Date().toISOString().slice(11, 19)}] ${line}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the server, the simulator and dropping the database`);
    void cleanUpRunningScenarios().finally(() => process.exit(130));
  });
}
const conditions = await describeConditions(options);
console.log(["bench:sync conditions", ...conditions.map((c) => `  ${c}`)].join("\n"));

const results: ScenarioResult[] = [];
let failed = false;
for (const guests of options.guests) {
  for (const clients of options.clients) {
    const spec = { ...options, guests, clients };
    log(`scenario ${guests} guests × ${clients} clients`);
    try {
      const result = await runScenario(spec, log);
      results.push(result);
      log(`done: ${scenarioLabel(result)}`);
      for (const warning of result.warnings.slice(0, 5)) log(`server warning: ${warning}`);
    } catch (error) {
      failed = true;
      log(`scenario ${guests} guests × ${clients} clients FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}

const encodeCosts = new Map<number, EncodeCost[]>();
for (const guests of new Set(results.map((r) => r.spec.guests))) {
  log(`measuring patch encoding alone at ${guests} guests`);
  try {
    encodeCosts.set(guests, await measureEncodeCost(guests, options.seed, options.syncIntervalMs, options.statusRefreshMs));
  } catch (error) {
    failed = true;
    log(`encode measurement at ${guests} guests FAILED: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

if (results.length > 0) {
  console.log(`\nbench:sync results (latency from the change being visible in the Proxmox API; p50 / p99 / max in ms)\n`);
  console.log(resultTable(results));
  console.log(`\nPatch encoding alone (same state and projection, no sockets; median ms and bytes per cycle kind)\n`);
  console.log(encodeTable(encodeCosts));
  console.log(`\nTargets (issue), judged on 10,000 guests × 100 clients:`);
  console.log(verdictLines(verdicts(results, encodeCosts)).map((l) => `  ${l}`).join("\n"));
}
process.exit(failed ? 1 : 0);
