import { stoppedRuntime } from "./state.ts";
/**
 * Builds the initial cluster from a seed: nodes pve1..pveN with hardware, two local storages each
 * plus one NFS share listed under every node, and guests with realistic names, tags, configs and metrics. Same seed and same clock => same estate.
 */
import {
  CT_TEMPLATES,
  ENVIRONMENTS,
  HARDWARE,
  ISOS,
  LXC_OSTYPES,
  SERVICES,
  TEMPLATES,
  type ServiceProfile,
} from "./catalogue.ts";
import { chance, floatBetween, forkRng, hexString, intBetween, pick, uuidFrom, type Rng } from "./prng.ts";
import type { GuestImage, GuestState, GuestType, NodeState, StorageItem, StorageState } from "./state.ts";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const DAY_MS = 86_400_000;

export interface EstateInput {
  seed: number;
  nodes: number;
  guests: number;
  now: number;
}

export interface Estate {
  nodes: NodeState[];
  guests: GuestState[];
}

export function buildEstate(input: EstateInput): Estate {
  const rng = forkRng(input.seed, "estate");
  const nodes = Array.from({ length: input.nodes }, (_, i) => buildNode(rng, i, input.now));
  const guests = buildGuests(rng, nodes, input.guests, input.now);
  const nas = sharedStorage();
  for (const node of nodes) fillStorages(rng, node, guests, input.now, nas);
  return { nodes, guests };
}

function buildNode(rng: Rng, index: number, now: number): NodeState {
  const hw = pick(rng, HARDWARE);
  const uptimeMs = intBetween(rng, 3, 120) * DAY_MS + intBetween(rng, 0, DAY_MS);
  const rootTotal = pick(rng, [100_861_726_720, 68_959_993_856, 236_350_648_320]);
  return {
    name: `pve${index + 1}`,
    nodeid: index + 1,
    ip: `10.10.10.${11 + index}`,
    online: true,
    cpuModel: hw.model,
    sockets: hw.sockets,
    cores: hw.cores,
    maxcpu: hw.threads,
    mhz: hw.mhz,
    maxmem: pick(rng, hw.memGiB) * GiB,
    rootTotal,
    rootUsed: Math.round(rootTotal * floatBetween(rng, 0.08, 0.2)),
    swapTotal: pick(rng, [0, 8 * GiB]),
    bootAt: now - uptimeMs,
    baseMem: Math.round(floatBetween(rng, 2.5, 6) * GiB),
    baseCpu: floatBetween(rng, 0.005, 0.03),
    cpu: 0,
    mem: 0,
    wait: 0,
    loadavg: [0, 0, 0],
    nextPid: intBetween(rng, 200_000, 2_000_000),
    storages: [],
  };
}

function buildGuests(rng: Rng, nodes: NodeState[], count: number, now: number): GuestState[] {
  const seen = new Map<string, number>();
  const totalMem = nodes.reduce((sum, n) => sum + n.maxmem, 0);
  const guests: GuestState[] = [];
  let vmid = 100;
  let templates = 0;
  for (let i = 0; i < count; i++) {
    const node = weightedNode(rng, nodes, totalMem);
    const asTemplate = templates < TEMPLATES.length && count >= 8 && chance(rng, 0.04);
    const profile: ServiceProfile = asTemplate
      ? { ...(TEMPLATES[templates++] as { name: string; type: GuestType }), role: "", cores: [2], memory: [2048], diskGiB: [8, 32] }
      : pick(rng, SERVICES);
    const used = (seen.get(profile.name) ?? 0) + 1;
    seen.set(profile.name, used);
    const name = used === 1 ? profile.name : `${profile.name}-${used}`;
    guests.push(buildGuest(rng, { vmid, node, profile, name, template: asTemplate, now }));
    vmid += chance(rng, 0.08) ? intBetween(rng, 2, 6) : 1;
  }
  return guests;
}

function weightedNode(rng: Rng, nodes: NodeState[], totalMem: number): NodeState {
  let r = rng() * totalMem;
  for (const node of nodes) {
    r -= node.maxmem;
    if (r < 0) return node;
  }
  return nodes[nodes.length - 1] as NodeState;
}

interface GuestSeed {
  vmid: number;
  node: NodeState;
  profile: ServiceProfile;
  name: string;
  template: boolean;
  now: number;
}

