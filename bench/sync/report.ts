import type { EncodeCost } from "./encode-probe.ts";
import { CHANGE_TIMEOUT_MS, type ScenarioResult } from "./scenario.ts";
import { percentile, spread } from "./stats.ts";

const MB = 1024 * 1024;
const TARGET_GUESTS = 10_000;
const TARGET_CLIENTS = 100;
const LATENCY_SLACK_MS = 100;
const ENCODE_BUDGET_MS = 2;
const RSS_BUDGET_BYTES = 400 * MB;

function ms(v: number): string {
  if (!Number.isFinite(v)) return "-";
  return Math.abs(v) < 10 ? v.toFixed(2) : v.toFixed(0);
}

function bytes(v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (v < 10_000) return `${Math.round(v)} B`;
  if (v < 10 * MB) return `${(v / 1024).toFixed(1)} KiB`;
  return `${(v / MB).toFixed(1)} MiB`;
}

const mib = (v: number) => (Number.isFinite(v) ? `${(v / MB).toFixed(0)} MiB` : "-");
const trio = (values: number[]) => {
  const s = spread(values);
  return `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}`;
};
const pair = (values: number[], format: (v: number) => string) => `${format(percentile(values, 0.5))} / ${format(Math.max(...values))}`;

function countSummary(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length ? entries.map(([what, n]) => `${n}× ${what.length > 60 ? `${what.slice(0, 59)}…` : what}`).join(", ") : "0";
}

export function scenarioLabel(r: ScenarioResult): string {
  return `${r.spec.guests.toLocaleString("en")} guests × ${r.spec.clients} clients`;
}

