/**
 * Parameter definitions of the endpoints the simulator serves, in our own compact form. They mirror
 * the official PVE 9.1 API schema for type/optional/enum/minimum/maximum (params-conformance.test.ts
 * checks that against ../shared/reference/pve-apidata.json when it is available).
 */

export type ParamType = "string" | "integer" | "number" | "boolean";
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** Named formats we verify (unknown ones in the official schema are accepted as plain strings). */
export type NamedFormat =
  | "pve-node"
  | "pve-vmid"
  | "pve-storage-id"
  | "pve-configid"
  | "pve-realm"
  | "pve-priv-list"
  | "pve-storage-content"
  | "pve-storage-content-list"
  | "pve-task-status-type-list"
  | "CIDR"
  | "storage-pair-list"
  | "dns-name"
  | "pve-vmid-list"
  | "pve-configid-list"
  | "pve-tag-list"
  | "property-string";

export interface ParamSpec {
  type: ParamType;
  optional?: true;
  enum?: readonly string[];
  min?: number;
  max?: number;
  maxLength?: number;
  minLength?: number;
  format?: NamedFormat;
  /** Anchored at both ends, like PVE's m/^$pattern$/. */
  pattern?: RegExp;
}

/** Keys are parameter names; `net[n]` stands for net0, net1, … as in the official schema. */
export type ParamTable = Readonly<Record<string, ParamSpec>>;

export interface EndpointParams {
  method: HttpMethod;
  /** Path template as in the API viewer, e.g. /nodes/{node}/lxc/{vmid}/status/start. */
  path: string;
  params: ParamTable;
}

const opt = (spec: ParamSpec): ParamSpec => ({ ...spec, optional: true });
const str = (extra: Omit<ParamSpec, "type"> = {}): ParamSpec => ({ type: "string", ...extra });
const int = (extra: Omit<ParamSpec, "type"> = {}): ParamSpec => ({ type: "integer", ...extra });
const bool = (): ParamSpec => ({ type: "boolean", optional: true });

const node = str({ format: "pve-node" });
const vmid = int({ format: "pve-vmid", min: 100, max: 999_999_999 });
const storage = str({ format: "pve-storage-id" });
const upid = str();
const timeout = opt(int({ min: 0 }));
const guest = { node, vmid };

const guestConfig: ParamTable = {
  ...guest,
  current: bool(),
  snapshot: opt(str({ format: "pve-configid", maxLength: 40 })),
};

const snapname = str({ format: "pve-configid", maxLength: 40 });
const propertyString = opt(str({ format: "property-string" }));
const description = opt(str({ maxLength: 8192 }));
const tags = opt(str({ format: "pve-tag-list" }));
const digest = opt(str({ maxLength: 40 }));
const resizeSize = str({ pattern: /\+?\d+(\.\d+)?[KMGT]?/ });
const LXC_DISKS = ["rootfs", ...Array.from({ length: 256 }, (_, i) => `mp${i}`)];
const QEMU_DISKS = [
  ...Array.from({ length: 4 }, (_, i) => `ide${i}`),
  ...Array.from({ length: 31 }, (_, i) => `scsi${i}`),
  ...Array.from({ length: 16 }, (_, i) => `virtio${i}`),
  ...Array.from({ length: 6 }, (_, i) => `sata${i}`),
  "efidisk0",
  "tpmstate0",
];
const LXC_ARCHES = ["amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"];
const LXC_OSTYPES = ["debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo", "nixos", "unmanaged"];
// Any character but DEL and the C0 controls outside 0x09-0x0F (tab, newline, … stay allowed).
const PRINTABLE = "[^\\x00-\\x08\\x10-\\x1F\\x7F]";
// Lower-case registry path and a tag, as in the OCI distribution spec.
const OCI_REFERENCE =
  /(?:(?:[a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d])(?:\.(?:[a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d]))*(?::\d+)?\/)?[a-z\d]+(?:(?:[._]|__|-*)[a-z\d]+)*(?:\/[a-z\d]+(?:(?:[._]|__|-*)[a-z\d]+)*)*:\w[\w.-]{0,127}/;

