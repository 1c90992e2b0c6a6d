import type { Point2 } from "../controls/collision.ts";

/** Walking pace of smooth locomotion at full stick tilt, m/s: a steady stroll, gentle on the stomach. */
export const WALK_SPEED = 1.6;
/** Stick tilt below this is drift, not intent. */
export const DEADZONE = 0.15;

/**
 * The floor step for one frame of smooth locomotion: the left thumbstick moves you relative to where you look
 * (pushing it away from you, y < 0 in WebXR, walks forward). `yaw` is Babylon's (0 looks toward +z, left-handed).
 */
export function stickStep(yaw: number, stick: { x: number; y: number }, dtSec: number, speed = WALK_SPEED): Point2 {
  const tilt = Math.hypot(stick.x, stick.y);
  if (tilt < DEADZONE || dtSec <= 0) return { x: 0, z: 0 };
  // Rescale so motion starts at zero just past the deadzone, and never exceeds full speed on a diagonal.
  const scale = (Math.min(1, (tilt - DEADZONE) / (1 - DEADZONE)) / tilt) * speed * Math.min(dtSec, 0.1);
  const forward = -stick.y * scale;
  const strafe = stick.x * scale;
  return {
    x: Math.sin(yaw) * forward + Math.cos(yaw) * strafe,
    z: Math.cos(yaw) * forward - Math.sin(yaw) * strafe,
  };
}
