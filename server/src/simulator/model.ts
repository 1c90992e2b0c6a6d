import { stoppedRuntime } from "./state.ts";
/**
 * In-process handle on a running simulator for tests and the demo. Changes made here behave like
 * someone using the PVE web UI: they take effect at once in the cluster (and are logged as finished
 * tasks of root@pam where PVE would run one), while /cluster/resources shows status and stats only
 * after the next status broadcast (refreshStatusNow() forces it); lock, tags, name and node are
 * visible immediately.
 */
import type { Cluster } from "./cluster.ts";
import { bootGuest, defaultConfig } from "./estate.ts";
import { stopGuest } from "./lifecycle.ts";
import type { GuestState, GuestType, RunState } from "./state.ts";

const GiB = 1024 ** 3;
const UI_USER = "root@pam";

const LOCKS: Record<GuestType, readonly string[]> = {
  lxc: ["backup", "create", "destroyed", "disk", "fstrim", "migrate", "mounted", "rollback", "snapshot", "snapshot-delete"],
  qemu: ["backup", "clone", "create", "migrate", "rollback", "snapshot", "snapshot-delete", "suspending", "suspended"],
};
const TAG_RE = /^[a-z0-9_][a-z0-9_\-+.]*$/i;

/** A copy of one guest's truth; changing it changes nothing in the simulator. */
export interface GuestInfo {
  vmid: number;
  type: GuestType;
  node: string;
  name: string;
  status: RunState;
  lock?: string;
  tags?: string;
  template: boolean;
  protection: boolean;
  /** Snapshot names in creation order. */
  snapshots: string[];
  cores: number;
  memoryMiB: number;
  maxdiskBytes: number;
  /** Remaining config keys (net0, ostype, rootfs/scsi0, …). */
  config: Record<string, string | number>;
  cpu: number;
  memBytes: number;
  uptime: number;
}

export interface NodeInfo {
  name: string;
  /** Powered on (setNodeOnline). */
  online: boolean;
  /** Online and not listed in faults.unreachableNodes. */
  reachable: boolean;
  maxcpu: number;
  maxmemBytes: number;
  cpu: number;
  memBytes: number;
}

export interface TaskInfo {
  upid: string;
  node: string;
  type: string;
  id: string;
  user: string;
  status: "running" | "stopped";
  exitstatus?: string;
  starttime: number;
  endtime?: number;
  log: string[];
}

/** A copy of one storage volume as a node sees it. */
export interface VolumeInfo {
  node: string;
  storage: string;
  volid: string;
  content: string;
  format: string;
  size: number;
  vmid?: number;
  ctime?: number;
  notes?: string;
  protected: boolean;
}

export interface VolumeFilter {
  node?: string;
  storage?: string;
  content?: string;
  vmid?: number;
}

export interface CreateGuestInput {
  type: GuestType;
  /** Default: next free id. */
  vmid?: number;
  /** Default: the first online node. */
  node?: string;
  /** Default: CT<vmid> / VM<vmid>, as PVE names unnamed guests. */
  name?: string;
  /** Default "stopped". */
  status?: RunState;
  tags?: string | string[];
  cores?: number;
  memoryMiB?: number;
  diskGiB?: number;
  template?: boolean;
}

export class SimulatorModel {
  constructor(private readonly cluster: Cluster) {}

  listGuests(): GuestInfo[] {
    return [...this.cluster.guests.values()].sort((a, b) => a.vmid - b.vmid).map((g) => this.info(g));
  }

  getGuest(vmid: number): GuestInfo | undefined {
    const g = this.cluster.guests.get(vmid);
    return g && this.info(g);
  }

  listNodes(): NodeInfo[] {
    return [...this.cluster.nodes.values()].map((n) => ({
      name: n.name,
      online: n.online,
      reachable: this.cluster.isOnline(n.name),
      maxcpu: n.maxcpu,
      maxmemBytes: n.maxmem,
      cpu: n.cpu,
      memBytes: n.mem,
    }));
  }

  /** Starts or stops a guest right now, as if done in the web UI. */
  externalAction(vmid: number, action: "start" | "stop"): void {
    const g = this.guest(vmid);
    if (g.template) throw new Error(`guest ${vmid} is a template`);
    if (action === "start") {
      if (g.status === "running") throw new Error(`guest ${vmid} is already running`);
      bootGuest(this.cluster.rng, g, this.cluster.requireNode(g.node), this.cluster.now());
    } else {
      if (g.status !== "running") throw new Error(`guest ${vmid} is not running`);
      stopGuest(g);
    }
    this.recordTask(g, g.type === "lxc" ? `vz${action}` : `qm${action}`);
  }

