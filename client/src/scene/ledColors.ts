import type { LedState } from "../model/ledState.ts";
import { hexToRgb, type Theme } from "../theme.ts";

export type Rgb = readonly [number, number, number];

/** The states whose brightness changes over time and so need a buffer upload every frame. */
export function isAnimated(state: LedState): boolean {
  return state === "busy" || state === "error" || state === "unknown";
}

/** 0..1 brightness of a state's rhythm at `timeSec`: steady, dim, breathing (sine), blinking (square) or off. */
export function ledBrightness(state: LedState, timeSec: number, theme: Theme): number {
  const { pulseHz, blinkHz, unknownHz } = theme.rhythm;
  switch (state) {
    case "running":
      return 1;
    case "stopped":
      return theme.materials.ledDimFactor;
    case "busy":
      return 0.2 + 0.8 * (0.5 - 0.5 * Math.cos(2 * Math.PI * pulseHz * timeSec));
    case "error":
      return (timeSec * blinkHz) % 1 < 0.5 ? 1 : 0.06;
    case "unknown":
      return (timeSec * unknownHz) % 1 < 0.5 ? 0.7 : 0.12;
    case "offline":
      return 0;
  }
}

const hueCache = new WeakMap<Theme, Record<LedState, Rgb>>();

/** A state's hue, parsed once per theme (this runs for every guest on every rebuild). */
export function ledHue(state: LedState, theme: Theme): Rgb {
  let hues = hueCache.get(theme);
  if (!hues) {
    const c = theme.colors;
    hues = {
      running: hexToRgb(c.ok),
      busy: hexToRgb(c.busy),
      error: hexToRgb(c.error),
      stopped: hexToRgb(c.idle),
      unknown: hexToRgb(c.idle),
      offline: [0, 0, 0],
    };
    hueCache.set(theme, hues);
  }
  return hues[state];
}

/** The LED colour to write into the instance colour buffer (emissive, may exceed 1 to drive the glow). */
export function ledColor(state: LedState, timeSec: number, theme: Theme): Rgb {
  const [r, g, b] = ledHue(state, theme);
  const k = ledBrightness(state, timeSec, theme) * (state === "stopped" ? 1 : theme.materials.ledIntensity);
  return [r * k, g * k, b * k];
}
