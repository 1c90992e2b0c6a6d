/**
 * Seeded pseudo-random numbers. The estate must be identical for the same seed (tests and demos
 * depend on it), so nothing in the estate may come from Math.random. Not cryptographic.
 */
export type Rng = () => number;

/** mulberry32: 32-bit state, fast, good enough statistical quality for simulated data. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent stream so that adding draws to one concern does not shift another. */
export function forkRng(seed: number, stream: string): Rng {
  let h = seed >>> 0;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  return mulberry32(h);
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function floatBetween(rng: Rng, min: number, max: number): number {
  return min + rng() * (max - min);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick from an empty list");
  return items[Math.floor(rng() * items.length)] as T;
}

export function chance(rng: Rng, probability: number): boolean {
  return rng() < probability;
}

export function hexString(rng: Rng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}

/** A v4-shaped UUID (lower case), as PVE generates for token secrets and vmgenid. */
export function uuidFrom(rng: Rng): string {
  const h = hexString(rng, 32).split("");
  h[12] = "4";
  h[16] = "89ab"[Math.floor(rng() * 4)] as string;
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
