import type { Estate } from "../model/estate.ts";
import { guestLedState } from "../model/ledState.ts";
import type { HallLayout, Vec3 } from "../scene/layout.ts";

/** Where the hum of a rack comes from: mid-height, at the rack's centre. */
const RACK_HUM_HEIGHT = 1.2;
/** Lowest and highest hum pitch (Hz): a low mains-like drone that rises a little under load. */
const HUM_PITCH = { idle: 55, full: 78 } as const;
/** Hum level (linear gain before distance falls off it): present when idle, clearly louder at full load. */
const HUM_LEVEL = { idle: 0.035, full: 0.11 } as const;

export interface Hum {
  frequency: number;
  gain: number;
}

export interface RackHum extends Hum {
  rackId: string;
  position: Vec3;
}

export interface Alarm {
  /** The guest or host key that is in trouble. */
  key: string;
  position: Vec3;
}

/** The hum of a rack at a given load (0..1; out of range is clamped): louder and slightly higher with load. */
export function humForLoad(load: number): Hum {
  const l = Number.isFinite(load) ? Math.min(1, Math.max(0, load)) : 0;
  return {
    frequency: HUM_PITCH.idle + (HUM_PITCH.full - HUM_PITCH.idle) * l,
    gain: HUM_LEVEL.idle + (HUM_LEVEL.full - HUM_LEVEL.idle) * l,
  };
}

/** One hum per rack that holds a host: the mean CPU load of its online hosts (offline hosts are silent). */
export function rackHums(estate: Estate, layout: HallLayout): RackHum[] {
  const loads = new Map<string, number[]>();
  for (const host of layout.hosts.values()) {
    const record = estate.hosts.get(host.key);
    if (!record) continue;
    const list = loads.get(host.rackId) ?? [];
    if (record.status === "online") list.push(record.cpu);
    loads.set(host.rackId, list);
  }
  const hums: RackHum[] = [];
  for (const [rackId, list] of loads) {
    const rack = layout.racks.get(rackId);
    if (!rack || list.length === 0) continue;
    const load = list.reduce((a, b) => a + b, 0) / list.length;
    hums.push({ rackId, position: { x: rack.x, y: RACK_HUM_HEIGHT, z: rack.z }, ...humForLoad(load) });
  }
  return hums;
}

/**
 * What should alarm: guests whose last operation failed and nobody has looked yet (their LED blinks red), and hosts
 * that went offline while their cluster still answers. An alarm stops once acknowledged (the guest opened) or gone.
 */
export function alarms(estate: Estate, layout: HallLayout): Alarm[] {
  const found: Alarm[] = [];
  for (const [key, guest] of layout.guests) {
    if (guestLedState(estate, key) === "error") found.push({ key, position: guest.front });
  }
  for (const [key, host] of layout.hosts) {
    const record = estate.hosts.get(key);
    const cluster = record && estate.clusters.get(record.clusterId);
    if (record?.status === "offline" && cluster?.status === "online") found.push({ key, position: host.front });
  }
  return found;
}

/**
 * The sources worth a voice: the nearest few to the listener. Far racks are inaudible under the distance fall-off
 * anyway, and each positional voice costs an HRTF panner, so a big hall does not pay for its whole floor.
 */
export function nearest<T extends { position: Vec3 }>(sources: readonly T[], listener: Vec3, count: number): T[] {
  const distance = (s: T) => Math.hypot(s.position.x - listener.x, s.position.y - listener.y, s.position.z - listener.z);
  return [...sources].sort((a, b) => distance(a) - distance(b)).slice(0, count);
}

/** Another user started an operation within this distance (metres): worth a soft chime. */
export const NEARBY_OPERATION_METRES = 12;

export function isNear(a: Vec3, b: Vec3, metres = NEARBY_OPERATION_METRES): boolean {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z) <= metres;
}

/** Babylon is left-handed (+z forward), Web Audio right-handed (-z forward): mirror z between them. */
export function toAudioSpace(v: Vec3): [number, number, number] {
  return [v.x, v.y, -v.z];
}
