import { Constants } from "@babylonjs/core/Engines/constants";
import { RawCubeTexture } from "@babylonjs/core/Materials/Textures/rawCubeTexture";
import type { Scene } from "@babylonjs/core/scene";
import { hexToRgb, type Theme } from "../theme.ts";

export type Direction = readonly [number, number, number];

/**
 * Radiance of the hall seen from its centre, in 0..1: dark floor, cool walls with a faint accent strip, rows of
 * ceiling light panels, and a scatter of status lights at rack height. Metal racks reflect this, which is what makes
 * them read as brushed steel without downloading an HDR.
 */
export function hallRadiance(theme: Theme, [x, y, z]: Direction): [number, number, number] {
  const bg = hexToRgb(theme.colors.bg);
  const wall = hexToRgb(theme.colors.surfaceRaised);
  const lamp = hexToRgb(theme.colors.lamp);
  const accent = hexToRgb(theme.colors.accent);
  const ok = hexToRgb(theme.colors.ok);
  const horizon = Math.exp(-Math.abs(y) * 4);
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) out[i] = bg[i]! * 0.6 + wall[i]! * 1.4 * horizon + (y > 0 ? wall[i]! * 0.5 * y : 0);
  if (y > 0.35) {
    // Light panels in rows on a ceiling plane one unit up.
    const px = x / y;
    const pz = z / y;
    const stripe = Math.abs(((pz * 0.8) % 1) + 1) % 1 < 0.14 && Math.abs(px) < 2.6;
    if (stripe) for (let i = 0; i < 3; i++) out[i] = lamp[i]! * 0.95;
  }
  if (y > -0.06 && y < -0.02) for (let i = 0; i < 3; i++) out[i] = out[i]! + accent[i]! * 0.25;
  if (Math.abs(y) < 0.35) {
    // Status lights on the racks around you: sparse, deterministic speckle.
    const cell = Math.floor((Math.atan2(z, x) + Math.PI) * 40) * 131 + Math.floor((y + 0.35) * 30) * 17;
    if (cell % 23 === 0) for (let i = 0; i < 3; i++) out[i] = out[i]! + ok[i]! * 0.6;
  }
  return [Math.min(1, out[0]!), Math.min(1, out[1]!), Math.min(1, out[2]!)];
}

/** Direction through texel (u, v) in -1..1 of cube face `face` (+x, -x, +y, -y, +z, -z). */
export function cubeFaceDirection(face: number, u: number, v: number): Direction {
  let d: [number, number, number];
  switch (face) {
    case 0:
      d = [1, -v, -u];
      break;
    case 1:
      d = [-1, -v, u];
      break;
    case 2:
      d = [u, 1, v];
      break;
    case 3:
      d = [u, -1, -v];
      break;
    case 4:
      d = [u, -v, 1];
      break;
    default:
      d = [-u, -v, -1];
  }
  const len = Math.hypot(d[0], d[1], d[2]);
  return [d[0] / len, d[1] / len, d[2] / len];
}

export function environmentFaces(theme: Theme, size: number): Uint8Array[] {
  const faces: Uint8Array[] = [];
  for (let face = 0; face < 6; face++) {
    const data = new Uint8Array(size * size * 4);
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const rgb = hallRadiance(theme, cubeFaceDirection(face, (2 * (i + 0.5)) / size - 1, (2 * (j + 0.5)) / size - 1));
        const o = (j * size + i) * 4;
        data[o] = Math.round(rgb[0] * 255);
        data[o + 1] = Math.round(rgb[1] * 255);
        data[o + 2] = Math.round(rgb[2] * 255);
        data[o + 3] = 255;
      }
    }
    faces.push(data);
  }
  return faces;
}

/** The scene's environment (reflections and image-based fill), generated at start: nothing is downloaded. */
export function createEnvironmentTexture(scene: Scene, theme: Theme, size = 64): RawCubeTexture {
  const texture = new RawCubeTexture(
    scene,
    environmentFaces(theme, size),
    size,
    Constants.TEXTUREFORMAT_RGBA,
    Constants.TEXTURETYPE_UNSIGNED_BYTE,
    true,
    false,
    Constants.TEXTURE_TRILINEAR_SAMPLINGMODE,
  );
  texture.name = "env-hall";
  texture.gammaSpace = true;
  return texture;
}
