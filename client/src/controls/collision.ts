import type { Rect } from "../scene/layout.ts";

export interface Point2 {
  x: number;
  z: number;
}

/**
 * Moves a walker (a circle of `radius` on the floor) by `delta`, sliding along rack rows and walls instead of
 * passing through them. Each axis is resolved separately, which is what makes walls slide rather than stick.
 */
export function moveWithCollisions(from: Point2, delta: Point2, radius: number, obstacles: readonly Rect[], bounds: Rect): Point2 {
  // The swept segment on each axis is tested, not just the end point, so a long step cannot tunnel through a row.
  let x = from.x + delta.x;
  for (const o of obstacles) {
    const acrossZ = from.z > o.minZ - radius && from.z < o.maxZ + radius;
    if (acrossZ && Math.max(from.x, x) > o.minX - radius && Math.min(from.x, x) < o.maxX + radius) {
      x = delta.x > 0 ? Math.min(x, o.minX - radius) : delta.x < 0 ? Math.max(x, o.maxX + radius) : from.x;
    }
  }
  x = Math.min(bounds.maxX - radius, Math.max(bounds.minX + radius, x));

  let z = from.z + delta.z;
  for (const o of obstacles) {
    const acrossX = x > o.minX - radius && x < o.maxX + radius;
    if (acrossX && Math.max(from.z, z) > o.minZ - radius && Math.min(from.z, z) < o.maxZ + radius) {
      z = delta.z > 0 ? Math.min(z, o.minZ - radius) : delta.z < 0 ? Math.max(z, o.maxZ + radius) : from.z;
    }
  }
  z = Math.min(bounds.maxZ - radius, Math.max(bounds.minZ + radius, z));
  return { x, z };
}

/** Nearest free spot to `p` (used when a layout change puts a rack where someone stands). */
export function pushOutOfObstacles(p: Point2, radius: number, obstacles: readonly Rect[], bounds: Rect): Point2 {
  let { x, z } = p;
  for (const o of obstacles) {
    if (x > o.minX - radius && x < o.maxX + radius && z > o.minZ - radius && z < o.maxZ + radius) {
      const exits = [
        { d: x - (o.minX - radius), x: o.minX - radius, z },
        { d: o.maxX + radius - x, x: o.maxX + radius, z },
        { d: z - (o.minZ - radius), x, z: o.minZ - radius },
        { d: o.maxZ + radius - z, x, z: o.maxZ + radius },
      ].sort((a, b) => a.d - b.d);
      x = exits[0]!.x;
      z = exits[0]!.z;
    }
  }
  return {
    x: Math.min(bounds.maxX - radius, Math.max(bounds.minX + radius, x)),
    z: Math.min(bounds.maxZ - radius, Math.max(bounds.minZ + radius, z)),
  };
}
