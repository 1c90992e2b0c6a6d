import { Color3 } from "@babylonjs/core/Maths/math.color";
import { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import { TransformNode } from "@babylonjs/core/Meshes/transformNode";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import { PBRMaterial } from "@babylonjs/core/Materials/PBR/pbrMaterial";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import type { Scene } from "@babylonjs/core/scene";
import type { Theme } from "../theme.ts";
import { color3, paintedTexture } from "./assets.ts";
import { RACK, type HallLayout } from "./layout.ts";
import type { Painter } from "./painters.ts";

const SCREEN = { width: 0.62, height: 0.42, tilt: 0.35, y: 1.22 } as const;

/** Where the kiosk stands: at the head of the first row, turned toward the entrance where you arrive. */
export function terminalPlacement(layout: Pick<HallLayout, "rows" | "spawn">): { x: number; z: number; yaw: number } {
  const row = layout.rows[0] ?? { z: 0, facing: 1 as const, xStart: 0 };
  // Just before the first rack, at the edge of the aisle: in view from the entrance, clear of the walkway.
  const x = row.xStart - 0.3;
  const z = row.z + row.facing * (RACK.depth / 2 + 0.1);
  const toSpawn = { x: layout.spawn.x - x, z: layout.spawn.z - z };
  // The screen's readable side is the plane's -z: turn that side toward the entrance.
  return { x, z, yaw: Math.atan2(-toSpawn.x, -toSpawn.z) };
}

function screenPainter(theme: Theme): Painter {
  return (ctx, w, h) => {
    const c = theme.colors;
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = c.accent;
    ctx.lineWidth = 6;
    ctx.strokeRect(10, 10, w - 20, h - 20);
    ctx.fillStyle = c.accent;
    ctx.font = `700 64px "${theme.fonts.sans}", sans-serif`;
    ctx.textAlign = "center";
    ctx.fillText("App catalog", w / 2, h * 0.3);
    const tiles = 4;
    const size = w * 0.13;
    const gap = (w - tiles * size) / (tiles + 1);
    const palette = [c.ok, c.accent, c.busy, c.text];
    for (let i = 0; i < tiles; i++) {
      ctx.globalAlpha = 0.85;
      ctx.fillStyle = palette[i % palette.length]!;
      ctx.fillRect(gap + i * (size + gap), h * 0.42, size, size * 0.7);
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = c.textMuted;
    ctx.font = `500 34px "${theme.fonts.mono}", monospace`;
    ctx.fillText("click to deploy an app", w / 2, h * 0.86);
  };
}

/**
 * The catalog kiosk near the entrance: a brushed pedestal with a tilted, glowing screen. Clicking it (or its screen)
 * opens the app catalog. Moves with the layout so it always stands at the head of the first row.
 */
export class CatalogTerminal {
  private readonly root: TransformNode;
  private readonly screen: Mesh;
  private readonly meshes: Mesh[];

  constructor(scene: Scene, theme: Theme, canPaint: boolean) {
    this.root = new TransformNode("catalog-terminal", scene);
    const body = new PBRMaterial("mat-terminal", scene);
    body.albedoColor = color3(theme.colors.metal);
    body.metallic = theme.materials.metalMetallic;
    body.roughness = theme.materials.metalRoughness;
    const glow = new StandardMaterial("mat-terminal-screen", scene);
    glow.disableLighting = true;
    const texture = paintedTexture(scene, "tex-terminal", 512, 348, screenPainter(theme), canPaint);
    // A standard material multiplies its emissive colour by the diffuse texture: white shows the painting as is.
    glow.diffuseTexture = texture;
    glow.emissiveColor = texture ? Color3.White() : color3(theme.colors.accent);
    const accent = new StandardMaterial("mat-terminal-accent", scene);
    accent.disableLighting = true;
    accent.emissiveColor = color3(theme.colors.accent);

    const pedestal = CreateBox("terminal-pedestal", { width: 0.46, height: 1.0, depth: 0.34 }, scene);
    pedestal.position.set(0, 0.5, 0);
    pedestal.material = body;
    const head = CreateBox("terminal-head", { width: SCREEN.width + 0.06, height: SCREEN.height + 0.06, depth: 0.06 }, scene);
    head.position.set(0, SCREEN.y, 0.02);
    head.rotation.x = -SCREEN.tilt;
    head.material = body;
    this.screen = CreatePlane("terminal-screen", { width: SCREEN.width, height: SCREEN.height }, scene);
    this.screen.position.set(0, SCREEN.y, -0.015);
    this.screen.rotation.x = -SCREEN.tilt;
    this.screen.material = glow;
    // A thin light bar along the pedestal's front edge.
    const strip = CreateBox("terminal-strip", { width: 0.46, height: 0.02, depth: 0.012 }, scene);
    strip.position.set(0, 0.96, -0.176);
    strip.material = accent;
    this.meshes = [pedestal, head, this.screen, strip];
    for (const mesh of this.meshes) {
      mesh.parent = this.root;
      mesh.isPickable = true;
    }
  }

  place(layout: Pick<HallLayout, "rows" | "spawn">): void {
    const at = terminalPlacement(layout);
    this.root.position.set(at.x, 0, at.z);
    this.root.rotation.y = at.yaw;
  }

  owns(mesh: AbstractMesh): boolean {
    return this.meshes.includes(mesh as Mesh);
  }

  /** The screen's centre in world space (for the debug hook's screen position). */
  screenCentre(): Vector3 {
    return Vector3.TransformCoordinates(Vector3.Zero(), this.screen.computeWorldMatrix(true));
  }

  dispose(): void {
    for (const mesh of this.meshes) mesh.dispose(false, true);
    this.root.dispose();
  }
}

