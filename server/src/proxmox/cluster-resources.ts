import { ReplyShapeError } from "./coerce.ts";
import {
  GUEST_RESOURCE_STATUSES,
  NODE_STATUSES,
  type ClusterGuestResource,
  type ClusterNodeResource,
  type ClusterOtherResource,
  type ClusterResource,
  type ClusterStorageResource,
} from "./shapes.ts";

// /cluster/resources is read every sync cycle and holds one entry per guest: 10,000 entries on a large
// estate, where validating it with superstruct (ClusterResourceShape) took about half a second and tens of
// MB of garbage per cycle. This reads it by hand with the same coercions, the same defaults and the same
// error messages. ClusterResourceShape stays the definition: cluster-resources.test.ts holds the two equal.

type Path = readonly (string | number)[];
type Entry = Record<string, unknown>;

/** Same rule as the pve* coercions of coerce.ts: a string that spells a number is that number. */
const NUMERIC = /^\s*-?\d+(\.\d+)?(e[+-]?\d+)?\s*$/i;
const MAX_MESSAGE = 240;

/**
 * Validates and coerces a /cluster/resources reply: PVE's string numbers and 0/1 flags become numbers and
 * booleans, unknown keys are dropped, unknown resource types are kept as `type: "other"`. Throws
 * ReplyShapeError naming the first offending path, worded as parseShape words it.
 */
export function parseClusterResources(reply: unknown): ClusterResource[] {
  if (!Array.isArray(reply)) fail([], `Expected an array value, but received: ${print(reply)}`);
  const resources = new Array<ClusterResource>(reply.length);
  for (let index = 0; index < reply.length; index++) resources[index] = parseResource(reply[index], index);
  return resources;
}

function parseResource(value: unknown, index: number): ClusterResource {
  const type = isObject(value) ? value.type : undefined;
  if (type === "qemu" || type === "lxc") return parseGuest(value as Entry, type, index);
  if (type === "node") return parseNode(value as Entry, index);
  if (type === "storage") return parseStorage(value as Entry, index);
  return parseOther(value, index);
}

function parseGuest(entry: Entry, type: "qemu" | "lxc", index: number): ClusterGuestResource {
  const guest: ClusterGuestResource = {
    type,
    id: requiredString(entry.id, index, "id"),
    vmid: pveInteger(entry.vmid, index, "vmid"),
    node: requiredString(entry.node, index, "node"),
    status: oneOf(GUEST_RESOURCE_STATUSES, entry.status, index, "status"),
    template: false,
    tags: [],
  };
  setIfPresent(guest, "name", optionalPveString(entry.name, index, "name"));
  guest.template = pveFlag(entry.template, index, "template");
  for (const key of GUEST_COUNTS) setIfPresent(guest, key, optionalPveNumber(entry[key], index, key));
  setIfPresent(guest, "lock", optionalString(entry.lock, index, "lock"));
  guest.tags = stringList(entry.tags, index, "tags", splitTags);
  setIfPresent(guest, "pool", optionalString(entry.pool, index, "pool"));
  setIfPresent(guest, "hastate", optionalString(entry.hastate, index, "hastate"));
  return guest;
}