function buildGuest(rng: Rng, seed: GuestSeed): GuestState {
  const { vmid, node, profile, template } = seed;
  const type = profile.type;
  const cores = pick(rng, profile.cores);
  const memory = pick(rng, profile.memory);
  const diskGiB = pick(rng, profile.diskGiB);
  const tags = template || chance(rng, 0.25) ? undefined : `${pick(rng, ENVIRONMENTS)};${profile.role}`;
  const guest: GuestState = {
    vmid,
    type,
    node: node.name,
    name: seed.name,
    status: "stopped",
    tags,
    template,
    protection: false,
    snapshots: [],
    cores,
    memory,
    swap: type === "lxc" ? 512 : 0,
    maxdisk: diskGiB * GiB,
    config: defaultConfig(rng, type, vmid, diskGiB, template),
    ...stoppedRuntime(),
  };
  if (!template && chance(rng, 0.7)) {
    // A guest cannot have been running longer than its node.
    const nodeUptimeMs = seed.now - node.bootAt;
    const uptimeMs = Math.min(intBetween(rng, 600, 60 * 86_400) * 1000, Math.max(600_000, nodeUptimeMs - 120_000));
    bootGuest(rng, guest, node, seed.now - uptimeMs);
    const uptime = uptimeMs / 1000;
    guest.netin = Math.round(uptime * floatBetween(rng, 200, 40_000));
    guest.netout = Math.round(uptime * floatBetween(rng, 100, 25_000));
    guest.diskread = Math.round(uptime * floatBetween(rng, 50, 10_000));
    guest.diskwrite = Math.round(uptime * floatBetween(rng, 100, 20_000));
  }
  return guest;
}

/** Puts a guest into the running state with plausible first metrics (also used by task workers). */
export function bootGuest(rng: Rng, guest: GuestState, node: NodeState, startedAt: number): void {
  guest.status = "running";
  guest.startedAt = startedAt;
  guest.pid = node.nextPid;
  node.nextPid += intBetween(rng, 3, 60);
  guest.cpu = floatBetween(rng, 0.005, 0.2);
  const maxmem = guest.memory * MiB;
  guest.mem = Math.round(maxmem * floatBetween(rng, guest.type === "lxc" ? 0.15 : 0.4, 0.8));
  guest.disk = guest.type === "lxc" ? Math.round(guest.maxdisk * floatBetween(rng, 0.15, 0.75)) : 0;
  guest.swapUsed = 0;
  guest.netin = 0;
  guest.netout = 0;
  guest.diskread = 0;
  guest.diskwrite = 0;
}

function mac(rng: Rng): string {
  const bytes = hexString(rng, 6).toUpperCase().match(/../g) as string[];
  return `BC:24:11:${bytes.join(":")}`;
}

/** The static address the estate gives a guest: 10.20.0.0/16, derived from the vmid. */
export function ipFor(vmid: number): string {
  return `10.20.${Math.floor((vmid - 100) / 250) % 256}.${((vmid - 100) % 250) + 2}/16`;
}

/** Config keys beyond name/cores/memory/tags/lock, as PVE writes them for a new guest. */
export function defaultConfig(rng: Rng, type: GuestType, vmid: number, diskGiB: number, template = false): Record<string, string | number> {
  const config = type === "lxc" ? lxcConfig(rng, vmid, diskGiB) : qemuConfig(rng, vmid, diskGiB);
  // A template's disks are lvmthin base volumes, the origin of linked clones.
  const disk = type === "lxc" ? "rootfs" : "scsi0";
  if (template) config[disk] = String(config[disk]).replace(`:vm-${vmid}-`, `:base-${vmid}-`);
  return config;
}

function lxcConfig(rng: Rng, vmid: number, diskGiB: number): Record<string, string | number> {
  return {
    arch: "amd64",
    features: "nesting=1",
    net0: `name=eth0,bridge=vmbr0,firewall=1,gw=10.20.0.1,hwaddr=${mac(rng)},ip=${ipFor(vmid)},type=veth`,
    onboot: 1,
    ostype: pick(rng, LXC_OSTYPES),
    rootfs: `local-lvm:vm-${vmid}-disk-0,size=${diskGiB}G`,
    unprivileged: 1,
  };
}

function qemuConfig(rng: Rng, vmid: number, diskGiB: number): Record<string, string | number> {
  const windows = chance(rng, 0.1);
  const agent = chance(rng, 0.6);
  return {
    ...(agent ? { agent: "1" } : {}),
    boot: "order=scsi0;ide2;net0",
    cpu: "x86-64-v2-AES",
    ide2: "none,media=cdrom",
    meta: `creation-qemu=9.2.0,ctime=${1_735_000_000 + intBetween(rng, 0, 20_000_000)}`,
    net0: `virtio=${mac(rng)},bridge=vmbr0,firewall=1`,
    numa: 0,
    onboot: 1,
    ostype: windows ? "win11" : "l26",
    scsi0: `local-lvm:vm-${vmid}-disk-0,iothread=1,size=${diskGiB}G`,
    scsihw: "virtio-scsi-single",
    smbios1: `uuid=${uuidFrom(rng)}`,
    sockets: 1,
    vmgenid: uuidFrom(rng),
  };
}

