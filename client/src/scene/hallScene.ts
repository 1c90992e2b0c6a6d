import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine";
import { Color3, Color4 } from "@babylonjs/core/Maths/math.color";
import { Vector3 } from "@babylonjs/core/Maths/math.vector";
import { HemisphericLight } from "@babylonjs/core/Lights/hemisphericLight";
import { GlowLayer } from "@babylonjs/core/Layers/glowLayer";
import { ImageProcessingConfiguration } from "@babylonjs/core/Materials/imageProcessingConfiguration";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import { Scene } from "@babylonjs/core/scene";
import type { Theme } from "../theme.ts";
import { color3, createHallAssets, type HallAssets } from "./assets.ts";
import { createEnvironmentTexture } from "./environment.ts";

export interface HallScene {
  readonly scene: Scene;
  readonly assets: HallAssets;
  /** Null under NullEngine, where there is nothing to glow. */
  readonly glow: GlowLayer | null;
  /** Lets the glow layer draw these LED meshes with their own (per-instance coloured) material. */
  addGlowing(meshes: readonly Mesh[]): void;
  removeGlowing(meshes: readonly Mesh[]): void;
  /** Rows' LEDs glow as above; their racks and chassis are drawn black by the glow layer, so no LED glows through them. */
  addRowMeshes(meshes: GlowMeshes): void;
  removeRowMeshes(meshes: GlowMeshes): void;
}

/** A row's meshes as the glow layer sees them: LEDs that glow, and the racks and chassis that can hide them. */
export interface GlowMeshes {
  glowing: Mesh[];
  occluding: Mesh[];
}

/**
 * Scene-wide look: night-blue background and fog, ACES tone mapping, a cool hemispheric fill, a generated
 * environment for PBR reflections, and a glow layer restricted to LED meshes.
 */
export function createHallScene(engine: AbstractEngine, theme: Theme, options: { canPaint: boolean; glow: boolean }): HallScene {
  const scene = new Scene(engine);
  const bg = color3(theme.colors.bg);
  scene.clearColor = new Color4(bg.r, bg.g, bg.b, 1);
  scene.ambientColor = Color3.Black();
  scene.fogMode = Scene.FOGMODE_EXP2;
  scene.fogColor = bg;
  scene.fogDensity = theme.fog.density;
  scene.skipPointerMovePicking = true;

  const ip = scene.imageProcessingConfiguration;
  ip.toneMappingEnabled = true;
  ip.toneMappingType = ImageProcessingConfiguration.TONEMAPPING_ACES;
  ip.exposure = theme.lighting.exposure;
  ip.contrast = theme.lighting.contrast;
  ip.vignetteEnabled = true;
  ip.vignetteWeight = 1.6;
  ip.vignetteColor = new Color4(0, 0, 0, 0);

  const fill = new HemisphericLight("fill", new Vector3(0.2, 1, -0.1), scene);
  fill.intensity = theme.lighting.fillIntensity;
  fill.diffuse = color3(theme.lighting.fill);
  fill.specular = new Color3(0.15, 0.18, 0.24);
  fill.groundColor = color3(theme.lighting.fillGround);

  if (options.canPaint) {
    scene.environmentTexture = createEnvironmentTexture(scene, theme);
    scene.environmentIntensity = theme.lighting.environmentIntensity;
  }

  const assets = createHallAssets(scene, theme, options.canPaint);

  const glow = options.glow ? new GlowLayer("led-glow", scene, { mainTextureRatio: 0.5, blurKernelSize: 24 }) : null;
  if (glow) glow.intensity = theme.materials.glowIntensity;
  // The glow layer only draws the meshes it includes; anything else would not hide an LED from it. Occluders are
  // included too, drawn black (glowing meshes use their own material, so this colour never reaches them).
  if (glow) glow.customEmissiveColorSelector = (_mesh, _subMesh, _material, result) => result.set(0, 0, 0, 1);

  const addGlowing = (meshes: readonly Mesh[]) => {
    if (!glow) return;
    for (const mesh of meshes) {
      glow.addIncludedOnlyMesh(mesh);
      glow.referenceMeshToUseItsOwnMaterial(mesh);
    }
  };
  const removeGlowing = (meshes: readonly Mesh[]) => {
    if (!glow) return;
    for (const mesh of meshes) {
      glow.removeIncludedOnlyMesh(mesh);
      glow.unReferenceMeshFromUsingItsOwnMaterial(mesh);
    }
  };
  return {
    scene,
    assets,
    glow,
    addGlowing,
    removeGlowing,
    addRowMeshes({ glowing, occluding }) {
      addGlowing(glowing);
      for (const mesh of occluding) glow?.addIncludedOnlyMesh(mesh);
    },
    removeRowMeshes({ glowing, occluding }) {
      removeGlowing(glowing);
      for (const mesh of occluding) glow?.removeIncludedOnlyMesh(mesh);
    },
  };
}
