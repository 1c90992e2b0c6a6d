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
    this.touch();
  }

  /** Call after changing anything /cluster/resources shows outside of publish(). */
  touch(): void {
    this.generation++;
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
    this.touch();
    const now = this.now();
    this.published.clear();
    for (const g of this.guests.values()) {
      const running = g.status === "running";
      const p: Omit<PublishedGuest, "statsJson"> = {
        status: g.status,
        cpu: running ? g.cpu : 0,
        maxcpu: g.cores,
        mem: running ? g.mem : 0,
        maxmem: g.memory * MiB,
        disk: running ? g.disk : 0,
        maxdisk: g.maxdisk,
        netin: running ? g.netin : 0,
        netout: running ? g.netout : 0,
        diskread: running ? g.diskread : 0,
        diskwrite: running ? g.diskwrite : 0,
        uptime: running ? Math.max(0, Math.floor((now - g.startedAt) / 1000)) : 0,
      };
      const memhost = g.type === "qemu" ? `,"memhost":${p.mem}` : "";
      const statsJson =
        `"maxcpu":${p.maxcpu},"cpu":${p.cpu},"maxmem":${p.maxmem},"mem":${p.mem},"maxdisk":${p.maxdisk},"disk":${p.disk},` +
        `"netin":${p.netin},"netout":${p.netout},"diskread":${p.diskread},"diskwrite":${p.diskwrite},"uptime":${p.uptime}${memhost}`;
      this.published.set(g.vmid, { ...p, statsJson });
    }
    this.publishedNodes.clear();
    for (const n of this.nodes.values()) {
      this.publishedNodes.set(n.name, { cpu: n.cpu, mem: n.mem, uptime: Math.floor((now - n.bootAt) / 1000) });
    }
  }
}
