import type { Simulator, SimulatorFaults } from "../../server/src/simulator/index.ts";

/** Every task may fail, all the time, as real ones sometimes do. */
const BASE: SimulatorFaults = { taskFailureRate: 0.05 };

export interface FaultPhase {
  name: string;
  faults: SimulatorFaults;
}

/** The phases the simulator cycles through, each `phaseSeconds` long. */
export function faultPhases(unreachableNode: string): FaultPhase[] {
  return [
    { name: "API errors (10 % of requests answer 500) and 150 ms latency", faults: { ...BASE, serverErrorRate: 0.1, latencyMs: 150 } },
    { name: `node ${unreachableNode} unreachable (595)`, faults: { ...BASE, unreachableNodes: [unreachableNode] } },
    { name: "slow tasks (4× their duration)", faults: { ...BASE, slowTaskFactor: 4 } },
    { name: "calm (task failures only)", faults: BASE },
  ];
}

/** Drives the simulator's fault injection through the phases, round and round, until stopped. */
export class FaultPlan {
  readonly #timer: NodeJS.Timeout;
  #index = 0;
  /** Phase changes: when (ms since start) and which. */
  readonly log: { atMs: number; phase: string }[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly phases: FaultPhase[],
    phaseSeconds: number,
    private readonly startedAt: number,
  ) {
    this.#enter(0);
    this.#timer = setInterval(() => this.#enter((this.#index + 1) % phases.length), phaseSeconds * 1000);
  }

  /** Ends the faults: the cluster answers normally again, so that what was left in flight can end. */
  stop(): void {
    clearInterval(this.#timer);
    this.sim.setFaults({});
    this.log.push({ atMs: performance.now() - this.startedAt, phase: "none (stopped)" });
  }

  /** The phase in force now. */
  get current(): string {
    return this.phases[this.#index]!.name;
  }

  #enter(index: number): void {
    this.#index = index;
    const phase = this.phases[index]!;
    this.sim.setFaults(phase.faults);
    this.log.push({ atMs: performance.now() - this.startedAt, phase: phase.name });
  }
}
