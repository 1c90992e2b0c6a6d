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
  | "property-string";

export interface ParamSpec {
  type: ParamType;
  optional?: true;
  enum?: readonly string[];
  min?: number;
  max?: number;
  maxLength?: number;
  format?: NamedFormat;
  /** Anchored at both ends, like PVE's m/^$pattern$/. */
  pattern?: RegExp;
}

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
];

export function endpointParams(method: HttpMethod, path: string): ParamTable {
  const found = ENDPOINT_PARAMS.find((e) => e.method === method && e.path === path);
  if (!found) throw new Error(`no parameter table for ${method} ${path}`);
  return found.params;
}