function guestOperations(type: "lxc" | "qemu"): EndpointParams[] {
  const base = `/nodes/{node}/${type}/{vmid}`;
  const lxc = type === "lxc";
  const nameParam: ParamTable = lxc ? { hostname: opt(str({ format: "dns-name", maxLength: 255 })) } : { name: opt(str({ format: "dns-name" })) };
  return [
    { method: "GET", path: `${base}/snapshot`, params: guest },
    {
      method: "POST",
      path: `${base}/snapshot`,
      params: { ...guest, snapname, description: opt(str()), ...(lxc ? {} : { vmstate: bool() }) },
    },
    { method: "POST", path: `${base}/snapshot/{snapname}/rollback`, params: { ...guest, snapname, start: bool() } },
    { method: "DELETE", path: `${base}/snapshot/{snapname}`, params: { ...guest, snapname, force: bool() } },
    {
      method: "POST",
      path: `${base}/clone`,
      params: {
        ...guest,
        newid: vmid,
        ...(lxc ? { hostname: opt(str({ format: "dns-name" })) } : { name: opt(str({ format: "dns-name" })) }),
        description: opt(str()),
        full: bool(),
        snapname: opt(snapname),
        storage: opt(storage),
        target: opt(node),
      },
    },
    {
      method: "POST",
      path: `${base}/migrate`,
      params: lxc
        ? { ...guest, target: node, online: bool(), restart: bool(), timeout: opt(int()) }
        : { ...guest, target: node, online: bool(), "with-local-disks": bool() },
    },
    {
      method: "DELETE",
      path: base,
      params: lxc
        ? { ...guest, purge: bool(), "destroy-unreferenced-disks": bool(), force: bool() }
        : { ...guest, purge: bool(), "destroy-unreferenced-disks": bool(), skiplock: bool() },
    },
    {
      method: "PUT",
      path: `${base}/config`,
      params: {
        ...guest,
        ...nameParam,
        cores: opt(int(lxc ? { min: 1, max: 8192 } : { min: 1 })),
        memory: lxc ? opt(int({ min: 16 })) : opt(str({ format: "property-string" })),
        ...(lxc ? { swap: opt(int({ min: 0 })) } : { skiplock: bool() }),
        description,
        tags,
        protection: bool(),
        onboot: bool(),
        delete: opt(str({ format: "pve-configid-list" })),
        digest,
      },
    },
    {
      method: "PUT",
      path: `${base}/resize`,
      params: { ...guest, disk: str({ enum: lxc ? LXC_DISKS : QEMU_DISKS }), size: resizeSize, digest, ...(lxc ? {} : { skiplock: bool() }) },
    },
  ];
}

