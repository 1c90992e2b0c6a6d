/**
 * bench:sync — what one sync cycle costs and how fast a change reaches every client, at 1,000 and
 * 10,000 simulated guests with 10 and 100 connected clients. See BENCHMARKS.md.
 */
import { describeConditions } from "./sync/conditions.ts";
import { parseOptions, USAGE, type BenchOptions } from "./sync/options.ts";
import { resultTable, scenarioLabel, verdictLines, verdicts } from "./sync/report.ts";
import { runScenario, type ScenarioResult } from "./sync/scenario.ts";

let options: BenchOptions | "help";
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options === "help") {
  console.log(USAGE);
  process.exit(0);
}

const log = (line: string) => console.error(`[bench:sync ${new Date().toISOString().slice(11, 19)}] ${line}`);
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

if (results.length > 0) {
  console.log(`\nbench:sync results (latency from the change being visible in the Proxmox API; p50 / p99 / max in ms)\n`);
  console.log(resultTable(results));
  console.log(`\nTargets (issue), judged on 10,000 guests × 100 clients:`);
  console.log(verdictLines(verdicts(results)).map((l) => `  ${l}`).join("\n"));
}
process.exit(failed ? 1 : 0);
