import { Color3 } from "@babylonjs/core/Maths/math.color";
import { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector";
import { Mesh } from "@babylonjs/core/Meshes/mesh";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import { CreateGround } from "@babylonjs/core/Meshes/Builders/groundBuilder";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import { PBRMaterial } from "@babylonjs/core/Materials/PBR/pbrMaterial";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { SpotLight } from "@babylonjs/core/Lights/spotLight";
import type { Texture } from "@babylonjs/core/Materials/Textures/texture";
import type { Scene } from "@babylonjs/core/scene";
import "@babylonjs/core/Meshes/thinInstanceMesh";
import type { Theme } from "../theme.ts";
import { color3, paintedTexture } from "./assets.ts";
import { aisleZ, RACK, type HallLayout } from "./layout.ts";
import { floorTile, wallPanel } from "./painters.ts";

export const CEILING_HEIGHT = 3.4;
const TILE = 0.6;
const MAX_SPOTS = 4;

/**
 * The hall around the racks: raised floor, walls, ceiling with light panels over the cold aisles, cable trays over
 * the rows, soft contact shadows under them, and a few spot lights. Rebuilt only when the hall's size changes.
 */
export class RoomView {
  private meshes: Mesh[] = [];
  private lights: SpotLight[] = [];
  private signature = "";
  private readonly floorMat: PBRMaterial;
  private readonly wallMat: PBRMaterial;
  private readonly ceilingMat: PBRMaterial;
  private readonly trayMat: PBRMaterial;
  private readonly lampMat: StandardMaterial;
  private readonly shadowMat: StandardMaterial;
  private readonly floorTexture: Texture | null;
  private readonly wallTexture: Texture | null;

  constructor(
    private readonly scene: Scene,
    private readonly theme: Theme,
    canPaint: boolean,
  ) {
    this.floorTexture = paintedTexture(scene, "tex-floor", 256, 256, floorTile(theme), canPaint);
    this.wallTexture = paintedTexture(scene, "tex-wall", 256, 512, wallPanel(theme), canPaint);

    this.floorMat = new PBRMaterial("mat-floor", scene);
    this.floorMat.albedoColor = this.floorTexture ? Color3.White() : color3(theme.colors.surface);
    this.floorMat.albedoTexture = this.floorTexture;
    this.floorMat.metallic = theme.materials.floorMetallic;
    this.floorMat.roughness = theme.materials.floorRoughness;
    this.floorMat.maxSimultaneousLights = 6;

    this.wallMat = new PBRMaterial("mat-wall", scene);
    this.wallMat.albedoColor = this.wallTexture ? Color3.White() : color3(theme.colors.surfaceRaised);
    this.wallMat.albedoTexture = this.wallTexture;
    this.wallMat.metallic = 0.1;
    this.wallMat.roughness = 0.8;
    this.wallMat.maxSimultaneousLights = 6;

    this.ceilingMat = new PBRMaterial("mat-ceiling", scene);
    this.ceilingMat.albedoColor = color3(theme.colors.bg);
    this.ceilingMat.metallic = 0;
    this.ceilingMat.roughness = 0.9;

    this.trayMat = new PBRMaterial("mat-tray", scene);
    this.trayMat.albedoColor = color3(theme.colors.metal);
    this.trayMat.metallic = 0.7;
    this.trayMat.roughness = 0.5;

    this.lampMat = new StandardMaterial("mat-lamp", scene);
    this.lampMat.disableLighting = true;
    this.lampMat.emissiveColor = color3(theme.colors.lamp).scale(0.6);

    this.shadowMat = new StandardMaterial("mat-contact-shadow", scene);
    this.shadowMat.disableLighting = true;
    this.shadowMat.diffuseColor = Color3.Black();
    this.shadowMat.emissiveColor = Color3.Black();
    this.shadowMat.alpha = 0.55;
  }

  update(layout: HallLayout): void {
    const signature = JSON.stringify([layout.bounds, layout.rows.map((r) => [r.z, r.facing, r.xEnd])]);
    if (signature === this.signature) return;
    this.signature = signature;
    this.clear();
    const { minX, maxX, minZ, maxZ } = layout.bounds;
    const width = maxX - minX;
    const depth = maxZ - minZ;
    const cx = (minX + maxX) / 2;
    const cz = (minZ + maxZ) / 2;

    const floor = CreateGround("floor", { width, height: depth }, this.scene);
    floor.position.set(cx, 0, cz);
    floor.material = this.floorMat;
    if (this.floorTexture) {
      this.floorTexture.uScale = width / TILE;
      this.floorTexture.vScale = depth / TILE;
    }
    this.keep(floor);

    const ceiling = CreateGround("ceiling", { width, height: depth }, this.scene);
    ceiling.position.set(cx, CEILING_HEIGHT, cz);
    ceiling.rotation.x = Math.PI;
    ceiling.material = this.ceilingMat;
    this.keep(ceiling);

    const walls: Array<[number, number, number, number]> = [
      [cx, maxZ, width, 0],
      [cx, minZ, width, Math.PI],
      [maxX, cz, depth, Math.PI / 2],
      [minX, cz, depth, -Math.PI / 2],
    ];
    const wallParts = walls.map(([x, z, length, yaw], i) => {
      const wall = CreatePlane(`wall-${i}`, { width: length, height: CEILING_HEIGHT }, this.scene);
      wall.position.set(x, CEILING_HEIGHT / 2, z);
      wall.rotation.y = yaw;
      wall.bakeCurrentTransformIntoVertices();
      return wall;
    });
    const wallMesh = Mesh.MergeMeshes(wallParts, true, true);
    if (wallMesh) {
      wallMesh.name = "walls";
      wallMesh.material = this.wallMat;
      if (this.wallTexture) this.wallTexture.uScale = Math.max(1, Math.round((width + depth) / 1.2));
      this.keep(wallMesh);
    }

    // Light panels along every cold aisle (rows facing +z own the aisle in front of them).
    const lamp = CreateBox("lamps", { width: 1.8, height: 0.02, depth: 0.16 }, this.scene);
    lamp.material = this.lampMat;
    const lampMatrices: number[] = [];
    const aisles = layout.rows.filter((r) => r.facing === 1 || layout.rows.length === 1).map((r) => aisleZ(r));
    if (aisles.length === 0) aisles.push(aisleZ({ z: 0, facing: 1 }));
    for (const z of aisles) {
      for (let x = minX + 1.4; x < maxX - 0.8; x += 2.4) lampMatrices.push(...Matrix.Translation(x, CEILING_HEIGHT - 0.02, z).asArray());
    }
    lamp.thinInstanceSetBuffer("matrix", new Float32Array(lampMatrices), 16, true);
    this.keep(lamp);

    // Cable trays over the rows, and soft contact shadows under them.
    const racked = layout.rows;
    if (racked.length > 0) {
      const tray = CreateBox("trays", { width: 1, height: 0.06, depth: 0.32 }, this.scene);
      tray.material = this.trayMat;
      const shadow = CreateGround("contact-shadows", { width: 1, height: 1 }, this.scene);
      shadow.material = this.shadowMat;
      const trays: number[] = [];
      const shadows: number[] = [];
      for (const row of racked) {
        const length = row.xEnd - row.xStart;
        const mid = (row.xStart + row.xEnd) / 2;
        trays.push(...Matrix.Scaling(length + 0.6, 1, 1).multiply(Matrix.Translation(mid, RACK.height + 0.32, row.z)).asArray());
        shadows.push(...Matrix.Scaling(length + 0.12, 1, RACK.depth + 0.16).multiply(Matrix.Translation(mid, 0.004, row.z)).asArray());
      }
      tray.thinInstanceSetBuffer("matrix", new Float32Array(trays), 16, true);
      shadow.thinInstanceSetBuffer("matrix", new Float32Array(shadows), 16, true);
      this.keep(tray);
      this.keep(shadow);
    }

    // A few spots over the first aisles give the floor and rack faces pools of light; the rest is fill and fog.
    for (const z of aisles.slice(0, MAX_SPOTS)) {
      const spot = new SpotLight(`spot-${z.toFixed(2)}`, new Vector3(cx, CEILING_HEIGHT - 0.1, z), new Vector3(0, -1, 0), 2.4, 1.5, this.scene);
      spot.diffuse = color3(this.theme.colors.lamp);
      spot.specular = color3(this.theme.colors.lamp);
      spot.intensity = 90;
      spot.range = 14;
      this.lights.push(spot);
    }
  }

  dispose(): void {
    this.clear();
    for (const m of [this.floorMat, this.wallMat, this.ceilingMat, this.trayMat, this.lampMat, this.shadowMat]) m.dispose(true, true);
  }

  private keep(mesh: Mesh): void {
    mesh.isPickable = false;
    mesh.freezeWorldMatrix();
    this.meshes.push(mesh);
  }

  private clear(): void {
    for (const mesh of this.meshes) mesh.dispose();
    for (const light of this.lights) light.dispose();
    this.meshes = [];
    this.lights = [];
  }
}
