/**
 * Plausible metric movement: bounded random walks for cpu/memory, monotonically growing counters
 * for network and disk I/O. One pass over all guests per tick, accumulating node totals as it goes.
 */
import type { Rng } from "./prng.ts";
import type { GuestState, NodeState } from "./state.ts";

const MiB = 1024 ** 2;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function tickGuest(rng: Rng, g: GuestState, dtSec: number): void {
  if (g.status !== "running") return;
  const spike = rng() < 0.02 ? rng() * 0.5 : 0;
  g.cpu = clamp(g.cpu * 0.9 + 0.1 * (g.cpu + (rng() - 0.5) * 0.08) + spike * (rng() - 0.3), 0.001, 0.98);
  const maxmem = g.memory * MiB;
  g.mem = Math.round(clamp(g.mem + (rng() - 0.5) * 0.03 * maxmem, 0.08 * maxmem, 0.97 * maxmem));
  if (g.type === "lxc") g.disk = Math.round(clamp(g.disk + (rng() - 0.45) * 1e-5 * g.maxdisk, 0, 0.98 * g.maxdisk));
  if (dtSec <= 0) return;
  const activity = 0.2 + g.cpu * 4;
  g.netin += Math.round(dtSec * activity * (2_000 + rng() * 60_000));
  g.netout += Math.round(dtSec * activity * (1_000 + rng() * 40_000));
  g.diskread += Math.round(dtSec * activity * (500 + rng() * 20_000));
  g.diskwrite += Math.round(dtSec * activity * (1_000 + rng() * 30_000));
}

/** Node usage follows its guests plus host overhead. */
export function recomputeNodes(rng: Rng, nodes: Map<string, NodeState>, guests: Iterable<GuestState>): void {
  const cpuSum = new Map<string, number>();
  const memSum = new Map<string, number>();
  for (const g of guests) {
    if (g.status !== "running") continue;
    cpuSum.set(g.node, (cpuSum.get(g.node) ?? 0) + g.cpu * g.cores);
    memSum.set(g.node, (memSum.get(g.node) ?? 0) + g.mem);
  }
  for (const node of nodes.values()) {
    const busyCores = node.baseCpu * node.maxcpu + (cpuSum.get(node.name) ?? 0);
    node.cpu = clamp(busyCores / node.maxcpu + (rng() - 0.5) * 0.005, 0.001, 1);
    node.mem = Math.round(Math.min(node.maxmem * 0.99, node.baseMem + (memSum.get(node.name) ?? 0)));
    node.wait = clamp(node.cpu * 0.02 * rng(), 0, 0.2);
    const load = busyCores * (0.9 + rng() * 0.2);
    const [, five, fifteen] = node.loadavg[2] === 0 ? [load, load * 0.9, load * 0.8] : node.loadavg;
    node.loadavg = [load, five * 0.8 + load * 0.2, fifteen * 0.95 + load * 0.05];
  }
}