const GUEST_COUNTS = ["cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "netin", "netout", "diskread", "diskwrite", "uptime"] as const;
const NODE_COUNTS = ["cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime"] as const;

function parseNode(entry: Entry, index: number): ClusterNodeResource {
  const node: ClusterNodeResource = {
    type: "node",
    id: requiredString(entry.id, index, "id"),
    node: requiredString(entry.node, index, "node"),
    status: oneOf(NODE_STATUSES, entry.status, index, "status"),
  };
  for (const key of NODE_COUNTS) setIfPresent(node, key, optionalPveNumber(entry[key], index, key));
  setIfPresent(node, "level", optionalString(entry.level, index, "level"));
  const cgroupMode = entry["cgroup-mode"];
  if (cgroupMode !== undefined) node["cgroup-mode"] = pveInteger(cgroupMode, index, "cgroup-mode");
  setIfPresent(node, "hastate", optionalString(entry.hastate, index, "hastate"));
  return node;
}

function parseStorage(entry: Entry, index: number): ClusterStorageResource {
  const storage: ClusterStorageResource = {
    type: "storage",
    id: requiredString(entry.id, index, "id"),
    node: requiredString(entry.node, index, "node"),
    storage: requiredString(entry.storage, index, "storage"),
    status: requiredString(entry.status, index, "status"),
    shared: false,
    content: [],
  };
  setIfPresent(storage, "plugintype", optionalString(entry.plugintype, index, "plugintype"));
  storage.shared = pveFlag(entry.shared, index, "shared");
  storage.content = stringList(entry.content, index, "content", splitCommaList);
  setIfPresent(storage, "disk", optionalPveNumber(entry.disk, index, "disk"));
  setIfPresent(storage, "maxdisk", optionalPveNumber(entry.maxdisk, index, "maxdisk"));
  return storage;
}

/** Pools, SDN zones and types newer PVE versions add: kept under `type: "other"` with the original type. */
function parseOther(value: unknown, index: number): ClusterOtherResource {
  if (!isObject(value) || Array.isArray(value)) fail([index], `Expected an object, but received: ${print(value)}`);
  const entry = value as Entry;
  if (typeof entry.type !== "string") fail([index, "type"], `Expected the literal \`"other"\`, but received: ${print(entry.type)}`);
  const pveType = entry.type === "other" ? requiredString(entry.pveType, index, "pveType") : entry.type;
  const other: ClusterOtherResource = { type: "other", pveType, id: requiredString(entry.id, index, "id") };
  setIfPresent(other, "node", optionalString(entry.node, index, "node"));
  setIfPresent(other, "status", optionalString(entry.status, index, "status"));
  setIfPresent(other, "name", optionalPveString(entry.name, index, "name"));
  return other;
}

function setIfPresent<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function requiredString(value: unknown, index: number, key: string): string {
  if (typeof value !== "string") fail([index, key], `Expected a string, but received: ${print(value)}`);
  return value;
}

function optionalString(value: unknown, index: number, key: string): string | undefined {
  return value === undefined ? undefined : requiredString(value, index, key);
}

function optionalPveString(value: unknown, index: number, key: string): string | undefined {
  return typeof value === "number" ? String(value) : optionalString(value, index, key);
}

function numberFrom(value: unknown): unknown {
  return typeof value === "string" && NUMERIC.test(value) ? Number(value) : value;
}

function pveInteger(value: unknown, index: number, key: string): number {
  const coerced = numberFrom(value);
  if (typeof coerced !== "number" || !Number.isInteger(coerced)) fail([index, key], `Expected an integer, but received: ${print(coerced)}`);
  return coerced;
}

function optionalPveNumber(value: unknown, index: number, key: string): number | undefined {
  if (value === undefined) return undefined;
  const coerced = numberFrom(value);
  if (typeof coerced !== "number" || Number.isNaN(coerced)) fail([index, key], `Expected a number, but received: ${print(coerced)}`);
  return coerced;
}

/** Flags are declared boolean but serialised as 0/1; absent means false. */
function pveFlag(value: unknown, index: number, key: string): boolean {
  if (value === undefined || value === 0 || value === "0" || value === false) return false;
  if (value === 1 || value === "1" || value === true) return true;
  return fail([index, key], `Expected a value of type \`boolean\`, but received: \`${print(value)}\``);
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, index: number, key: string): T {
  if (!allowed.includes(value as T)) {
    fail([index, key], `Expected one of \`${allowed.map((v) => JSON.stringify(v)).join()}\`, but received: ${print(value)}`);
  }
  return value as T;
}

/** A list PVE sends either as one delimited string or as an array of strings; absent means empty. */
function stringList(value: unknown, index: number, key: string, split: (text: string) => string[]): string[] {
  if (value === undefined) return [];
  if (typeof value === "string") return split(value);
  if (!Array.isArray(value)) fail([index, key], `Expected an array value, but received: ${print(value)}`);
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== "string") fail([index, key, i], `Expected a string, but received: ${print(value[i])}`);
  return value.slice() as string[];
}

/** Guest tags: PVE stores them `;`-separated but also accepts `,` and spaces. */
function splitTags(text: string): string[] {
  return text.split(/[;,\s]+/).filter(Boolean);
}

function splitCommaList(text: string): string[] {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

function isObject(value: unknown): value is Entry {
  return typeof value === "object" && value !== null;
}

/** How superstruct prints a value in its messages, without throwing on objects that have no string form. */
function print(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return `${value as string}`;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function fail(path: Path, message: string): never {
  const where = path.length > 0 ? `at ${path.join(".")}: ` : "";
  const what = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  throw new ReplyShapeError(`${where}${what}`);
}