/** The cluster-wide NFS share: the only place linked to every node, so cross-node clones go there. */
function sharedStorage(): StorageState {
  return {
    storage: "nas",
    type: "nfs",
    shared: true,
    path: "/mnt/pve/nas",
    content: ["backup", "images", "rootdir", "vztmpl"],
    // A 2 TB share that others fill too: less room than the local thin pools, more than `local`.
    total: 1_999_844_147_200,
    baseUsed: 1_300_000_000_000,
    items: [],
  };
}

function fillStorages(rng: Rng, node: NodeState, guests: GuestState[], now: number, nas: StorageState): void {
  const own = guests.filter((g) => g.node === node.name);
  const local: StorageState = {
    storage: "local",
    type: "dir",
    shared: false,
    path: "/var/lib/vz",
    content: ["backup", "iso", "vztmpl"],
    total: node.rootTotal,
    baseUsed: node.rootUsed,
    items: [],
  };
  for (const t of CT_TEMPLATES) {
    // Every node has the common Debian/Ubuntu templates; the rest only where someone downloaded them.
    if (t.always || chance(rng, 0.7)) local.items.push({ volid: `local:vztmpl/${t.file}`, content: "vztmpl", format: t.format, size: t.size, ctime: Math.floor((now - intBetween(rng, 20, 400) * DAY_MS) / 1000) });
  }
  for (const iso of ISOS) {
    if (chance(rng, 0.6)) local.items.push({ volid: `local:iso/${iso.file}`, content: "iso", format: "iso", size: iso.size, ctime: Math.floor((now - intBetween(rng, 20, 400) * DAY_MS) / 1000) });
  }
  for (const guest of own) {
    if (guest.template || !chance(rng, 0.5)) continue;
    const copies = intBetween(rng, 1, 3);
    for (let day = 1; day <= copies; day++) local.items.push(backupItem(rng, guest, now - day * DAY_MS));
  }
  const thin: StorageState = {
    storage: "local-lvm",
    type: "lvmthin",
    shared: false,
    content: ["images", "rootdir"],
    total: pick(rng, [1_862_270_976_000, 3_724_541_952_000, 942_556_282_880]),
    baseUsed: Math.round(floatBetween(rng, 1, 4) * GiB),
    items: own.map((g) => ({
      volid: `local-lvm:${g.template ? "base" : "vm"}-${g.vmid}-disk-0`,
      content: g.type === "lxc" ? "rootdir" : "images",
      format: "raw",
      size: g.maxdisk,
      vmid: g.vmid,
    })),
  };
  node.storages = [local, thin, nas];
}

function backupItem(rng: Rng, guest: GuestState, dayMs: number): StorageItem {
  const at = new Date(dayMs - (dayMs % DAY_MS) + intBetween(rng, 3600, 3 * 3600) * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${at.getUTCFullYear()}_${pad(at.getUTCMonth() + 1)}_${pad(at.getUTCDate())}-${pad(at.getUTCHours())}_${pad(at.getUTCMinutes())}_${pad(at.getUTCSeconds())}`;
  const lxc = guest.type === "lxc";
  const format = lxc ? "tar.zst" : "vma.zst";
  return {
    volid: `local:backup/vzdump-${guest.type}-${guest.vmid}-${stamp}.${format}`,
    content: "backup",
    format,
    size: Math.round(guest.maxdisk * floatBetween(rng, 0.02, 0.12)),
    vmid: guest.vmid,
    ctime: Math.floor(at.getTime() / 1000),
    subtype: guest.type,
    notes: guest.name,
    protected: chance(rng, 0.1),
    source: guestImage(guest),
  };
}

/** A frozen copy of what a snapshot or backup keeps of a guest's config. */
export function guestImage(g: GuestState): GuestImage {
  const image: GuestImage = {
    type: g.type,
    name: g.name,
    template: g.template,
    cores: g.cores,
    memory: g.memory,
    swap: g.swap,
    maxdisk: g.maxdisk,
    config: { ...g.config },
  };
  if (g.tags) image.tags = g.tags;
  if (g.description) image.description = g.description;
  return image;
}
