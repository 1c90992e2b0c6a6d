import {
  array,
  boolean,
  coerce,
  defaulted,
  dynamic,
  enums,
  literal,
  number,
  object,
  optional,
  string,
  tuple,
  type as looseObject,
  union,
  Struct,
  type Infer,
} from "superstruct";
import { pveBoolean, pveCommaList, pveFlag, pveInteger, pveNumber, pveString, pveTagList } from "./coerce.ts";

// Reply shapes of the endpoints Proximity uses, field names as PVE sends them (see
// shared/reference/pve-api-endpoints.md). Fields PVE documents as optional, or leaves out for stopped
// guests, stay optional; unknown fields are dropped when parsing.

const count = optional(pveNumber);

export const VersionShape = object({
  version: pveString,
  release: pveString,
  repoid: pveString,
  console: optional(string()),
});
export type Version = Infer<typeof VersionShape>;

/** `unknown` appears for guests until the next status broadcast, and for guests on offline nodes. */
export const GUEST_RESOURCE_STATUSES = ["running", "stopped", "unknown"] as const;
export const NODE_STATUSES = ["online", "offline", "unknown"] as const;
export const GUEST_RUN_STATUSES = ["running", "stopped"] as const;

const guestStats = {
  cpu: count,
  maxcpu: count,
  mem: count,
  maxmem: count,
  disk: count,
  maxdisk: count,
  netin: count,
  netout: count,
  diskread: count,
  diskwrite: count,
  uptime: count,
};

export const ClusterGuestResourceShape = object({
  type: enums(["qemu", "lxc"]),
  id: string(),
  vmid: pveInteger,
  node: string(),
  status: enums(GUEST_RESOURCE_STATUSES),
  name: optional(pveString),
  template: pveFlag,
  ...guestStats,
  lock: optional(string()),
  tags: pveTagList,
  pool: optional(string()),
  hastate: optional(string()),
});
export type ClusterGuestResource = Infer<typeof ClusterGuestResourceShape>;

export const ClusterNodeResourceShape = object({
  type: literal("node"),
  id: string(),
  node: string(),
  status: enums(NODE_STATUSES),
  cpu: count,
  maxcpu: count,
  mem: count,
  maxmem: count,
  disk: count,
  maxdisk: count,
  uptime: count,
  level: optional(string()),
  "cgroup-mode": optional(pveInteger),
  hastate: optional(string()),
});
export type ClusterNodeResource = Infer<typeof ClusterNodeResourceShape>;

export const ClusterStorageResourceShape = object({
  type: literal("storage"),
  id: string(),
  node: string(),
  storage: string(),
  status: string(),
  plugintype: optional(string()),
  shared: pveFlag,
  content: pveCommaList,
  disk: count,
  maxdisk: count,
});
export type ClusterStorageResource = Infer<typeof ClusterStorageResourceShape>;

/**
 * Pools, SDN zones, networks and types newer PVE versions add: kept (so a new type does not break the
 * whole listing) under `type: "other"` with the original in `pveType`.
 */
export const ClusterOtherResourceShape = coerce(
  object({
    type: literal("other"),
    pveType: string(),
    id: string(),
    node: optional(string()),
    status: optional(string()),
    name: optional(pveString),
  }),
  looseObject({ type: string() }),
  (value) => (value.type === "other" ? value : { ...value, type: "other", pveType: value.type }),
);
export type ClusterOtherResource = Infer<typeof ClusterOtherResourceShape>;

export type ClusterResource = ClusterGuestResource | ClusterNodeResource | ClusterStorageResource | ClusterOtherResource;

// superstruct's Struct is invariant in its type, so the picked member is widened by hand.
export const ClusterResourceShape = dynamic<unknown>((value): Struct<any, any> => {
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type === "qemu" || type === "lxc") return ClusterGuestResourceShape;
  if (type === "node") return ClusterNodeResourceShape;
  if (type === "storage") return ClusterStorageResourceShape;
  return ClusterOtherResourceShape;
}) as Struct<ClusterResource, null>;

