import type { SimulatorModel } from "../../server/src/simulator/index.ts";
import type { Watch } from "./worker-protocol.ts";

export type ChangeKind = "start" | "stop" | "rename";

/** A change made in the simulator as an admin would in the PVE web UI, and what clients must then show. */
export interface PlannedChange extends Omit<Watch, "id"> {
  kind: ChangeKind;
  apply(): void;
}

const KINDS: readonly ChangeKind[] = ["start", "stop", "rename"];
const MAX_PICKS = 10_000;

/** Rotates start, stop and rename over randomly picked guests (templates cannot be started). */
export class ChangePlanner {
  readonly #candidates: number[];
  #count = 0;

  constructor(
    private readonly model: SimulatorModel,
    private readonly random: () => number,
  ) {
    this.#candidates = model.listGuests().filter((g) => !g.template).map((g) => g.vmid);
    if (this.#candidates.length === 0) throw new Error("the simulated estate has no guest that can be changed");
  }

  next(): PlannedChange {
    const kind = KINDS[this.#count++ % KINDS.length]!;
    if (kind === "rename") {
      const guest = this.#pick(() => true);
      const name = `bench-${this.#count}-${Math.floor(this.random() * 1e9).toString(36)}`;
      return { kind, vmid: guest.vmid, node: guest.node, field: "name", value: name, apply: () => this.model.renameGuest(guest.vmid, name) };
    }
    const from = kind === "start" ? "stopped" : "running";
    const guest = this.#pick((status) => status === from);
    return {
      kind,
      vmid: guest.vmid,
      node: guest.node,
      field: "status",
      value: kind === "start" ? "running" : "stopped",
      apply: () => this.model.externalAction(guest.vmid, kind),
    };
  }

  #pick(fits: (status: string) => boolean): { vmid: number; node: string } {
    for (let i = 0; i < MAX_PICKS; i++) {
      const vmid = this.#candidates[Math.floor(this.random() * this.#candidates.length)]!;
      const guest = this.model.getGuest(vmid);
      if (guest && fits(guest.status)) return guest;
    }
    throw new Error("no guest in a state the next change needs");
  }
}