  createGuest(input: CreateGuestInput): GuestInfo {
    const vmid = input.vmid ?? this.cluster.nextFreeVmid();
    if (!Number.isInteger(vmid) || vmid < 100 || vmid > 999_999_999) throw new Error(`invalid vmid ${vmid}`);
    const existing = this.cluster.guests.get(vmid);
    if (existing) throw new Error(`${existing.type === "lxc" ? "CT" : "VM"} ${vmid} already exists on node '${existing.node}'`);
    const nodeName = input.node ?? [...this.cluster.nodes.keys()].find((n) => this.cluster.isOnline(n));
    if (!nodeName) throw new Error("no online node to create the guest on");
    const node = this.cluster.requireNode(nodeName);
    const diskGiB = input.diskGiB ?? (input.type === "lxc" ? 8 : 32);
    const g: GuestState = {
      vmid,
      type: input.type,
      node: node.name,
      name: input.name ?? `${input.type === "lxc" ? "CT" : "VM"}${vmid}`,
      status: "stopped",
      tags: normalizeTags(input.tags),
      template: input.template ?? false,
      protection: false,
      snapshots: [],
      cores: input.cores ?? (input.type === "lxc" ? 1 : 2),
      memory: input.memoryMiB ?? (input.type === "lxc" ? 512 : 2048),
      swap: input.type === "lxc" ? 512 : 0,
      maxdisk: diskGiB * GiB,
      config: defaultConfig(this.cluster.rng, input.type, vmid, diskGiB, input.template ?? false),
      ...stoppedRuntime(),
    };
    if (input.status === "running") {
      if (g.template) throw new Error("a template cannot be running");
      bootGuest(this.cluster.rng, g, node, this.cluster.now());
    }
    this.cluster.guests.set(vmid, g);
    this.cluster.guestChanged(vmid);
    node.storages
      .find((s) => s.type === "lvmthin")
      ?.items.push({ volid: `local-lvm:${g.template ? "base" : "vm"}-${vmid}-disk-0`, content: g.type === "lxc" ? "rootdir" : "images", format: "raw", size: g.maxdisk, vmid });
    this.recordTask(g, g.type === "lxc" ? "vzcreate" : "qmcreate");
    return this.info(g);
  }

  destroyGuest(vmid: number): void {
    const g = this.guest(vmid);
    this.cluster.guests.delete(vmid);
    this.cluster.published.delete(vmid);
    this.cluster.guestChanged(vmid);
    for (const s of this.cluster.requireNode(g.node).storages) s.items = s.items.filter((i) => i.vmid !== vmid || i.content === "backup");
    this.recordTask(g, g.type === "lxc" ? "vzdestroy" : "qmdestroy");
  }

