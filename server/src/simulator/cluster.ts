/**
 * The simulated cluster's internal state and clockwork: estate, task engine, metric ticks and the
 * pvestatd-like status broadcast. Handlers read and change it; tests use the SimulatorModel facade.
 */
import { buildEstate } from "./estate.ts";
import { seedTaskHistory } from "./history.ts";
import { recomputeNodes, tickGuest } from "./metrics.ts";
import { forkRng, type Rng } from "./prng.ts";
import type { GuestState, GuestType, NodeState, PublishedGuest } from "./state.ts";
import { TaskEngine } from "./tasks.ts";
import type { SimulatorFaults } from "./types.ts";
import { resourceGuestJson } from "./views.ts";

const MiB = 1024 ** 2;

export interface ClusterConfig {
  name: string;
  seed: number;
  nodes: number;
  guests: number;
  taskSpeed: number;
  statusRefreshMs: number;
  metricsTickMs: number;
  now: () => number;
  faults: SimulatorFaults;
}

export interface PublishedNode {
  cpu: number;
  mem: number;
  uptime: number;
}

export class Cluster {
  readonly name: string;
  readonly now: () => number;
  readonly nodes = new Map<string, NodeState>();
  readonly guests = new Map<number, GuestState>();
  /** Last status broadcast; guests missing here were created after it and show "unknown". */
  readonly published = new Map<number, PublishedGuest>();
  readonly publishedNodes = new Map<string, PublishedNode>();
  readonly tasks: TaskEngine;
  readonly requests = new Map<string, number>();
  /** Leaf certificate fingerprint, published as every node's ssl_fingerprint. */
  fingerprint = "";
  private currentFaults: SimulatorFaults;
  /**
   * Bumped whenever something /cluster/resources shows may have changed (broadcast, guest set,
   * name/lock/tags/node, node reachability); lets that 10k-entry list be served from cache.
   */
  generation = 0;
  readonly resourceCache = new Map<string, { generation: number; json: string }>();
  /** Each guest's /cluster/resources entry as JSON text, so a cache miss only joins strings. */
  private readonly fragments = new Map<number, string>();
  /** Seeded stream for everything that happens after the estate was built. */
  readonly rng: Rng;
  private lastTick: number;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(config: ClusterConfig) {
    this.name = config.name;
    this.now = config.now;
    this.currentFaults = config.faults;
    this.rng = forkRng(config.seed, "runtime");
    const estate = buildEstate({ seed: config.seed, nodes: config.nodes, guests: config.guests, now: config.now() });
    for (const node of estate.nodes) this.nodes.set(node.name, node);
    for (const guest of estate.guests) this.guests.set(guest.vmid, guest);
    this.tasks = new TaskEngine({
      now: this.now,
      node: (name) => this.requireNode(name),
      faults: () => this.faults,
      rng: this.rng,
      taskSpeed: config.taskSpeed,
    });
    seedTaskHistory(this);
    this.lastTick = config.now();
    recomputeNodes(this.rng, this.nodes, this.guests.values());
    this.publish();
    this.timers.push(setInterval(() => this.tickMetrics(), config.metricsTickMs));
    this.timers.push(setInterval(() => this.publish(), config.statusRefreshMs));
    for (const t of this.timers) t.unref();
  }

  get faults(): SimulatorFaults {
    return this.currentFaults;
  }

  set faults(faults: SimulatorFaults) {
    this.currentFaults = faults;
    this.reachabilityChanged();
  }

  /** Call after changing a guest's name, lock, tags or node, or adding/removing it. */
  guestChanged(vmid: number): void {
    const g = this.guests.get(vmid);
    if (g) this.fragments.set(vmid, resourceGuestJson(this, g, this.isOnline(g.node)));
    else this.fragments.delete(vmid);
    this.generation++;
  }

  /** Call after a node went on- or offline: its guests' status turns "unknown" or back. */
  reachabilityChanged(): void {
    this.rebuildFragments();
    this.generation++;
  }

  /** The guest entries of /cluster/resources as JSON texts, in vmid order. */
  guestResourceFragments(): string[] {
    return [...this.fragments.keys()].sort((a, b) => a - b).map((vmid) => this.fragments.get(vmid) as string);
  }

  private rebuildFragments(): void {
    const online = new Map([...this.nodes.keys()].map((n) => [n, this.isOnline(n)]));
    this.fragments.clear();
    for (const g of this.guests.values()) this.fragments.set(g.vmid, resourceGuestJson(this, g, online.get(g.node) ?? false));
  }

  dispose(): void {
    for (const t of this.timers) clearInterval(t);
    this.tasks.dispose();
  }

  requireNode(name: string): NodeState {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no such node '${name}'`);
    return node;
  }

  /** Online in corosync terms and not made unreachable by fault injection. */
  isOnline(name: string): boolean {
    const node = this.nodes.get(name);
    return !!node && node.online && !(this.faults.unreachableNodes ?? []).includes(name);
  }

  quorate(): boolean {
    let online = 0;
    for (const name of this.nodes.keys()) if (this.isOnline(name)) online++;
    return online * 2 > this.nodes.size;
  }

  /** The guest whose config lives at nodes/<node>/<lxc|qemu-server>/<vmid>.conf, if any. */
  guestOn(node: string, type: GuestType, vmid: number): GuestState | undefined {
    const g = this.guests.get(vmid);
    return g && g.node === node && g.type === type ? g : undefined;
  }

  nextFreeVmid(): number {
    for (let id = 100; id < 1_000_000; id++) if (!this.guests.has(id)) return id;
    throw new Error("unable to get any free VMID in range [100, 999999]");
  }

  countRequest(key: string): void {
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  tickMetrics(): void {
    const now = this.now();
    const dtSec = Math.max(0, (now - this.lastTick) / 1000);
    this.lastTick = now;
    for (const g of this.guests.values()) tickGuest(this.rng, g, dtSec);
    recomputeNodes(this.rng, this.nodes, this.guests.values());
  }

  /** The pvestatd broadcast: copies live status and stats into what /cluster/resources serves. */
  publish(): void {
    const now = this.now();
    this.published.clear();
    for (const g of this.guests.values()) {
      // Stopped guests broadcast zero usage but keep their configured maxima.
      const on = g.status === "running";
      const uptime = on ? Math.max(0, Math.floor((now - g.startedAt) / 1000)) : 0;
      const mem = on ? g.mem : 0;
      const statsJson =
        `"maxcpu":${g.cores},"cpu":${on ? g.cpu : 0},"maxmem":${g.memory * MiB},"mem":${mem},"maxdisk":${g.maxdisk},"disk":${on ? g.disk : 0},` +
        `"netin":${on ? g.netin : 0},"netout":${on ? g.netout : 0},"diskread":${on ? g.diskread : 0},"diskwrite":${on ? g.diskwrite : 0},` +
        `"uptime":${uptime}${g.type === "qemu" ? `,"memhost":${mem}` : ""}`;
      this.published.set(g.vmid, { status: g.status, statsJson });
    }
    this.publishedNodes.clear();
    for (const n of this.nodes.values()) {
      this.publishedNodes.set(n.name, { cpu: n.cpu, mem: n.mem, uptime: Math.floor((now - n.bootAt) / 1000) });
    }
    this.rebuildFragments();
    this.generation++;
  }
}
