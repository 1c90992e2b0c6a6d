export interface Point3 {
  x: number;
  y: number;
  z: number;
}

export interface Nearby<T> {
  key: string;
  item: T;
  distance: number;
}

/**
 * The `limit` items closest to the eye within `maxDistance` and in front of it (within the view cone given by
 * `minCos` against the forward direction, and passing `inView`, e.g. a frustum test), nearest first. Linear in the number of items, which at 10,000 guests
 * is well under a millisecond; run a few times a second, not every frame.
 */
export function nearestInView<T extends { position: Point3 }>(
  items: Iterable<[string, T]>,
  eye: Point3,
  forward: Point3,
  options: { maxDistance: number; limit: number; minCos: number; inView?: (p: Point3) => boolean },
): Nearby<T>[] {
  const max2 = options.maxDistance * options.maxDistance;
  const found: Nearby<T>[] = [];
  for (const [key, item] of items) {
    const dx = item.position.x - eye.x;
    const dy = item.position.y - eye.y;
    const dz = item.position.z - eye.z;
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > max2) continue;
    const d = Math.sqrt(d2);
    if (d > 1e-6 && (dx * forward.x + dy * forward.y + dz * forward.z) / d < options.minCos) continue;
    if (options.inView && !options.inView(item.position)) continue;
    found.push({ key, item, distance: d });
  }
  found.sort((a, b) => a.distance - b.distance || (a.key < b.key ? -1 : 1));
  return found.slice(0, options.limit);
}

/** 1 up to `full`, fading to 0 at `none` (labels appear as you approach). */
export function fadeWithDistance(distance: number, full: number, none: number): number {
  if (distance <= full) return 1;
  if (distance >= none) return 0;
  const t = (none - distance) / (none - full);
  return t * t * (3 - 2 * t);
}
