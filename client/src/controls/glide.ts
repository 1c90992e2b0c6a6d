import { aisleZ, RACK, type Facing, type GuestLayout } from "../scene/layout.ts";

export interface Pose {
  x: number;
  y: number;
  z: number;
  /** Babylon camera rotation.y: 0 looks toward +z, π/2 toward +x. */
  yaw: number;
  /** rotation.x: positive looks down. */
  pitch: number;
}

export const EYE_HEIGHT = 1.6;
export const GLIDE_MS = 400;

/** Where to stand to look at a guest: in its cold aisle, an arm's length from the caddy, eyes at standing height. */
export function viewpointFor(guest: GuestLayout, distance = 1.3): Pose {
  const rowZ = guest.front.z - guest.facing * (RACK.depth / 2);
  const maxDistance = Math.abs(aisleZ({ z: rowZ, facing: guest.facing }) - guest.front.z) + 0.6;
  const d = Math.min(distance, maxDistance);
  const z = guest.front.z + guest.facing * d;
  return {
    x: guest.front.x,
    y: EYE_HEIGHT,
    z,
    yaw: yawToward(guest.facing),
    pitch: Math.atan2(EYE_HEIGHT - guest.front.y, d),
  };
}

/** A rack's front faces +z (facing 1): to look at it you face -z. */
export function yawToward(facing: Facing): number {
  return facing === 1 ? Math.PI : 0;
}

export function easeOutCubic(t: number): number {
  const c = Math.min(1, Math.max(0, t));
  return 1 - (1 - c) ** 3;
}

/** The signed shortest turn from a to b, in (-π, π]. */
export function shortestAngle(a: number, b: number): number {
  let d = (b - a) % (2 * Math.PI);
  if (d > Math.PI) d -= 2 * Math.PI;
  if (d <= -Math.PI) d += 2 * Math.PI;
  return d;
}

export interface Glide {
  /** The pose at `nowMs`, and whether the glide has arrived. */
  sample(nowMs: number): { pose: Pose; done: boolean };
}

/** An eased camera move; with reduced motion it arrives at once (a cut, not a glide). */
export function createGlide(from: Pose, to: Pose, startMs: number, options: { durationMs?: number; reducedMotion: boolean }): Glide {
  const duration = options.reducedMotion ? 0 : (options.durationMs ?? GLIDE_MS);
  const turn = shortestAngle(from.yaw, to.yaw);
  return {
    sample(nowMs) {
      const t = duration === 0 ? 1 : (nowMs - startMs) / duration;
      const k = easeOutCubic(t);
      const lerp = (a: number, b: number) => a + (b - a) * k;
      return {
        pose: { x: lerp(from.x, to.x), y: lerp(from.y, to.y), z: lerp(from.z, to.z), yaw: from.yaw + turn * k, pitch: lerp(from.pitch, to.pitch) },
        done: t >= 1,
      };
    },
  };
}
