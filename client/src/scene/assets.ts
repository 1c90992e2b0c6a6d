import { Color3 } from "@babylonjs/core/Maths/math.color";
import { Vector4 } from "@babylonjs/core/Maths/math.vector";
import { Matrix } from "@babylonjs/core/Maths/math.vector";
import { Mesh } from "@babylonjs/core/Meshes/mesh";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import { PBRMaterial } from "@babylonjs/core/Materials/PBR/pbrMaterial";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture";
import { Texture } from "@babylonjs/core/Materials/Textures/texture";
import type { Material } from "@babylonjs/core/Materials/material";
import type { Scene } from "@babylonjs/core/scene";
import "@babylonjs/core/Meshes/thinInstanceMesh";
import { hexToRgb, type Theme } from "../theme.ts";
import { CHASSIS, RACK } from "./layout.ts";
import { caddyFront, chassisFront, offlineHatch, rackSteel, type Painter } from "./painters.ts";

export function color3(hex: string): Color3 {
  return new Color3(...hexToRgb(hex));
}

/** Draws a procedural texture; returns null where there is no canvas (unit tests under NullEngine in Node). */
export function paintedTexture(scene: Scene, name: string, width: number, height: number, painter: Painter, canPaint: boolean): DynamicTexture | null {
  if (!canPaint) return null;
  const texture = new DynamicTexture(name, { width, height }, scene, true, Texture.TRILINEAR_SAMPLINGMODE);
  painter(texture.getContext() as unknown as CanvasRenderingContext2D, width, height);
  texture.update(true);
  texture.anisotropicFilteringLevel = 8;
  return texture;
}

/**
 * Template meshes (disabled, never drawn) whose geometry every rack row shares through clones, and the materials
 * they share. Every template's front faces +z in its own frame with the front face at z = 0; rows rotate by facing.
 */
export interface HallAssets {
  readonly rack: Mesh;
  /** The closed perforated door of a spare (empty) rack. */
  readonly door: Mesh;
  readonly chassis: Mesh;
  readonly caddy: Mesh;
  /** Unit box with its back at z = 0: LEDs, load-meter segments, progress bars (scaled per instance). */
  readonly led: Mesh;
  readonly hatch: Mesh;
  readonly frame: Mesh;
  readonly materials: {
    readonly rack: PBRMaterial;
    readonly chassis: PBRMaterial;
    readonly caddy: PBRMaterial;
    readonly led: StandardMaterial;
    readonly hatch: StandardMaterial;
    readonly accent: StandardMaterial;
  };
  dispose(): void;
}

function metal(scene: Scene, name: string, theme: Theme, hex: string, roughness: number): PBRMaterial {
  const m = new PBRMaterial(name, scene);
  m.albedoColor = color3(hex);
  m.metallic = theme.materials.metalMetallic;
  m.roughness = roughness;
  m.maxSimultaneousLights = 6;
  return m;
}

/** A front-facing face UV that samples the whole texture; the other faces sample one plain corner texel. */
function frontOnlyFaceUV(): Vector4[] {
  const plain = new Vector4(0.005, 0.5, 0.006, 0.501);
  return [new Vector4(0, 0, 1, 1), plain, plain, plain, plain, plain];
}

function bake(mesh: Mesh, matrix: Matrix): Mesh {
  mesh.bakeTransformIntoVertices(matrix);
  return mesh;
}

function template(mesh: Mesh, material: Material): Mesh {
  mesh.material = material;
  mesh.setEnabled(false);
  mesh.isPickable = false;
  return mesh;
}

function rackShell(scene: Scene): Mesh {
  const { width: w, height: h, depth: d } = RACK;
  const parts: Mesh[] = [];
  const box = (name: string, size: [number, number, number], at: [number, number, number]) => {
    const b = CreateBox(name, { width: size[0], height: size[1], depth: size[2] }, scene);
    b.position.set(...at);
    parts.push(b);
  };
  const rail = (CHASSIS.width + 0.004) / 2;
  box("side-l", [0.02, h, d], [-w / 2 + 0.01, h / 2, 0]);
  box("side-r", [0.02, h, d], [w / 2 - 0.01, h / 2, 0]);
  box("top", [w, 0.05, d], [0, h - 0.025, 0]);
  box("plinth", [w, 0.08, d], [0, 0.04, 0]);
  box("back", [w - 0.04, h - 0.13, 0.02], [0, h / 2, -d / 2 + 0.01]);
  box("rail-l", [w / 2 - 0.02 - rail, h - 0.13, 0.03], [-(rail + (w / 2 - 0.02 - rail) / 2), h / 2, d / 2 - 0.02]);
  box("rail-r", [w / 2 - 0.02 - rail, h - 0.13, 0.03], [rail + (w / 2 - 0.02 - rail) / 2, h / 2, d / 2 - 0.02]);
  box("header", [w, 0.07, 0.03], [0, h - 0.085, d / 2 - 0.015]);
  const merged = Mesh.MergeMeshes(parts, true, true);
  if (!merged) throw new Error("Could not build the rack shell geometry");
  merged.name = "tpl-rack";
  return merged;
}

