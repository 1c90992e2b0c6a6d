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
    /** The guest an operation creates or moves to (clone, deploy, restore as new), 0 otherwise. */
    targetVmid: t.uint32().default(0),
    /** The node it acts towards (migrate, clone, deploy), "" otherwise. */
    targetNode: t.string().default(""),
    /** One line a person reads in the operations log, e.g. "Clone web-1 → web-2 on pve2". */
    summary: t.string().default(""),
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
    tags: t.string().default(""),
    lock: t.string().default(""),
    template: t.boolean().default(false),
    operationId: t.string().default(""),
    /** Type of a Proxmox task running on the guest that Proximity did not start (e.g. "vzdump"), or "". */
    externalTask: t.string().default(""),
    /** Created by Proximity or adopted: Proximity records its app and config. */
    managed: t.boolean().default(false),
    /** Catalog app id it runs, "" when none is known. */
    app: t.string().default(""),
    /** Where the app answers (http://IP:port), "" when unknown. */
    appUrl: t.string().default(""),
    /**
     * When the guest booted, ms since the epoch (server clock); 0 when not running. Replaces `uptime`,
     * which the server no longer writes (it advanced on every metrics broadcast): show now − bootedAt.
     */
    bootedAt: t.float64().default(0),
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
    rack: t.string().default(""),
    slot: t.uint8().default(0),
    guests: t.map(Guest),
    /** When the host booted, ms since the epoch (server clock); 0 when unknown. Replaces `uptime`, as on Guest. */
    bootedAt: t.float64().default(0),
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

/**
 * One connected user as the others see them. Lives only in the room (never in Postgres): it is gone when the
 * user leaves, and after a server restart everyone simply joins again.
 */
export const Presence = schema(
  {
    sessionId: t.string().default(""),
    name: t.string().default(""),
    role: t.string().default(""),
    /** CSS colour of the avatar, the name tag and the outline on what this user has selected. */
    color: t.string().default(""),
    /** False until the user's client has said where they stand: until then the pose below means nothing. */
    placed: t.boolean().default(false),
    /** Eye position in metres, hall coordinates. */
    x: t.float32().default(0),
    y: t.float32().default(0),
    z: t.float32().default(0),
    /** Facing in radians (Babylon's rotation.y) and looking up/down. */
    yaw: t.float32().default(0),
    pitch: t.float32().default(0),
    /** Guest key "cluster/vmid" this user has selected, or "". */
    selection: t.string().default(""),
    /** False while the connection is dropped and the server holds the place for a reconnection. */
    connected: t.boolean().default(true),
    updatedAt: t.float64().default(0),
  },
  "Presence",
);
export type Presence = SchemaType<typeof Presence>;

/** A dangerous command an operator asked for, waiting on the object for an admin to approve or reject it. */
export const Proposal = schema(
  {
    id: t.string().default(""),
    command: t.string().default(""),
    /** The command's payload as JSON, exactly what runs on approval. */
    payload: t.string().default(""),
    /** One line a person reads, e.g. "Delete web-1 (101)". */
    summary: t.string().default(""),
    proposer: t.string().default(""),
    clusterId: t.string().default(""),
    vmid: t.uint32().default(0),
    createdAt: t.float64().default(0),
    expiresAt: t.float64().default(0),
  },
  "Proposal",
);
export type Proposal = SchemaType<typeof Proposal>;

export const WorldState = schema(
  {
    protocol: t.uint16().default(0),
    clusters: t.map(Cluster),
    operations: t.map(Operation),
    events: t.map(WorldEvent),
    /** Connected users by session id. */
    users: t.map(Presence),
    /** Pending proposals by id. */
    proposals: t.map(Proposal),
  },
  "WorldState",
);
export type WorldState = SchemaType<typeof WorldState>;
