import { Constants } from "@babylonjs/core/Engines/constants";
import { RawCubeTexture } from "@babylonjs/core/Materials/Textures/rawCubeTexture";
import "@babylonjs/core/Materials/Textures/baseTexture.polynomial";
import { CubeMapToSphericalPolynomialTools } from "@babylonjs/core/Misc/HighDynamicRange/cubemapToSphericalPolynomial";
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
    const horizon = Math.exp(-Math.abs(y) * 4);
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) out[i] = bg[i]! + wall[i]! * 3.2 * horizon + (y > 0 ? wall[i]! * 1.6 * y : wall[i]! * 0.6);
  if (y > 0.25) {
    // Light panels in rows on a ceiling plane one unit up.
    const px = x / y;
    const pz = z / y;
    const stripe = (((pz * 0.7) % 1) + 1) % 1 < 0.12 && (((px * 0.5) % 1) + 1) % 1 < 0.7;
    if (stripe) for (let i = 0; i < 3; i++) out[i] = lamp[i]!;
  }
  if (y > -0.06 && y < -0.02) for (let i = 0; i < 3; i++) out[i] = out[i]! + accent[i]! * 0.25;
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

export interface EnvironmentFaces {
  /** sRGB bytes for the GPU texture. */
  srgb: Uint8Array[];
  /** Linear floats for the irradiance (spherical harmonics) fit. */
  linear: Float32Array[];
}

const toLinear = (c: number) => Math.pow(c, 2.2);

export function environmentFaces(theme: Theme, size: number): EnvironmentFaces {
  const srgb: Uint8Array[] = [];
  const linear: Float32Array[] = [];
  for (let face = 0; face < 6; face++) {
    const bytes = new Uint8Array(size * size * 4);
    const floats = new Float32Array(size * size * 4);
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const rgb = hallRadiance(theme, cubeFaceDirection(face, (2 * (i + 0.5)) / size - 1, (2 * (j + 0.5)) / size - 1));
        const o = (j * size + i) * 4;
        for (let c = 0; c < 3; c++) {
          bytes[o + c] = Math.round(rgb[c]! * 255);
          floats[o + c] = toLinear(rgb[c]!);
        }
        bytes[o + 3] = 255;
        floats[o + 3] = 1;
      }
    }
    srgb.push(bytes);
    linear.push(floats);
  }
  return { srgb, linear };
}

/** The scene's environment (reflections and image-based fill), generated at start: nothing is downloaded. */
export function createEnvironmentTexture(scene: Scene, theme: Theme, size = 64): RawCubeTexture {
  const faces = environmentFaces(theme, size);
  const texture = new RawCubeTexture(
    scene,
    faces.srgb,
    size,
    Constants.TEXTUREFORMAT_RGBA,
    Constants.TEXTURETYPE_UNSIGNED_BYTE,
    true,
    false,
    Constants.TEXTURE_TRILINEAR_SAMPLINGMODE,
  );
  texture.name = "env-hall";
  texture.gammaSpace = true;
  const [right, left, up, down, front, back] = faces.linear;
  texture.sphericalPolynomial = CubeMapToSphericalPolynomialTools.ConvertCubeMapToSphericalPolynomial({
    right: right!, left: left!, up: up!, down: down!, front: front!, back: back!,
    size,
    format: Constants.TEXTUREFORMAT_RGBA,
    type: Constants.TEXTURETYPE_FLOAT,
    gammaSpace: false,
  });
  return texture;
}
