import type { HostRecord } from "../model/records.ts";
import { CHASSIS, type HallLayout, type Vec3 } from "./layout.ts";

/**
 * The host whose chassis front a ray from the eye meets first, or null. Only fronts that face the viewer count:
 * from the aisle you drop onto the row you look at, not onto the back of the one behind it.
 */
export function hostUnderRay(layout: Pick<HallLayout, "hosts">, origin: Vec3, direction: Vec3): string | null {
  let best: { key: string; t: number } | null = null;
  for (const host of layout.hosts.values()) {
    const { front, facing } = host;
    if ((origin.z - front.z) * facing <= 0 || direction.z === 0) continue;
    const t = (front.z - origin.z) / direction.z;
    if (t <= 0 || (best && t >= best.t)) continue;
    const x = origin.x + t * direction.x;
    const y = origin.y + t * direction.y;
    if (Math.abs(x - front.x) <= CHASSIS.width / 2 && Math.abs(y - front.y) <= CHASSIS.height / 2) best = { key: host.key, t };
  }
  return best?.key ?? null;
}

export type MigrateDrop = { ok: true; node: string } | { ok: false; reason: string };

/** Whether a dragged guest may be dropped on `target` (its cluster, another online node), and onto which node. */
export function migrateDrop(guest: { clusterId: string; node: string }, target: HostRecord | undefined): MigrateDrop {
  if (!target) return { ok: false, reason: "Drop it on another host's chassis." };
  if (target.clusterId !== guest.clusterId) return { ok: false, reason: "Guests migrate only within their own cluster." };
  if (target.node === guest.node) return { ok: false, reason: `It already runs on ${guest.node}.` };
  if (target.status !== "online") return { ok: false, reason: `${target.node} is not online.` };
  return { ok: true, node: target.node };
}
