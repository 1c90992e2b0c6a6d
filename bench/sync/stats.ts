/** Small numeric helpers for the benchmark report. */

/** Nearest-rank percentile (q in 0..1) of an unsorted list; NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export interface Spread {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { n: values.length, p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: values.length ? Math.max(...values) : Number.NaN };
}

/** Wall-clock milliseconds since the epoch with sub-millisecond resolution, comparable across worker threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Deterministic PRNG (mulberry32) so a run's changes and waits can be repeated. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Splits time-stamped samples into bursts: a new burst starts after a silence longer than gapMs. */
export function bursts<T extends { at: number }>(samples: readonly T[], gapMs: number): T[][] {
  const groups: T[][] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
    if (s.at - last > gapMs || groups.length === 0) groups.push([]);
    groups.at(-1)!.push(s);
    last = s.at;
  }
  return groups;
}