  renameGuest(vmid: number, name: string): void {
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(name)) throw new Error(`invalid guest name '${name}'`);
    this.guest(vmid).name = name;
    this.cluster.guestChanged(vmid);
  }

  /** Tags as a list or a ";"-separated string; empty removes them. */
  setTags(vmid: number, tags: string | string[]): void {
    this.guest(vmid).tags = normalizeTags(tags);
    this.cluster.guestChanged(vmid);
  }

  lockGuest(vmid: number, lock: string): void {
    const g = this.guest(vmid);
    if (!LOCKS[g.type].includes(lock)) throw new Error(`invalid ${g.type} lock '${lock}' (one of ${LOCKS[g.type].join(", ")})`);
    g.lock = lock;
    this.cluster.guestChanged(vmid);
  }

  unlockGuest(vmid: number): void {
    delete this.guest(vmid).lock;
    this.cluster.guestChanged(vmid);
  }

  /** Moves a guest to another node at once (an offline migration finished in the web UI). */
  migrateGuest(vmid: number, target: string): void {
    const g = this.guest(vmid);
    this.cluster.requireNode(target);
    if (g.node === target) throw new Error(`guest ${vmid} is already on ${target}`);
    const source = this.cluster.requireNode(g.node);
    const dest = this.cluster.requireNode(target);
    const local = source.storages.filter((s) => !s.shared);
    const moved = local.flatMap((s) => s.items.filter((i) => i.vmid === vmid && i.content !== "backup"));
    for (const s of local) s.items = s.items.filter((i) => !moved.includes(i));
    dest.storages.find((s) => s.type === "lvmthin")?.items.push(...moved);
    this.recordTask(g, g.type === "lxc" ? "vzmigrate" : "qmigrate");
    g.node = target;
    this.cluster.guestChanged(vmid);
  }

  /** Sets or clears the config's `protection` flag (as `pct set --protection 1` would). */
  setProtection(vmid: number, on: boolean): void {
    this.guest(vmid).protection = on;
  }

  /**
   * The next task of `type` (e.g. "vzcreate", "vzdump") that passes its own checks fails with
   * `message` as exit status, after its normal duration; whatever it changed is undone.
   */
  failNextTask(type: string, message: string): void {
    if (!/^[a-z][a-z_-]*$/.test(type)) throw new Error(`invalid task type '${type}'`);
    if (message.trim() === "") throw new Error("failure message must not be empty");
    this.cluster.tasks.failNext(type, message);
  }

  guestCount(): number {
    return this.cluster.guests.size;
  }

  /** Guests whose name (hostname for containers) is exactly `name`, in vmid order. */
  findGuestsByName(name: string): GuestInfo[] {
    return this.listGuests().filter((g) => g.name === name);
  }

  /** Volumes on every node's storages (a shared storage is listed once), optionally filtered. */
  listVolumes(filter: VolumeFilter = {}): VolumeInfo[] {
    const out: VolumeInfo[] = [];
    const seen = new Set<object>();
    for (const node of this.cluster.nodes.values()) {
      if (filter.node !== undefined && node.name !== filter.node) continue;
      for (const s of node.storages) {
        if (seen.has(s) || (filter.storage !== undefined && s.storage !== filter.storage)) continue;
        seen.add(s);
        for (const i of s.items) {
          if (filter.content !== undefined && i.content !== filter.content) continue;
          if (filter.vmid !== undefined && i.vmid !== filter.vmid) continue;
          const v: VolumeInfo = { node: node.name, storage: s.storage, volid: i.volid, content: i.content, format: i.format, size: i.size, protected: i.protected ?? false };
          if (i.vmid !== undefined) v.vmid = i.vmid;
          if (i.ctime !== undefined) v.ctime = i.ctime;
          if (i.notes !== undefined) v.notes = i.notes;
          out.push(v);
        }
      }
    }
    return out;
  }

  volumeCount(filter: VolumeFilter = {}): number {
    return this.listVolumes(filter).length;
  }

  /** Marks a volume protected or not (backups: `.protected` marker, refused by delete). */
  setVolumeProtected(volid: string, on: boolean): void {
    const item = [...this.cluster.nodes.values()].flatMap((n) => n.storages.flatMap((s) => s.items)).find((i) => i.volid === volid);
    if (!item) throw new Error(`no such volume '${volid}'`);
    item.protected = on;
  }

  /** Powers a node off (unreachable, shown offline, its guests "unknown") or back on. */
  setNodeOnline(node: string, online: boolean): void {
    this.cluster.requireNode(node).online = online;
    this.cluster.reachabilityChanged();
  }

  listTasks(): TaskInfo[] {
    return this.cluster.tasks
      .all()
      .sort((a, b) => a.starttime - b.starttime)
      .map((t) => ({
        upid: t.upid,
        node: t.node,
        type: t.type,
        id: t.id,
        user: t.user,
        status: t.status,
        exitstatus: t.exitstatus,
        starttime: t.starttime,
        endtime: t.endtime,
        log: [...t.lines],
      }));
  }

  /** API requests served, keyed "METHOD /path/{template}" ("METHOD (unmatched)" for unknown paths). */
  requestCounts(): Record<string, number> {
    return Object.fromEntries(this.cluster.requests);
  }

  /**
   * Number of API requests received (whatever their outcome), optionally only those of one method
   * and/or route template (e.g. { method: "POST", path: "/access/ticket" } or
   * { path: "/nodes/{node}/lxc/{vmid}/status/current" }).
   */
  requestCount(filter: { method?: string; path?: string } = {}): number {
    let total = 0;
    for (const [key, n] of this.cluster.requests) {
      const space = key.indexOf(" ");
      if (filter.method && key.slice(0, space) !== filter.method.toUpperCase()) continue;
      if (filter.path && key.slice(space + 1) !== filter.path) continue;
      total += n;
    }
    return total;
  }

  resetRequestCounts(): void {
    this.cluster.requests.clear();
  }

  /** Runs the status broadcast now instead of waiting for statusRefreshMs. */
  refreshStatusNow(): void {
    this.cluster.publish();
  }

  /** Moves the metrics one step now instead of waiting for metricsTickMs. */
  tickMetricsNow(): void {
    this.cluster.tickMetrics();
  }

  private guest(vmid: number): GuestState {
    const g = this.cluster.guests.get(vmid);
    if (!g) throw new Error(`no such guest ${vmid}`);
    return g;
  }

  private recordTask(g: GuestState, type: string): void {
    const now = Math.floor(this.cluster.now() / 1000);
    this.cluster.tasks.recordFinished({ node: g.node, type, id: String(g.vmid), user: UI_USER, starttime: now, endtime: now, exitstatus: "OK", lines: ["TASK OK"] });
  }

  private info(g: GuestState): GuestInfo {
    const info: GuestInfo = {
      vmid: g.vmid,
      type: g.type,
      node: g.node,
      name: g.name,
      status: g.status,
      template: g.template,
      protection: g.protection,
      snapshots: g.snapshots.map((s) => s.name),
      cores: g.cores,
      memoryMiB: g.memory,
      maxdiskBytes: g.maxdisk,
      config: { ...g.config },
      cpu: g.cpu,
      memBytes: g.mem,
      uptime: g.status === "running" ? Math.max(0, Math.floor((this.cluster.now() - g.startedAt) / 1000)) : 0,
    };
    if (g.lock) info.lock = g.lock;
    if (g.tags) info.tags = g.tags;
    return info;
  }
}

function normalizeTags(tags: string | string[] | undefined): string | undefined {
  const list = (Array.isArray(tags) ? tags : (tags ?? "").split(/[;,\s]+/)).map((t) => t.trim()).filter(Boolean);
  for (const t of list) if (!TAG_RE.test(t)) throw new Error(`invalid tag '${t}'`);
  return list.length > 0 ? list.join(";") : undefined;
}

