/** Durations of the room's recent patch broadcasts (encode + hand-off to every socket). */
export class PatchStats {
  readonly #samples: number[] = [];
  #count = 0;

  constructor(private readonly capacity = 1000) {}

  record(ms: number): void {
    this.#count++;
    this.#samples.push(ms);
    if (this.#samples.length > this.capacity) this.#samples.shift();
  }

  summary(): { count: number; p50Ms: number; p99Ms: number; maxMs: number } {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { count: this.#count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? 0 };
  }
}
