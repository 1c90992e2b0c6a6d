import type { GuestInfo } from "../../server/src/simulator/index.ts";
import type { TestProximity } from "./proximity.ts";

/** Hands out guests of the seeded estate that no earlier test of the file took, unlocked and not templates. */
export function untouchedGuests(app: () => TestProximity): (status: "running" | "stopped", type?: "lxc" | "qemu") => GuestInfo {
  const used = new Set<number>();
  return (status, type = "lxc") => {
    const guest = app()
      .sim.model.listGuests()
      .find((g) => g.status === status && g.type === type && !g.lock && !g.template && !used.has(g.vmid));
    if (!guest) throw new Error(`no unused ${status} ${type} guest in the seeded estate`);
    used.add(guest.vmid);
    return guest;
  };
}
