import { schema, t, type SchemaType } from "@colyseus/schema";

// Field order is part of the wire contract: append new fields, never reorder.
// Units are chosen to stay below 2^31 so t.uint32 never falls back to float64:
// memory and disk in MiB, network counters in KiB, cpu as a 0..1 fraction in float32.

export const Operation = schema(
  {
    id: t.string(),
    kind: t.string(),
    clusterId: t.string(),
    vmid: t.uint32(),
    node: t.string(),
    requestedBy: t.string(),
    state: t.string(),
    progress: t.float32(),
    message: t.string(),
    error: t.string(),
    createdAt: t.float64(),
    finishedAt: t.float64(),
  },
  "Operation",
);
export type Operation = SchemaType<typeof Operation>;

export const Guest = schema(
  {
    vmid: t.uint32(),
    name: t.string(),
    type: t.string(),
    status: t.string(),
    cpu: t.float32(),
    cpus: t.uint16(),
    memMiB: t.uint32(),
    maxMemMiB: t.uint32(),
    diskMiB: t.uint32(),
    maxDiskMiB: t.uint32(),
    netInKiB: t.uint32(),
    netOutKiB: t.uint32(),
    uptime: t.uint32(),
    tags: t.string(),
    lock: t.string(),
    template: t.boolean(),
    operationId: t.string(),
  },
  "Guest",
);
export type Guest = SchemaType<typeof Guest>;

export const Host = schema(
  {
    node: t.string(),
    status: t.string(),
    cpu: t.float32(),
    maxCpu: t.uint16(),
    memMiB: t.uint32(),
    maxMemMiB: t.uint32(),
    uptime: t.uint32(),
    rack: t.string(),
    slot: t.uint8(),
    guests: t.map(Guest),
  },
  "Host",
);
export type Host = SchemaType<typeof Host>;

export const Cluster = schema(
  {
    id: t.string(),
    name: t.string(),
    status: t.string(),
    error: t.string(),
    lastSyncAt: t.float64(),
    hosts: t.map(Host),
  },
  "Cluster",
);
export type Cluster = SchemaType<typeof Cluster>;

export const WorldState = schema(
  {
    protocol: t.uint16(),
    clusters: t.map(Cluster),
    operations: t.map(Operation),
  },
  "WorldState",
);
export type WorldState = SchemaType<typeof WorldState>;
