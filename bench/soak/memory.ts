import type { ServerProcess } from "../sync/server-process.ts";

export interface MemorySample {
  /** ms since the soak started. */
  atMs: number;
  rssBytes: number;
  heapUsedBytes: number;
}

const MiB = 2 ** 20;
/** Windows the run is cut into to find its trend; the first is warm-up and left out. */
const WINDOWS = 10;

/** Samples the server's RSS (/proc) and V8 heap (/api/metrics) at a steady interval. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  readonly errors: string[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly server: ServerProcess,
    everySeconds: number,
    private readonly startedAt: number,
  ) {
    this.#timer = setInterval(() => void this.sample(), everySeconds * 1000);
  }

  async sample(): Promise<void> {
    try {
      const { heapUsedBytes } = await this.server.metrics();
      this.samples.push({ atMs: performance.now() - this.startedAt, rssBytes: this.server.memory().rssBytes, heapUsedBytes });
    } catch (error) {
      this.errors.push(error instanceof Error ? error.message : String(error));
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

export interface MemoryTrend {
  /** MiB per minute, least squares over the per-window minima of the heap (its live set after collections). */
  heapMiBPerMinute: number;
  /** MiB per minute, least squares over the per-window maxima of RSS. */
  rssMiBPerMinute: number;
  /** Per-window [minimum heap, maximum RSS] in MiB, warm-up window included. */
  windows: { fromMs: number; heapMinMiB: number; rssMaxMiB: number }[];
  peakRssMiB: number;
}

/**
 * The run's memory trend. V8 lets the heap fill with garbage between collections, so a single sample
 * says little; the lowest heap of each window is what was still alive, and a leak shows as those
 * minima climbing.
 */
export function memoryTrend(samples: readonly MemorySample[], untilMs: number): MemoryTrend {
  const width = untilMs / WINDOWS;
  const windows = Array.from({ length: WINDOWS }, (_, i) => {
    const inside = samples.filter((s) => s.atMs >= i * width && s.atMs < (i + 1) * width);
    return {
      fromMs: i * width,
      heapMinMiB: inside.length ? Math.min(...inside.map((s) => s.heapUsedBytes)) / MiB : Number.NaN,
      rssMaxMiB: inside.length ? Math.max(...inside.map((s) => s.rssBytes)) / MiB : Number.NaN,
    };
  });
  const measured = windows.slice(1).filter((w) => !Number.isNaN(w.heapMinMiB));
  const minutes = measured.map((w) => (w.fromMs + width / 2) / 60_000);
  return {
    heapMiBPerMinute: slope(minutes, measured.map((w) => w.heapMinMiB)),
    rssMiBPerMinute: slope(minutes, measured.map((w) => w.rssMaxMiB)),
    windows,
    peakRssMiB: samples.length ? Math.max(...samples.map((s) => s.rssBytes)) / MiB : Number.NaN,
  };
}

/** Least-squares slope of y over x; NaN with fewer than two points. */
export function slope(x: readonly number[], y: readonly number[]): number {
  if (x.length < 2) return Number.NaN;
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    num += (x[i]! - mx) * (y[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}