function table(header: string[], body: string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** One row per kind of sync cycle, one column per guest count. */
export function encodeTable(costs: Map<number, EncodeCost[]>): string {
  const counts = [...costs.keys()].sort((a, b) => a - b);
  const kinds = costs.get(counts[0]!)?.map((c) => c.cycle) ?? [];
  const header = ["", ...counts.map((g) => `${g.toLocaleString("en")} guests`)];
  const body = kinds.map((kind) => [kind, ...counts.map((g) => {
    const cost = costs.get(g)!.find((c) => c.cycle === kind)!;
    return `${ms(cost.encodeMs)} ms, ${bytes(cost.bytes)}`;
  })]);
  return table(header, body);
}

/** One row per figure, one column per scenario. */
export function resultTable(results: ScenarioResult[]): string {
  const routes = [...new Set(results.flatMap((r) => Object.keys(r.proxmoxCallsPerCycle)))].sort();
  const rows: [string, (r: ScenarioResult) => string][] = [
    ["nodes", (r) => String(r.nodes)],
    ["full state (ROOM_STATE message)", (r) => bytes(r.fullStateBytes)],
    ["join, first client alone (ms)", (r) => ms(r.soloJoinMs)],
    ["join, the other clients (see conditions): p50 / max (ms)", (r) => (r.herdJoinMs.length ? pair(r.herdJoinMs, ms) : "-")],
    ["all other clients joined after (ms)", (r) => (r.herdJoinMs.length ? ms(r.herdWallMs) : "-")],
    ["patch bytes per cycle, idle: p50 / max", (r) => pair(r.idlePatchBytes, bytes)],
    ["patch bytes per cycle with a change: p50 / max", (r) => pair(r.changePatchBytes, bytes)],
    ["patch traffic per client (whole run)", (r) => `${bytes(r.patchBytesPerClientPerSecond)}/s`],
    ["server patch encode + send: p50 / p99 / max (ms)", (r) => `${ms(r.patches.p50Ms)} / ${ms(r.patches.p99Ms)} / ${ms(r.patches.maxMs)} (n=${r.patches.count})`],
    ["sync cycle work: p50 / max (ms)", (r) => pair(r.syncWorkMs, ms)],
    ["change → end of its sync cycle: p50 / p99 / max", (r) => trio(r.changes.map((c) => c.cycleEndMs))],
    ["change → patch on the wire: p50 / p99 / max", (r) => trio(r.changes.map((c) => c.onWireMs))],
    ["change → first client shows it: p50 / p99 / max", (r) => trio(r.changes.map((c) => c.firstClientMs))],
    ["change → EVERY connected client shows it: p50 / p99 / max", (r) => trio(r.changes.map((c) => c.everyClientMs))],
    [`changes not on every client after ${CHANGE_TIMEOUT_MS / 1000} s (counted as ${CHANGE_TIMEOUT_MS / 1000} s)`, (r) => {
      const missed = r.changes.filter((c) => c.missedBy > 0);
      return missed.length ? `${missed.length} (up to ${Math.max(...missed.map((c) => c.missedBy))} clients)` : "0";
    }],
    ["Proxmox calls per sync cycle", (r) => `${r.callsCountedCleanly ? "" : "≈ "}${Object.values(r.proxmoxCallsPerCycle).reduce((a, b) => a + b, 0).toFixed(2)}`],
    ...routes.map((route): [string, (r: ScenarioResult) => string] => [`  ${route}`, (r) => (r.proxmoxCallsPerCycle[route] ?? 0).toFixed(2)]),
    ["sync cycles measured", (r) => String(r.measuredCycles)],
    ["server RSS after joins / end / peak", (r) => `${mib(r.rssAfterJoinBytes)} / ${mib(r.rssEndBytes)} / ${mib(r.peakRssBytes)}`],
    ["server heap used at end", (r) => mib(r.heapUsedBytes)],
    ["server CPU while measuring (% of one core)", (r) => `${r.serverCpuPercent.toFixed(0)} %`],
    ["clients still connected at the end", (r) => `${r.clientTotals.clients} of ${r.spec.clients}`],
    ["client connection drops (close code) / server warnings", (r) => `${countSummary(r.clientTotals.drops)} / ${r.warnings.length}`],
    ["joins failed and tried again", (r) => countSummary(r.clientTotals.joinRetries)],
    ["join requests resent (kept-alive connection closed)", (r) => String(r.clientTotals.staleConnectionRetries)],
  ];
  return table(["", ...results.map(scenarioLabel)], rows.map(([name, cell]) => [name, ...results.map(cell)]));
}

export interface Verdict {
  target: string;
  measured: string;
  pass: boolean | null;
}

/** The issue's targets, judged on the 10,000-guest × 100-client scenario (null: that scenario was not run). */
export function verdicts(results: ScenarioResult[], encodeCosts: Map<number, EncodeCost[]>): Verdict[] {
  const main = results.find((r) => r.spec.guests === TARGET_GUESTS && r.spec.clients === TARGET_CLIENTS);
  const notRun = "scenario 10,000 guests × 100 clients not run";
  if (!main) {
    return [
      "p99 change → every client ≤ poll interval + 100 ms",
      `patch encode < ${ENCODE_BUDGET_MS} ms, every kind of cycle`,
      `patch encode + hand-off to every socket p99 < ${ENCODE_BUDGET_MS} ms`,
      "Proxmox calls per cycle independent of guest count",
      "server RSS < 400 MiB",
    ].map((target) => ({ target, measured: notRun, pass: null }));
  }
  const limit = main.spec.syncIntervalMs + LATENCY_SLACK_MS;
  const p99 = percentile(main.changes.map((c) => c.everyClientMs), 0.99);

  const perGuestRoutes = Object.keys(main.proxmoxCallsPerCycle).filter((route) => route.includes("{vmid}"));
  const total = (r: ScenarioResult) => Object.values(r.proxmoxCallsPerCycle).reduce((a, b) => a + b, 0);
  const smaller = results.filter((r) => r.spec.guests < main.spec.guests);
  const drift = smaller.map((r) => Math.abs(total(r) - total(main)));
  const callsPass = perGuestRoutes.length === 0 && drift.every((d) => d < 0.1);
  const callsMeasured =
    `${total(main).toFixed(2)} per cycle at ${main.spec.guests.toLocaleString("en")} guests` +
    (smaller.length ? `; ${smaller.map((r) => `${total(r).toFixed(2)} at ${r.spec.guests.toLocaleString("en")} × ${r.spec.clients}`).join(", ")}` : "") +
    (perGuestRoutes.length ? `; per-guest routes called: ${perGuestRoutes.join(", ")}` : "; no per-guest route called");

  return [
    {
      target: `p99 change → every client ≤ poll interval + ${LATENCY_SLACK_MS} ms (${limit} ms)`,
      measured: `${ms(p99)} ms (n=${main.changes.length}, ${main.clientTotals.clients} of ${main.spec.clients} clients connected at the end)`,
      pass: p99 <= limit && main.clientTotals.clients === main.spec.clients,
    },
    encodeVerdict(encodeCosts.get(main.spec.guests)),
    {
      target: `patch encode + hand-off to all ${main.spec.clients} sockets (/api/metrics) p99 < ${ENCODE_BUDGET_MS} ms`,
      measured: `p50 ${ms(main.patches.p50Ms)} ms, p99 ${ms(main.patches.p99Ms)} ms, max ${ms(main.patches.maxMs)} ms (n=${main.patches.count})`,
      pass: main.patches.p99Ms < ENCODE_BUDGET_MS,
    },
    { target: "Proxmox calls per cycle independent of guest count", measured: callsMeasured, pass: callsPass },
    { target: "server RSS < 400 MiB (peak, VmHWM)", measured: mib(main.peakRssBytes), pass: main.peakRssBytes < RSS_BUDGET_BYTES },
  ];
}

function encodeVerdict(costs: EncodeCost[] | undefined): Verdict {
  const target = `patch encode alone < ${ENCODE_BUDGET_MS} ms, every kind of cycle`;
  if (!costs || costs.length === 0) return { target, measured: "not measured", pass: null };
  const worst = costs.reduce((a, b) => (b.encodeMs > a.encodeMs ? b : a));
  return { target, measured: `worst: ${worst.cycle}, ${ms(worst.encodeMs)} ms for ${bytes(worst.bytes)}`, pass: worst.encodeMs < ENCODE_BUDGET_MS };
}

export function verdictLines(list: Verdict[]): string[] {
  return list.map((v) => `${v.pass === null ? "n/a " : v.pass ? "PASS" : "FAIL"}  ${v.target}: ${v.measured}`);
}
