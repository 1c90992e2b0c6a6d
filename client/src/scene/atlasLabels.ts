import { Color3, Color4 } from "@babylonjs/core/Maths/math.color";
import { Vector4 } from "@babylonjs/core/Maths/math.vector";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture";
import { Texture } from "@babylonjs/core/Materials/Textures/texture";
import { SolidParticleSystem } from "@babylonjs/core/Particles/solidParticleSystem";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";

export interface LabelContent {
  /** Stable identity (a guest or host key). */
  id: string;
  /** Changes whenever the drawing would change; the slot is redrawn only then. */
  version: string;
  draw(ctx: CanvasRenderingContext2D, width: number, height: number): void;
}

export interface PlacedLabel {
  content: LabelContent;
  x: number;
  y: number;
  z: number;
  width: number;
  height: number;
  yaw: number;
  alpha: number;
}

export interface AtlasOptions {
  slotWidth: number;
  slotHeight: number;
  columns: number;
  capacity: number;
}

/**
 * A pool of text labels drawn in one call: a solid particle system of quads that sample slots of one canvas atlas.
 * Only labels whose content changed are redrawn; labels that stay in view keep their slot.
 */
export class AtlasLabels {
  readonly mesh: Mesh;
  private readonly sps: SolidParticleSystem;
  private readonly texture: DynamicTexture;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly rows: number;
  private readonly slotOf = new Map<string, { slot: number; version: string }>();
  private readonly freeSlots: number[] = [];

  constructor(
    scene: Scene,
    name: string,
    private readonly options: AtlasOptions,
  ) {
    this.rows = Math.ceil(options.capacity / options.columns);
    const width = options.slotWidth * options.columns;
    const height = options.slotHeight * this.rows;
    this.texture = new DynamicTexture(`${name}-atlas`, { width, height }, scene, true, Texture.TRILINEAR_SAMPLINGMODE);
    this.texture.hasAlpha = true;
    this.texture.anisotropicFilteringLevel = 8;
    this.ctx = this.texture.getContext() as unknown as CanvasRenderingContext2D;
    for (let i = options.capacity - 1; i >= 0; i--) this.freeSlots.push(i);

    this.sps = new SolidParticleSystem(name, scene, { updatable: true, isPickable: false });
    const quad = CreatePlane(`${name}-quad`, { size: 1 }, scene);
    this.sps.addShape(quad, options.capacity);
    quad.dispose();
    this.mesh = this.sps.buildMesh();
    this.mesh.isPickable = false;
    this.mesh.alwaysSelectAsActiveMesh = true;
    this.mesh.hasVertexAlpha = true;
    this.sps.computeParticleTexture = true;
    this.sps.computeParticleColor = true;

    const material = new StandardMaterial(`${name}-mat`, scene);
    material.diffuseTexture = this.texture;
    material.useAlphaFromDiffuseTexture = true;
    material.emissiveColor = Color3.White();
    material.disableLighting = true;
    material.backFaceCulling = true;
    material.fogEnabled = true;
    this.mesh.material = material;
    for (const p of this.sps.particles) p.isVisible = false;
    this.sps.setParticles();
  }

  /** Shows exactly these labels (at most `capacity`, the first ones win). */
  show(labels: readonly PlacedLabel[]): void {
    const visible = labels.slice(0, this.options.capacity);
    const wanted = new Set(visible.map((l) => l.content.id));
    for (const [id, entry] of this.slotOf) {
      if (!wanted.has(id)) {
        this.slotOf.delete(id);
        this.freeSlots.push(entry.slot);
      }
    }
    let redrawn = false;
    for (const label of visible) {
      let entry = this.slotOf.get(label.content.id);
      if (!entry) {
        entry = { slot: this.freeSlots.pop()!, version: "" };
        this.slotOf.set(label.content.id, entry);
      }
      if (entry.version !== label.content.version) {
        this.drawSlot(entry.slot, label.content);
        entry.version = label.content.version;
        redrawn = true;
      }
    }
    if (redrawn) this.texture.update(true);

    const particles = this.sps.particles;
    particles.forEach((p, i) => {
      const label = visible[i];
      if (!label) {
        p.isVisible = false;
        return;
      }
      const slot = this.slotOf.get(label.content.id)!.slot;
      p.isVisible = true;
      p.position.set(label.x, label.y, label.z);
      p.rotation.set(0, label.yaw, 0);
      p.scaling.set(label.width, label.height, 1);
      p.uvs = this.uvsOf(slot);
      p.color = new Color4(1, 1, 1, label.alpha);
    });
    this.sps.setParticles();
    this.mesh.setEnabled(visible.length > 0);
  }

  dispose(): void {
    this.mesh.material?.dispose(true, true);
    this.sps.dispose();
    this.texture.dispose();
  }

  private slotRect(slot: number): { x: number; y: number } {
    return { x: (slot % this.options.columns) * this.options.slotWidth, y: Math.floor(slot / this.options.columns) * this.options.slotHeight };
  }

  private uvsOf(slot: number): Vector4 {
    const { x, y } = this.slotRect(slot);
    const W = this.options.slotWidth * this.options.columns;
    const H = this.options.slotHeight * this.rows;
    // The atlas is uploaded with invertY, so canvas row 0 is v = 1.
    return new Vector4(x / W, 1 - (y + this.options.slotHeight) / H, (x + this.options.slotWidth) / W, 1 - y / H);
  }

  private drawSlot(slot: number, content: LabelContent): void {
    const { x, y } = this.slotRect(slot);
    const { slotWidth: w, slotHeight: h } = this.options;
    this.ctx.save();
    this.ctx.beginPath();
    this.ctx.rect(x, y, w, h);
    this.ctx.clip();
    this.ctx.clearRect(x, y, w, h);
    this.ctx.translate(x, y);
    content.draw(this.ctx, w, h);
    this.ctx.restore();
  }
}