export function isGuestResource(resource: ClusterResource): resource is ClusterGuestResource {
  return resource.type === "lxc" || resource.type === "qemu";
}

export const ClusterStatusClusterShape = object({
  type: literal("cluster"),
  id: string(),
  name: pveString,
  nodes: pveInteger,
  version: pveInteger,
  quorate: pveBoolean,
});
export const ClusterStatusNodeShape = object({
  type: literal("node"),
  id: string(),
  name: pveString,
  /** 0 on a single-node install without corosync. */
  nodeid: optional(pveInteger),
  /** Whether this is the node that answered. */
  local: pveFlag,
  online: pveBoolean,
  ip: optional(string()),
  level: optional(string()),
});
export type ClusterStatusEntry = Infer<typeof ClusterStatusClusterShape> | Infer<typeof ClusterStatusNodeShape>;

export const ClusterStatusEntryShape = dynamic<unknown>(
  (value): Struct<any, any> =>
    typeof value === "object" && value !== null && (value as { type?: unknown }).type === "cluster"
      ? ClusterStatusClusterShape
      : ClusterStatusNodeShape,
) as Struct<ClusterStatusEntry, null>;

const taskIdentity = {
  upid: string(),
  node: string(),
  type: string(),
  id: pveString,
  user: string(),
  tokenid: optional(string()),
  starttime: pveInteger,
};

/** `/cluster/tasks`: running entries have `pid`, finished ones `endtime` + `status` (the exit text). */
export const ClusterTaskShape = object({
  ...taskIdentity,
  pid: optional(pveInteger),
  endtime: optional(pveInteger),
  status: optional(string()),
});
export type ClusterTask = Infer<typeof ClusterTaskShape>;

/** `/nodes/{node}/tasks`: `status` is the exit text, or `RUNNING` for active ones. */
export const NodeTaskShape = object({
  ...taskIdentity,
  pid: pveInteger,
  pstart: pveInteger,
  endtime: optional(pveInteger),
  status: optional(string()),
});
export type NodeTask = Infer<typeof NodeTaskShape>;

export const TaskStatusShape = object({
  ...taskIdentity,
  pid: pveInteger,
  pstart: pveInteger,
  status: enums(GUEST_RUN_STATUSES),
  /** Only once stopped: `OK`, `WARNINGS: n`, or the error text. */
  exitstatus: optional(string()),
});
export type TaskStatus = Infer<typeof TaskStatusShape>;

export const TaskLogLineShape = object({ n: pveInteger, t: pveString });
export type TaskLogLine = Infer<typeof TaskLogLineShape>;

export const NodeEntryShape = object({
  node: string(),
  status: enums(NODE_STATUSES),
  cpu: count,
  maxcpu: count,
  mem: count,
  maxmem: count,
  disk: count,
  maxdisk: count,
  uptime: count,
  level: optional(string()),
  ssl_fingerprint: optional(string()),
});
export type NodeEntry = Infer<typeof NodeEntryShape>;

const usage = object({ total: pveNumber, used: pveNumber, free: pveNumber, available: optional(pveNumber) });

export const NodeStatusShape = object({
  uptime: pveNumber,
  cpu: pveNumber,
  wait: count,
  /** 1, 5 and 15 minute averages; PVE sends them as strings. */
  loadavg: tuple([pveNumber, pveNumber, pveNumber]),
  memory: usage,
  swap: optional(usage),
  rootfs: object({ total: pveNumber, used: pveNumber, free: optional(pveNumber), avail: pveNumber }),
  cpuinfo: object({
    cpus: pveInteger,
    cores: optional(pveInteger),
    sockets: optional(pveInteger),
    model: optional(pveString),
    mhz: optional(pveNumber),
  }),
  pveversion: pveString,
  kversion: optional(pveString),
});
export type NodeStatus = Infer<typeof NodeStatusShape>;

