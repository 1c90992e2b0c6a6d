/** In-memory truth of the simulated cluster. Only the model and the task workers mutate it. */

export type GuestType = "lxc" | "qemu";
export type RunState = "running" | "stopped";

export interface GuestState {
  vmid: number;
  type: GuestType;
  node: string;
  name: string;
  status: RunState;
  lock?: string;
  /** ";"-separated, as stored in the config. */
  tags?: string;
  template: boolean;
  /** Config `protection`: refuses destroy and restore-over. */
  protection: boolean;
  description?: string;
  /** Name of the snapshot the current state derives from. */
  parent?: string;
  /** Snapshots in creation order. */
  snapshots: SnapshotState[];
  cores: number;
  /** MiB. */
  memory: number;
  /** MiB, LXC only. */
  swap: number;
  /** Root disk size in bytes. */
  maxdisk: number;
  /** Remaining config keys (net0, ostype, rootfs/scsi0, …) in file order. */
  config: Record<string, string | number>;
  /** Live metrics; meaningful while running, zero while stopped. */
  cpu: number;
  mem: number;
  swapUsed: number;
  disk: number;
  netin: number;
  netout: number;
  diskread: number;
  diskwrite: number;
  /** Clock time (ms) the guest was last started. */
  startedAt: number;
  /** Process id of the running container init / QEMU process. */
  pid: number;
}

/** The parts of a guest's config a snapshot or a backup freezes and a rollback or restore brings back. */
export interface GuestImage {
  type: GuestType;
  name: string;
  tags?: string;
  template: boolean;
  description?: string;
  cores: number;
  memory: number;
  swap: number;
  maxdisk: number;
  config: Record<string, string | number>;
}

export interface SnapshotState {
  name: string;
  description: string;
  /** Epoch seconds. */
  snaptime: number;
  parent?: string;
  /** QEMU: RAM state saved with the snapshot. */
  vmstate: boolean;
  image: GuestImage;
}

export interface StorageItem {
  volid: string;
  content: "iso" | "vztmpl" | "backup" | "images" | "rootdir";
  format: string;
  size: number;
  vmid?: number;
  ctime?: number;
  subtype?: GuestType;
  notes?: string;
  protected?: boolean;
  /** Backups: the guest config inside the archive, used by restores. */
  source?: GuestImage;
  /** vztmpl: pulled from an OCI registry (application container image). */
  oci?: boolean;
}

export interface StorageState {
  storage: string;
  type: "dir" | "lvmthin" | "nfs";
  /** One object listed under every node (PVE shows shared storages per node). */
  shared: boolean;
  /** Where the storage keeps files, e.g. /var/lib/vz (dir and nfs only). */
  path?: string;
  /** Sorted content types. */
  content: string[];
  total: number;
  /** Used bytes not accounted for by listed items (OS files, thin metadata). */
  baseUsed: number;
  items: StorageItem[];
}

export interface NodeState {
  name: string;
  nodeid: number;
  ip: string;
  online: boolean;
  cpuModel: string;
  sockets: number;
  cores: number;
  maxcpu: number;
  mhz: string;
  /** Bytes. */
  maxmem: number;
  /** Root filesystem bytes. */
  rootTotal: number;
  rootUsed: number;
  swapTotal: number;
  /** Clock time (ms) of the last boot; uptime and task pstart derive from it. */
  bootAt: number;
  /** Host overhead that is not guest memory (bytes) and idle cpu fraction. */
  baseMem: number;
  baseCpu: number;
  cpu: number;
  mem: number;
  wait: number;
  loadavg: [number, number, number];
  nextPid: number;
  storages: StorageState[];
}

/** What pvestatd last broadcast for a guest: /cluster/resources serves status and stats from here. */
export interface PublishedGuest {
  status: RunState;
  /** maxcpu, cpu, maxmem, mem, … uptime as JSON members (no braces), ready to splice into an entry. */
  statsJson: string;
}

/** The runtime counters of a guest that is not running: all zero, as PVE reports them. */
export function stoppedRuntime(): Pick<
  GuestState,
  "cpu" | "mem" | "swapUsed" | "disk" | "netin" | "netout" | "diskread" | "diskwrite" | "startedAt" | "pid"
> {
  return { cpu: 0, mem: 0, swapUsed: 0, disk: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0, startedAt: 0, pid: 0 };
}
