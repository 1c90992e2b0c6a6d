import type { ClientTotals } from "../sync/worker-protocol.ts";
import { spread, type Spread } from "../sync/stats.ts";
import type { MemoryTrend } from "./memory.ts";
import type { OperatorTally } from "./operator.ts";

export interface SoakResult {
  minutes: number;
  graceSeconds: number;
  tally: OperatorTally;
  lost: { action: string; vmid: number }[];
  trend: MemoryTrend;
  memorySampleErrors: string[];
  heapUsedEndMiB: number;
  clients: number;
  clientTotals: ClientTotals;
  serverWarnings: string[];
  faultPhasesEntered: number;
}

/** A heap that keeps growing by more than this is a leak: 1 MiB a minute is 1.4 GiB a day. */
export const MAX_HEAP_GROWTH_MIB_PER_MINUTE = 1;
/** anchors.md: a job should be accepted within 1 s of the button press. */
export const MAX_ACCEPT_P99_MS = 1000;

const fmt = (s: Spread) => (s.n === 0 ? "—" : `${Math.round(s.p50)} / ${Math.round(s.p99)} / ${Math.round(s.max)} ms (n=${s.n})`);
const byCount = (counts: Record<string, number>) =>
  Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} × ${k}`).join("; ") || "none";

/** What the server logged at warn level or above, grouped by message. */
function warningKinds(lines: readonly string[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const line of lines) {
    let msg = line.slice(0, 80);
    try {
      const parsed = JSON.parse(line) as { msg?: unknown };
      if (typeof parsed.msg === "string") msg = parsed.msg;
    } catch {
      // Not a log line (stderr): grouped by its start.
    }
    kinds[msg] = (kinds[msg] ?? 0) + 1;
  }
  return kinds;
}

export function resultLines(r: SoakResult): string[] {
  const { tally } = r;
  const succeeded = tally.ended.filter((e) => e.state === "succeeded");
  const failed = tally.ended.filter((e) => e.state === "failed");
  const failures: Record<string, number> = {};
  for (const f of failed) failures[f.error.slice(0, 70) || "(no error text)"] = (failures[f.error.slice(0, 70) || "(no error text)"] ?? 0) + 1;
  const top = (counts: Record<string, number>, n: number) => byCount(Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]).slice(0, n)));
  const windows = r.trend.windows.map(
    (w, i) => `    ${(w.fromMs / 60_000).toFixed(1).padStart(5)} min${i === 0 ? " (warm-up)" : "          "}  heap min ${w.heapMinMiB.toFixed(1).padStart(6)} MiB   RSS max ${w.rssMaxMiB.toFixed(1).padStart(6)} MiB`,
  );
  return [
    `operations submitted (HTTP 202)              ${tally.submitted}`,
    `  succeeded / failed / lost                  ${succeeded.length} / ${failed.length} / ${r.lost.length}   (lost = not ended ${r.graceSeconds} s after the last submission)`,
    `  refused by the server (typed rejection)    ${byCount(tally.rejected)}`,
    `  requests without a typed answer            ${byCount(tally.requestErrors)}`,
    `  failed, by error (top 5)                   ${top(failures, 5)}`,
    `accepted: HTTP round trip p50 / p99 / max    ${fmt(spread(Object.values(tally.acceptMs).flat()))}`,
    ...Object.entries(tally.acceptMs).map(([phase, ms]) => `  during ${phase.padEnd(60)} ${fmt(spread(ms))}`),
    `created → started (job sent to Proxmox)      ${fmt(spread(tally.ended.map((e) => e.dispatchMs).filter(Number.isFinite)))}`,
    `created → finished, succeeded                ${fmt(spread(succeeded.map((e) => e.totalMs)))}`,
    `created → finished, failed                   ${fmt(spread(failed.map((e) => e.totalMs)))}`,
    `server memory, per tenth of the run:`,
    ...windows,
    `heap trend (per-window minima, warm-up left out)   ${r.trend.heapMiBPerMinute.toFixed(2)} MiB/min`,
    `RSS trend (per-window maxima, warm-up left out)    ${r.trend.rssMiBPerMinute.toFixed(2)} MiB/min; peak ${r.trend.peakRssMiB.toFixed(0)} MiB; heap used at end ${r.heapUsedEndMiB.toFixed(0)} MiB`,
    `memory samples that failed                   ${r.memorySampleErrors.length}${r.memorySampleErrors[0] ? ` (first: ${r.memorySampleErrors[0].slice(0, 100)})` : ""}`,
    `clients connected at the end                 ${r.clientTotals.clients} of ${r.clients}; drops: ${byCount(r.clientTotals.drops)}; joins retried: ${byCount(r.clientTotals.joinRetries)}`,
    `server log lines at warn or above            ${r.serverWarnings.length}: ${top(warningKinds(r.serverWarnings), 6)}`,
    `fault phases entered                         ${r.faultPhasesEntered}`,
  ];
}

export interface Verdict {
  pass: boolean;
  line: string;
}

export function soakVerdicts(r: SoakResult): Verdict[] {
  const accept = spread(Object.values(r.tally.acceptMs).flat());
  const requestErrors = Object.values(r.tally.requestErrors).reduce((a, b) => a + b, 0);
  const slope = r.trend.heapMiBPerMinute;
  return [
    {
      pass: r.lost.length === 0 && r.tally.submitted > 0,
      line: `no lost operation: ${r.lost.length} of ${r.tally.submitted} not ended ${r.graceSeconds} s after the last submission${r.lost.length ? ` (${r.lost.slice(0, 5).map((l) => `${l.action} ${l.vmid}`).join(", ")})` : ""}`,
    },
    {
      pass: Number.isFinite(slope) && slope <= MAX_HEAP_GROWTH_MIB_PER_MINUTE,
      line: `no memory growth trend: heap live set ${slope.toFixed(2)} MiB/min (limit ${MAX_HEAP_GROWTH_MIB_PER_MINUTE} MiB/min${r.minutes < 10 ? "; a run under 10 minutes is too short to judge this" : ""})`,
    },
    { pass: accept.n > 0 && accept.p99 < MAX_ACCEPT_P99_MS, line: `operation accepted within ${MAX_ACCEPT_P99_MS} ms, p99: ${Math.round(accept.p99)} ms` },
    { pass: requestErrors === 0, line: `every submission answered with 202 or a typed rejection: ${requestErrors} not` },
    {
      pass: r.clientTotals.clients === r.clients,
      line: `every client stayed connected: ${r.clientTotals.clients} of ${r.clients} at the end`,
    },
  ];
}
