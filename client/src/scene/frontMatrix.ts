import { Matrix, Quaternion, Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Facing } from "./layout.ts";

const FACING_PLUS = Quaternion.Identity();
const FACING_MINUS = Quaternion.RotationYawPitchRoll(Math.PI, 0, 0);
const scratchScale = new Vector3();
const scratchPosition = new Vector3();

/** Templates face +z; a row facing -z turns them around. */
export function facingRotation(facing: Facing): Quaternion {
  return facing === 1 ? FACING_PLUS : FACING_MINUS;
}

/** World matrix for a template placed at (x, y, z), turned to `facing`, scaled by (sx, sy, sz). */
export function placeMatrix(out: Matrix, x: number, y: number, z: number, facing: Facing, sx = 1, sy = 1, sz = 1): Matrix {
  scratchScale.set(sx, sy, sz);
  scratchPosition.set(x, y, z);
  return Matrix.ComposeToRef(scratchScale, facingRotation(facing), scratchPosition, out);
}