/** Four thin bars around a unit square at z = 0: the hover/selection bracket, scaled to the caddy. */
function outline(scene: Scene): Mesh {
  const t = 0.07;
  const parts = [
    [1 + 2 * t, t, 0, 0.5 + t / 2],
    [1 + 2 * t, t, 0, -0.5 - t / 2],
    [t, 1, -0.5 - t / 2, 0],
    [t, 1, 0.5 + t / 2, 0],
  ].map(([w, h, x, y], i) => {
    const b = CreateBox(`frame-${i}`, { width: w!, height: h!, depth: 0.2 }, scene);
    b.position.set(x!, y!, 0.1);
    return b;
  });
  const merged = Mesh.MergeMeshes(parts, true, true);
  if (!merged) throw new Error("Could not build the selection frame geometry");
  merged.name = "tpl-frame";
  return merged;
}

export function createHallAssets(scene: Scene, theme: Theme, canPaint: boolean): HallAssets {
  const rackMat = metal(scene, "mat-rack", theme, theme.colors.metal, theme.materials.metalRoughness);
  rackMat.albedoTexture = paintedTexture(scene, "tex-rack", 256, 512, rackSteel(theme), canPaint);
  if (rackMat.albedoTexture) rackMat.albedoColor = Color3.White();

  const chassisMat = metal(scene, "mat-chassis", theme, theme.colors.metal, 0.38);
  chassisMat.albedoTexture = paintedTexture(scene, "tex-chassis", 1024, 320, chassisFront(theme), canPaint);
  if (chassisMat.albedoTexture) chassisMat.albedoColor = Color3.White();

  const caddyMat = new PBRMaterial("mat-caddy", scene);
  caddyMat.metallic = 0.3;
  caddyMat.roughness = 0.5;
  caddyMat.maxSimultaneousLights = 6;
  caddyMat.albedoTexture = paintedTexture(scene, "tex-caddy", 256, 48, caddyFront(theme), canPaint);
  caddyMat.albedoColor = caddyMat.albedoTexture ? Color3.White() : color3(theme.colors.module);

  const ledMat = new StandardMaterial("mat-led", scene);
  ledMat.disableLighting = true;
  ledMat.diffuseColor = Color3.Black();
  ledMat.specularColor = Color3.Black();
  ledMat.emissiveColor = Color3.White();
  ledMat.fogEnabled = false;

  const hatchMat = new StandardMaterial("mat-hatch", scene);
  hatchMat.disableLighting = true;
  hatchMat.emissiveColor = Color3.White();
  const hatchTexture = paintedTexture(scene, "tex-hatch", 512, 160, offlineHatch(theme), canPaint);
  if (hatchTexture) {
    hatchTexture.hasAlpha = true;
    hatchMat.diffuseTexture = hatchTexture;
    hatchMat.useAlphaFromDiffuseTexture = true;
    hatchMat.emissiveColor = Color3.Black();
    hatchMat.disableLighting = false;
    hatchMat.emissiveTexture = hatchTexture;
  }

  const accentMat = new StandardMaterial("mat-accent", scene);
  accentMat.disableLighting = true;
  accentMat.emissiveColor = color3(theme.colors.accent);
  accentMat.diffuseColor = Color3.Black();

  const rack = template(rackShell(scene), rackMat);
  const door = template(
    bake(CreateBox("tpl-door", { width: RACK.width - 0.05, height: RACK.height - 0.14, depth: 0.02 }, scene), Matrix.Translation(0, RACK.height / 2, RACK.depth / 2 - 0.03)),
    rackMat,
  );

  const chassis = template(
    bake(
      CreateBox("tpl-chassis", { width: CHASSIS.width, height: CHASSIS.height, depth: CHASSIS.depth, faceUV: frontOnlyFaceUV(), wrap: true }, scene),
      Matrix.Translation(0, 0, -CHASSIS.depth / 2),
    ),
    chassisMat,
  );

  const caddyDepth = 0.03;
  const caddy = template(
    bake(CreateBox("tpl-caddy", { width: 1, height: 1, depth: caddyDepth, faceUV: frontOnlyFaceUV(), wrap: true }, scene), Matrix.Translation(0, 0, -caddyDepth / 2)),
    caddyMat,
  );

  const led = template(bake(CreateBox("tpl-led", { size: 1 }, scene), Matrix.Translation(0, 0, 0.5)), ledMat);

  const hatch = template(bake(CreatePlane("tpl-hatch", { size: 1 }, scene), Matrix.RotationY(Math.PI)), hatchMat);

  const frame = template(outline(scene), accentMat);

  const materials = { rack: rackMat, chassis: chassisMat, caddy: caddyMat, led: ledMat, hatch: hatchMat, accent: accentMat };
  return {
    rack,
    door,
    chassis,
    caddy,
    led,
    hatch,
    frame,
    materials,
    dispose() {
      for (const mesh of [rack, door, chassis, caddy, led, hatch, frame]) mesh.dispose(false, false);
      for (const material of Object.values(materials)) material.dispose(true, true);
    },
  };
}
