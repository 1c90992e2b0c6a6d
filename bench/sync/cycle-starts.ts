import type { Simulator } from "../../server/src/simulator/index.ts";
import { nowMs } from "./stats.ts";

const RESOURCES_ROUTE = "GET /cluster/resources";
const POLL_MS = 5;

/**
 * When each sync cycle began: the moments the simulator (in this process) answered the server's
 * /cluster/resources read, noticed within POLL_MS. Cycles start at a fixed rate, so the gap between
 * two cycle ends no longer shows how long a cycle worked; the gap from its read to its end does.
 */
export class CycleStarts {
  readonly #starts: number[] = [];
  readonly #timer: NodeJS.Timeout;
  #seen: number;

  constructor(private readonly sim: Simulator) {
    this.#seen = this.#count();
    this.#timer = setInterval(() => {
      const count = this.#count();
      if (count !== this.#seen) this.#starts.push(nowMs());
      this.#seen = count;
    }, POLL_MS);
    this.#timer.unref();
  }

  /** For each cycle end (a lastSyncAt), the time from the latest read before it; ends without one are left out. */
  workMs(cycleEnds: readonly number[]): number[] {
    return cycleEnds.flatMap((end) => {
      const start = this.#starts.findLast((at) => at <= end);
      return start === undefined ? [] : [end - start];
    });
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #count(): number {
    return this.sim.model.requestCounts()[RESOURCES_ROUTE] ?? 0;
  }
}
