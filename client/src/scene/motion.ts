/**
 * Tactile motion timings, in one place so every flourish stays short (each under 300 ms), can be skipped, and shrinks
 * to a plain fade when the OS asks for reduced motion.
 */
export type MotionKind = "panelFlip" | "buttonPress" | "celebration";

export interface Motion {
  /** Length in ms; 0 means "jump to the end state". */
  readonly durationMs: number;
  /** Whether the motion moves things (flip, scale, sweep) or only fades them. */
  readonly moves: boolean;
}

export const MAX_MOTION_MS = 300;

const FULL: Record<MotionKind, Motion> = {
  panelFlip: { durationMs: 240, moves: true },
  buttonPress: { durationMs: 120, moves: true },
  celebration: { durationMs: 280, moves: true },
};

const REDUCED: Record<MotionKind, Motion> = {
  panelFlip: { durationMs: 120, moves: false },
  buttonPress: { durationMs: 0, moves: false },
  celebration: { durationMs: 160, moves: false },
};

export function motionFor(kind: MotionKind, reducedMotion: boolean): Motion {
  return (reducedMotion ? REDUCED : FULL)[kind];
}

/** 0..1 progress of a motion started at `startedAt`; 1 once done, or at once for a zero-length (skipped) motion. */
export function motionProgress(motion: Motion, startedAt: number, now: number): number {
  if (motion.durationMs <= 0) return 1;
  return Math.min(1, Math.max(0, (now - startedAt) / motion.durationMs));
}

export function easeOutCubic(t: number): number {
  return 1 - (1 - Math.min(1, Math.max(0, t))) ** 3;
}

/**
 * The original RackCard's 3D flip: the panel swings in about its vertical axis from edge-on to facing you, with a
 * little overshoot-free ease. Returns the y rotation (radians) to add and the opacity at progress `t`.
 */
export function panelFlipPose(t: number, moves: boolean): { turn: number; opacity: number } {
  const k = easeOutCubic(t);
  return { turn: moves ? (1 - k) * (Math.PI / 2) * 0.85 : 0, opacity: k };
}

/** A one-shot celebration's light sweep: position 0..1 along the rack front and its brightness (rises, then fades). */
export function celebrationSweep(t: number, moves: boolean): { position: number; brightness: number } {
  const clamped = Math.min(1, Math.max(0, t));
  return { position: moves ? easeOutCubic(clamped) : 0.5, brightness: Math.sin(Math.PI * clamped) };
}

/** The latest celebration as it played (for the debug hook): its motion, when it ran, and how far the light moved. */
export interface CelebrationRecord {
  key: string;
  durationMs: number;
  moves: boolean;
  startedAt: number;
  /** The frame time it ended at; null while it plays. */
  endedAt: number | null;
  /** How far the light travelled along the chassis, in metres (0 for the reduced-motion fade). */
  travelMetres: number;
}
