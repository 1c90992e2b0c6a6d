/**
 * JSON shapes of PVE responses built from the cluster state. Optional keys are omitted rather than
 * sent empty (PVE omits `lock`, `tags`, `template` unless set), booleans are 0/1 integers.
 */
import { createHash } from "node:crypto";
import type { Cluster } from "./cluster.ts";
import type { GuestImage, GuestState, NodeState, StorageState } from "./state.ts";

const MiB = 1024 ** 2;

export const PVE_VERSION = { version: "9.1.5", release: "9.1", repoid: "4d5b8f9e3c1a7b22" } as const;
const KERNEL_RELEASE = "6.17.2-1-pve";
const KERNEL_VERSION = "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-10-21T11:55Z)";

type Json = Record<string, unknown>;

function guestMeta(g: GuestState, out: Json): Json {
  if (g.lock) out.lock = g.lock;
  if (g.tags) out.tags = g.tags;
  return out;
}

function uptimeOf(cluster: Cluster, g: GuestState): number {
  return g.status === "running" ? Math.max(0, Math.floor((cluster.now() - g.startedAt) / 1000)) : 0;
}

/**
 * Guest entry of /cluster/resources as JSON text: status and stats from the last broadcast, name,
 * lock, tags and node live. Built as a string because this list is the hot path (10k guests).
 */
export function resourceGuestJson(cluster: Cluster, g: GuestState, nodeOnline: boolean): string {
  const p = cluster.published.get(g.vmid);
  let out = `{"id":"${g.type}/${g.vmid}","vmid":${g.vmid},"node":${JSON.stringify(g.node)},"type":"${g.type}"`;
  if (p) {
    out += `,"name":${JSON.stringify(g.name)},"status":"${nodeOnline ? p.status : "unknown"}","template":${g.template ? 1 : 0},${p.statsJson}`;
  } else {
    out += `,"status":"unknown","template":${g.template ? 1 : 0}`;
  }
  if (g.lock) out += `,"lock":${JSON.stringify(g.lock)}`;
  if (g.tags) out += `,"tags":${JSON.stringify(g.tags)}`;
  return `${out}}`;
}

export function resourceNode(cluster: Cluster, n: NodeState): Json {
  const base: Json = { id: `node/${n.name}`, type: "node", node: n.name, level: "", "cgroup-mode": 2 };
  if (!cluster.isOnline(n.name)) return { ...base, status: "offline" };
  const p = cluster.publishedNodes.get(n.name) ?? { cpu: n.cpu, mem: n.mem, uptime: 0 };
  return {
    ...base,
    status: "online",
    "host-arch": "x86_64",
    maxcpu: n.maxcpu,
    cpu: p.cpu,
    maxmem: n.maxmem,
    mem: p.mem,
    maxdisk: n.rootTotal,
    disk: n.rootUsed,
    uptime: p.uptime,
  };
}

export function storageUsed(s: StorageState): number {
  return s.baseUsed + s.items.reduce((sum, i) => sum + (i.content === "images" || i.content === "rootdir" ? Math.round(i.size * 0.35) : i.size), 0);
}

export function resourceStorage(cluster: Cluster, n: NodeState, s: StorageState): Json {
  const online = cluster.isOnline(n.name);
  const entry: Json = {
    id: `storage/${n.name}/${s.storage}`,
    type: "storage",
    storage: s.storage,
    node: n.name,
    plugintype: s.type,
    shared: s.shared ? 1 : 0,
    content: s.content.join(","),
    status: online ? "available" : "unknown",
  };
  if (online) Object.assign(entry, { disk: storageUsed(s), maxdisk: s.total });
  return entry;
}

/** One entry of GET /nodes/{node}/lxc or /qemu (live, not from the broadcast). */
export function guestListEntry(cluster: Cluster, g: GuestState): Json {
  const running = g.status === "running";
  const entry: Json = {
    vmid: g.vmid,
    name: g.name,
    status: g.status,
    cpus: g.cores,
    cpu: running ? g.cpu : 0,
    maxmem: g.memory * MiB,
    mem: running ? g.mem : 0,
    maxdisk: g.maxdisk,
    disk: running ? g.disk : 0,
    netin: running ? g.netin : 0,
    netout: running ? g.netout : 0,
    diskread: running ? g.diskread : 0,
    diskwrite: running ? g.diskwrite : 0,
    uptime: uptimeOf(cluster, g),
  };
  if (g.type === "lxc") Object.assign(entry, { type: "lxc", maxswap: g.swap * MiB, swap: running ? g.swapUsed : 0 });
  if (running) {
    entry.pid = g.pid;
    Object.assign(entry, pressure(g));
    if (g.type === "qemu") entry.memhost = g.mem;
  }
  if (g.template) entry.template = 1;
  return guestMeta(g, entry);
}