export const ENDPOINT_PARAMS: readonly EndpointParams[] = [
  { method: "GET", path: "/version", params: {} },
  { method: "GET", path: "/access/ticket", params: {} },
  {
    method: "POST",
    path: "/access/ticket",
    params: {
      username: str({ maxLength: 64 }),
      password: str(),
      realm: opt(str({ format: "pve-realm", maxLength: 32 })),
      otp: opt(str()),
      path: opt(str({ maxLength: 64 })),
      privs: opt(str({ format: "pve-priv-list", maxLength: 64 })),
      "tfa-challenge": opt(str()),
      "new-format": bool(),
    },
  },
  { method: "GET", path: "/cluster/resources", params: { type: opt(str({ enum: ["vm", "storage", "node", "sdn"] })) } },
  { method: "GET", path: "/cluster/status", params: {} },
  { method: "GET", path: "/cluster/nextid", params: { vmid: opt(vmid) } },
  { method: "GET", path: "/cluster/tasks", params: {} },
  { method: "GET", path: "/nodes", params: {} },
  { method: "GET", path: "/nodes/{node}/status", params: { node } },
  { method: "GET", path: "/nodes/{node}/lxc", params: { node } },
  { method: "GET", path: "/nodes/{node}/qemu", params: { node, full: bool() } },
  { method: "GET", path: "/nodes/{node}/lxc/{vmid}/status/current", params: guest },
  { method: "GET", path: "/nodes/{node}/qemu/{vmid}/status/current", params: guest },
  { method: "GET", path: "/nodes/{node}/lxc/{vmid}/config", params: guestConfig },
  { method: "GET", path: "/nodes/{node}/qemu/{vmid}/config", params: guestConfig },
  { method: "POST", path: "/nodes/{node}/lxc/{vmid}/status/start", params: { ...guest, skiplock: bool(), debug: bool() } },
  { method: "POST", path: "/nodes/{node}/lxc/{vmid}/status/stop", params: { ...guest, skiplock: bool(), "overrule-shutdown": bool() } },
  { method: "POST", path: "/nodes/{node}/lxc/{vmid}/status/shutdown", params: { ...guest, timeout, forceStop: bool() } },
  { method: "POST", path: "/nodes/{node}/lxc/{vmid}/status/reboot", params: { ...guest, timeout } },
  {
    method: "POST",
    path: "/nodes/{node}/qemu/{vmid}/status/start",
    params: {
      ...guest,
      skiplock: bool(),
      timeout,
      "force-cpu": opt(str()),
      machine: opt(str({ format: "property-string" })),
      migratedfrom: opt(node),
      migration_network: opt(str({ format: "CIDR" })),
      migration_type: opt(str({ enum: ["secure", "insecure"] })),
      "nets-host-mtu": opt(str({ pattern: /net\d+=\d+(,net\d+=\d+)*/ })),
      stateuri: opt(str({ maxLength: 128 })),
      targetstorage: opt(str({ format: "storage-pair-list" })),
      "with-conntrack-state": bool(),
    },
  },
  {
    method: "POST",
    path: "/nodes/{node}/qemu/{vmid}/status/stop",
    params: { ...guest, skiplock: bool(), timeout, keepActive: bool(), migratedfrom: opt(node), "overrule-shutdown": bool() },
  },
  {
    method: "POST",
    path: "/nodes/{node}/qemu/{vmid}/status/shutdown",
    params: { ...guest, skiplock: bool(), timeout, forceStop: bool(), keepActive: bool() },
  },
  { method: "POST", path: "/nodes/{node}/qemu/{vmid}/status/reboot", params: { ...guest, timeout } },
  {
    method: "GET",
    path: "/nodes/{node}/tasks",
    params: {
      node,
      errors: bool(),
      limit: opt(int({ min: 0 })),
      start: opt(int({ min: 0 })),
      since: opt(int()),
      until: opt(int()),
      source: opt(str({ enum: ["archive", "active", "all"] })),
      statusfilter: opt(str({ format: "pve-task-status-type-list" })),
      typefilter: opt(str()),
      userfilter: opt(str()),
      vmid: opt(vmid),
    },
  },
  { method: "GET", path: "/nodes/{node}/tasks/{upid}", params: { node, upid } },
  { method: "DELETE", path: "/nodes/{node}/tasks/{upid}", params: { node, upid } },
  { method: "GET", path: "/nodes/{node}/tasks/{upid}/status", params: { node, upid } },
  {
    method: "GET",
    path: "/nodes/{node}/tasks/{upid}/log",
    params: { node, upid, start: opt(int({ min: 0 })), limit: opt(int({ min: 0 })), download: bool() },
  },
  {
    method: "GET",
    path: "/nodes/{node}/storage",
    params: {
      node,
      content: opt(str({ format: "pve-storage-content-list" })),
      enabled: bool(),
      format: bool(),
      storage: opt(storage),
      target: opt(node),
    },
  },
  { method: "GET", path: "/nodes/{node}/storage/{storage}/status", params: { node, storage } },
  {
    method: "GET",
    path: "/nodes/{node}/storage/{storage}/content",
    params: { node, storage, content: opt(str({ format: "pve-storage-content" })), vmid: opt(vmid) },
  },
  // The schema marks {storage} optional here; the path always carries it.
  { method: "DELETE", path: "/nodes/{node}/storage/{storage}/content/{volume}", params: { node, storage: opt(storage), volume: str() } },
  {
    method: "POST",
    path: "/nodes/{node}/storage/{storage}/oci-registry-pull",
    params: { node, storage, reference: str({ pattern: OCI_REFERENCE }), filename: opt(str({ maxLength: 255, minLength: 1 })) },
  },
  {
    method: "POST",
    path: "/nodes/{node}/lxc",
    params: {
      node,
      vmid,
      ostemplate: str({ maxLength: 255 }),
      hostname: opt(str({ format: "dns-name", maxLength: 255 })),
      cores: opt(int({ min: 1, max: 8192 })),
      memory: opt(int({ min: 16 })),
      swap: opt(int({ min: 0 })),
      rootfs: propertyString,
      "net[n]": propertyString,
      features: propertyString,
      unprivileged: bool(),
      arch: opt(str({ enum: LXC_ARCHES })),
      ostype: opt(str({ enum: LXC_OSTYPES })),
      onboot: bool(),
      tags,
      description,
      start: bool(),
      password: opt(str({ minLength: 5 })),
      "ssh-public-keys": opt(str()),
      entrypoint: opt(str({ pattern: new RegExp(`${PRINTABLE}+`) })),
      env: opt(str({ pattern: new RegExp(`(?:\\w+=${PRINTABLE}*)(?:\\0\\w+=${PRINTABLE}*)*`) })),
      restore: bool(),
      force: bool(),
      unique: bool(),
      storage: opt(storage),
    },
  },
  {
    method: "POST",
    path: "/nodes/{node}/qemu",
    params: { node, vmid, archive: opt(str({ maxLength: 255 })), force: bool(), unique: bool(), storage: opt(storage), start: bool() },
  },
  { method: "GET", path: "/nodes/{node}/lxc/{vmid}/interfaces", params: guest },
  {
    method: "POST",
    path: "/nodes/{node}/vzdump",
    params: {
      node: opt(node),
      vmid: opt(str({ format: "pve-vmid-list" })),
      storage: opt(storage),
      mode: opt(str({ enum: ["snapshot", "suspend", "stop"] })),
      compress: opt(str({ enum: ["0", "1", "gzip", "lzo", "zstd"] })),
      "notes-template": opt(str({ maxLength: 1024 })),
      protected: bool(),
    },
  },
  ...guestOperations("lxc"),
  ...guestOperations("qemu"),
];

export function endpointParams(method: HttpMethod, path: string): ParamTable {
  const found = ENDPOINT_PARAMS.find((e) => e.method === method && e.path === path);
  if (!found) throw new Error(`no parameter table for ${method} ${path}`);
  return found.params;
}