const guestCommon = {
  vmid: pveInteger,
  status: enums(GUEST_RUN_STATUSES),
  name: optional(pveString),
  template: pveFlag,
  cpus: count,
  ...guestStats,
  maxswap: count,
  swap: count,
  pid: optional(pveInteger),
  lock: optional(string()),
  tags: pveTagList,
  /** QEMU only: `running`, `paused`, `prelaunch`, … */
  qmpstatus: optional(string()),
};

export const GuestListEntryShape = object(guestCommon);
/** `type` is not in PVE's qemu list; the client fills it in from the endpoint it asked. */
export type GuestListEntry = Infer<typeof GuestListEntryShape> & { type: "lxc" | "qemu" };

export const GuestStatusShape = object({
  ...guestCommon,
  ha: optional(object({ managed: pveBoolean, state: optional(string()) })),
});
export type GuestStatus = Infer<typeof GuestStatusShape> & { type: "lxc" | "qemu" };

/**
 * Config values are strings and numbers as PVE stores them (property strings like `net0` stay raw). The
 * one non-scalar, LXC's raw `lxc` key ([[key, value], …]), becomes `key: value` lines as in the file.
 */
const configValue = coerce(
  union([string(), number()]),
  union([boolean(), array(tuple([string(), string()]))]),
  (value) => (typeof value === "boolean" ? Number(value) : value.map(([key, item]) => `${key}: ${item}`).join("\n")),
);
const configDigest = string();
// Hand-made rather than intersection(type, record): superstruct's record writes each key over its own
// value while coercing.
export const GuestConfigShape = new Struct<GuestConfig, null>({
  type: "guest config",
  schema: null,
  *entries(value) {
    if (typeof value !== "object" || value === null) return;
    const record = value as Record<string, unknown>;
    yield ["digest", record.digest, configDigest];
    for (const key of Object.keys(record)) if (key !== "digest") yield [key, record[key], configValue];
  },
  validator: (value) => (typeof value === "object" && value !== null && !Array.isArray(value)) || "Expected an object",
  coercer: (value) => (typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : value),
});
export type GuestConfig = { digest: string } & Record<string, string | number>;

export const StorageEntryShape = object({
  storage: string(),
  type: string(),
  content: pveCommaList,
  active: optional(pveBoolean),
  enabled: optional(pveBoolean),
  shared: optional(pveBoolean),
  total: count,
  used: count,
  avail: count,
  used_fraction: count,
});
export type StorageEntry = Infer<typeof StorageEntryShape>;

/** One volume of `GET /nodes/{node}/storage/{storage}/content`. */
export const StorageVolumeShape = object({
  volid: string(),
  format: string(),
  size: pveNumber,
  /** Not in the schema but always sent: `images`, `rootdir`, `vztmpl`, `iso`, `backup`, … */
  content: optional(string()),
  /** `lxc` / `qemu` for backups. */
  subtype: optional(string()),
  ctime: optional(pveInteger),
  vmid: optional(pveInteger),
  notes: optional(pveString),
  protected: optional(pveBoolean),
  parent: optional(string()),
  used: count,
  encrypted: optional(pveString),
});
export type StorageVolume = Infer<typeof StorageVolumeShape>;

/**
 * `GET …/snapshot`: the snapshots plus PVE's pseudo-entry `current` (description "You are here!",
 * `running`), whose `parent` is the snapshot the present state derives from.
 */
export const SnapshotShape = object({
  name: pveString,
  description: defaulted(pveString, ""),
  snaptime: optional(pveInteger),
  parent: optional(pveString),
  /** QEMU: RAM state saved with the snapshot. */
  vmstate: optional(pveBoolean),
  /** Only on `current`. */
  running: optional(pveBoolean),
});
export type Snapshot = Infer<typeof SnapshotShape>;

/** `GET /nodes/{node}/lxc/{vmid}/interfaces` (running containers only). */
export const ContainerInterfaceShape = object({
  name: pveString,
  hwaddr: optional(pveString),
  inet: optional(pveString),
  inet6: optional(pveString),
});
export type ContainerInterface = Infer<typeof ContainerInterfaceShape>;

export const TicketShape = object({
  username: string(),
  ticket: string(),
  CSRFPreventionToken: string(),
});
