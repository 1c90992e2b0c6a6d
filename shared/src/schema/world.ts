import { schema, t, type SchemaType } from "@colyseus/schema";

// Field order is part of the wire contract: append new fields, never reorder.
// Every primitive has a default so objects can be created empty and filled field by field.
// Units are chosen to stay below 2^31 so t.uint32 never falls back to float64:
// memory and disk in MiB, network counters in KiB, cpu as a 0..1 fraction in float32.

export const Operation = schema(
  {
    id: t.string().default(""),
    kind: t.string().default(""),
    clusterId: t.string().default(""),
    vmid: t.uint32().default(0),
    node: t.string().default(""),
    requestedBy: t.string().default(""),
    state: t.string().default(""),
    progress: t.float32().default(0),
    message: t.string().default(""),
    error: t.string().default(""),
    createdAt: t.float64().default(0),
    finishedAt: t.float64().default(0),
  },
  "Operation",
);
export type Operation = SchemaType<typeof Operation>;

export const Guest = schema(
  {
    vmid: t.uint32().default(0),
    name: t.string().default(""),
    type: t.string().default(""),
    status: t.string().default(""),
    cpu: t.float32().default(0),
    cpus: t.uint16().default(0),
    memMiB: t.uint32().default(0),
    maxMemMiB: t.uint32().default(0),
    diskMiB: t.uint32().default(0),
    maxDiskMiB: t.uint32().default(0),
    netInKiB: t.uint32().default(0),
    netOutKiB: t.uint32().default(0),
    uptime: t.uint32().default(0),
    tags: t.string().default(""),
    lock: t.string().default(""),
    template: t.boolean().default(false),
    operationId: t.string().default(""),
    /** Type of a Proxmox task running on the guest that Proximity did not start (e.g. "vzdump"), or "". */
    externalTask: t.string().default(""),
  },
  "Guest",
);
export type Guest = SchemaType<typeof Guest>;

export const Host = schema(
  {
    node: t.string().default(""),
    status: t.string().default(""),
    cpu: t.float32().default(0),
    maxCpu: t.uint16().default(0),
    memMiB: t.uint32().default(0),
    maxMemMiB: t.uint32().default(0),
    uptime: t.uint32().default(0),
    rack: t.string().default(""),
    slot: t.uint8().default(0),
    guests: t.map(Guest),
  },
  "Host",
);
export type Host = SchemaType<typeof Host>;

export const Cluster = schema(
  {
    id: t.string().default(""),
    name: t.string().default(""),
    status: t.string().default(""),
    error: t.string().default(""),
    lastSyncAt: t.float64().default(0),
    hosts: t.map(Host),
  },
  "Cluster",
);
export type Cluster = SchemaType<typeof Cluster>;

/** Something the hall should show: self-healing at work, or an alert a person must act on. */
export const WorldEvent = schema(
  {
    id: t.string().default(""),
    /** "maintenance" (janitor, reconciler) or "alert". */
    kind: t.string().default(""),
    /** "info", "warning" or "error". */
    severity: t.string().default(""),
    source: t.string().default(""),
    message: t.string().default(""),
    clusterId: t.string().default(""),
    /** 0 when the event is not about one guest. */
    vmid: t.uint32().default(0),
    at: t.float64().default(0),
  },
  "WorldEvent",
);
export type WorldEvent = SchemaType<typeof WorldEvent>;

export const WorldState = schema(
  {
    protocol: t.uint16().default(0),
    clusters: t.map(Cluster),
    operations: t.map(Operation),
    events: t.map(WorldEvent),
  },
  "WorldState",
);
export type WorldState = SchemaType<typeof WorldState>;