function pressure(g: GuestState): Json {
  const busy = Math.round(g.cpu * 100) / 100;
  return { pressurecpusome: busy * 0.1, pressurecpufull: 0, pressureiosome: busy * 0.05, pressureiofull: 0, pressurememorysome: 0, pressurememoryfull: 0 };
}

/** GET …/status/current: the list entry plus HA state (and QEMU monitor details). */
export function guestCurrent(cluster: Cluster, g: GuestState): Json {
  const entry = guestListEntry(cluster, g);
  entry.ha = { managed: 0 };
  if (g.type === "qemu") {
    entry.qmpstatus = g.status;
    entry.agent = g.config.agent === "1" ? 1 : 0;
    if (g.status === "running") Object.assign(entry, { "running-machine": "pc-i440fx-9.2+pve1", "running-qemu": "9.2.0" });
  }
  return entry;
}

/**
 * GET …/config: config keys as stored plus the SHA1 digest of the config file. A snapshot's config
 * has its own digest and `snaptime` instead of the current state's `parent`.
 */
export function guestConfig(g: GuestState | (GuestImage & { snaptime: number; parent?: string; vmstate?: boolean })): Json {
  const conf: Json =
    g.type === "lxc"
      ? { arch: g.config.arch, cores: g.cores, hostname: g.name, memory: g.memory, swap: g.swap, ...withoutKeys(g.config, ["arch"]) }
      : { ...g.config, cores: g.cores, memory: String(g.memory), name: g.name };
  if ("lock" in g && g.lock) conf.lock = g.lock;
  if (g.tags) conf.tags = g.tags;
  if (g.template) conf.template = 1;
  if (g.description) conf.description = g.description;
  if ("protection" in g && g.protection) conf.protection = 1;
  if (g.parent) conf.parent = g.parent;
  if ("snaptime" in g) conf.snaptime = g.snaptime;
  if ("vmstate" in g && g.vmstate) conf.vmstate = 1;
  const sorted = Object.fromEntries(Object.entries(conf).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
  const file = Object.entries(sorted).map(([k, v]) => `${k}: ${v}`).join("\n") + "\n";
  return { ...sorted, digest: createHash("sha1").update(file).digest("hex") };
}

function withoutKeys(obj: Record<string, string | number>, keys: string[]): Record<string, string | number> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

export function nodeIndexEntry(cluster: Cluster, n: NodeState): Json {
  const base: Json = { node: n.name, id: `node/${n.name}`, type: "node", level: "", ssl_fingerprint: cluster.fingerprint };
  if (!cluster.isOnline(n.name)) return { ...base, status: "offline" };
  return {
    ...base,
    status: "online",
    maxcpu: n.maxcpu,
    cpu: n.cpu,
    maxmem: n.maxmem,
    mem: n.mem,
    maxdisk: n.rootTotal,
    disk: n.rootUsed,
    uptime: Math.floor((cluster.now() - n.bootAt) / 1000),
  };
}

export function nodeStatus(cluster: Cluster, n: NodeState): Json {
  const swapUsed = n.swapTotal > 0 ? Math.round(n.swapTotal * 0.02) : 0;
  return {
    uptime: Math.floor((cluster.now() - n.bootAt) / 1000),
    idle: 0,
    loadavg: n.loadavg.map((l) => l.toFixed(2)),
    kversion: `Linux ${KERNEL_RELEASE} ${KERNEL_VERSION}`,
    "current-kernel": { sysname: "Linux", release: KERNEL_RELEASE, version: KERNEL_VERSION, machine: "x86_64" },
    "boot-info": { mode: "efi", secureboot: 0 },
    cpuinfo: {
      model: n.cpuModel,
      cpus: n.maxcpu,
      cores: n.cores,
      sockets: n.sockets,
      mhz: n.mhz,
      hvm: "1",
      user_hz: 100,
      flags: "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc rep_good nopl xtopology cpuid pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm avx2 bmi1 bmi2",
    },
    cpu: n.cpu,
    wait: n.wait,
    memory: { total: n.maxmem, used: n.mem, free: n.maxmem - n.mem, available: n.maxmem - n.mem },
    ksm: { shared: 0 },
    swap: { total: n.swapTotal, used: swapUsed, free: n.swapTotal - swapUsed },
    rootfs: { total: n.rootTotal, used: n.rootUsed, avail: n.rootTotal - n.rootUsed, free: n.rootTotal - n.rootUsed },
    pveversion: `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid}`,
  };
}

export function storageStatus(s: StorageState): Json {
  const used = storageUsed(s);
  return {
    storage: s.storage,
    type: s.type,
    content: s.content.join(","),
    active: 1,
    enabled: 1,
    shared: s.shared ? 1 : 0,
    total: s.total,
    used,
    avail: s.total - used,
    used_fraction: used / s.total,
  };
}
