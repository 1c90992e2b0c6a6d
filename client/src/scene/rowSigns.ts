import { Color3 } from "@babylonjs/core/Maths/math.color";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture";
import { Texture } from "@babylonjs/core/Materials/Textures/texture";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { Estate } from "../model/estate.ts";
import type { ClusterRecord } from "../model/records.ts";
import { withAlpha, type Theme } from "../theme.ts";
import { RACK, type HallLayout, type RowLayout } from "./layout.ts";

interface SignMeshes {
  signature: string;
  meshes: Mesh[];
}

const STATUS_TEXT: Record<string, string> = { online: "ONLINE", offline: "CLUSTER OFFLINE", connecting: "CONNECTING…" };

function statusColor(theme: Theme, status: string): string {
  return status === "online" ? theme.colors.ok : status === "offline" ? theme.colors.error : theme.colors.busy;
}

/**
 * Row-end signs (cluster name, row number, cluster status; an unreachable cluster's sign turns red and says why)
 * and the rack-id strip along each row's top. Two small meshes per row, redrawn only when their text changes.
 */
export class RowSigns {
  private readonly rows = new Map<number, SignMeshes>();

  constructor(
    private readonly scene: Scene,
    private readonly theme: Theme,
  ) {}

  update(layout: HallLayout, estate: Estate): void {
    for (const [index, sign] of this.rows) {
      if (index >= layout.rows.length) {
        this.disposeSign(sign);
        this.rows.delete(index);
      }
    }
    for (const row of layout.rows) {
      const cluster = estate.clusters.get(row.clusterId) ?? { id: row.clusterId, name: row.clusterId, status: "connecting", error: "", lastSyncAt: 0 };
      const racks = row.rackIds.map((id) => layout.racks.get(id)?.label ?? id);
      const signature = JSON.stringify([row, cluster.name, cluster.status, cluster.error, racks]);
      const existing = this.rows.get(row.index);
      if (existing?.signature === signature) continue;
      if (existing) this.disposeSign(existing);
      this.rows.set(row.index, { signature, meshes: [this.endSign(row, cluster), ...(racks.length ? [this.rackStrip(row, racks, cluster)] : [])] });
    }
  }

  dispose(): void {
    for (const sign of this.rows.values()) this.disposeSign(sign);
    this.rows.clear();
  }

  private disposeSign(sign: SignMeshes): void {
    for (const mesh of sign.meshes) mesh.dispose(false, true);
  }

  private texturedPlane(name: string, width: number, height: number, px: [number, number], draw: (ctx: CanvasRenderingContext2D, w: number, h: number) => void): Mesh {
    const texture = new DynamicTexture(`${name}-tex`, { width: px[0], height: px[1] }, this.scene, true, Texture.TRILINEAR_SAMPLINGMODE);
    texture.hasAlpha = true;
    texture.anisotropicFilteringLevel = 8;
    draw(texture.getContext() as unknown as CanvasRenderingContext2D, px[0], px[1]);
    texture.update(true);
    const material = new StandardMaterial(`${name}-mat`, this.scene);
    material.diffuseTexture = texture;
    material.useAlphaFromDiffuseTexture = true;
    material.emissiveColor = Color3.White();
    material.disableLighting = true;
    const plane = CreatePlane(name, { width, height }, this.scene);
    plane.material = material;
    plane.isPickable = false;
    return plane;
  }

  private endSign(row: RowLayout, cluster: ClusterRecord): Mesh {
    const t = this.theme;
    const offline = cluster.status === "offline";
    const plane = this.texturedPlane(`row${row.index}-sign`, 0.8, 0.42, [760, 400], (ctx, w, h) => {
      ctx.fillStyle = withAlpha(t.colors.glass, 0.94);
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = offline ? t.colors.error : t.colors.accent;
      ctx.fillRect(0, 0, w, h * 0.03);
      ctx.fillRect(0, 0, w * 0.012, h);
      ctx.textBaseline = "alphabetic";
      ctx.fillStyle = t.colors.textMuted;
      ctx.font = `600 ${Math.round(h * 0.085)}px "${t.fonts.mono}", monospace`;
      ctx.fillText(`ROW ${String(row.index + 1).padStart(2, "0")} · ${row.rackIds.length} RACK${row.rackIds.length === 1 ? "" : "S"}`, w * 0.06, h * 0.2);
      ctx.fillStyle = t.colors.text;
      ctx.font = `700 ${Math.round(h * 0.17)}px "${t.fonts.sans}", sans-serif`;
      ctx.fillText(cluster.name.slice(0, 22), w * 0.06, h * 0.45);
      const status = STATUS_TEXT[cluster.status] ?? cluster.status.toUpperCase();
      ctx.fillStyle = statusColor(t, cluster.status);
      ctx.beginPath();
      ctx.arc(w * 0.08, h * 0.62, h * 0.028, 0, Math.PI * 2);
      if (offline) ctx.rect(w * 0.08 - h * 0.03, h * 0.62 - h * 0.006, h * 0.06, h * 0.012);
      ctx.fill();
      ctx.font = `700 ${Math.round(h * 0.085)}px "${t.fonts.sans}", sans-serif`;
      ctx.fillText(status, w * 0.12, h * 0.65);
      if (cluster.error) {
        ctx.fillStyle = t.colors.text;
        ctx.font = `500 ${Math.round(h * 0.06)}px "${t.fonts.mono}", monospace`;
        const words = cluster.error.split(/\s+/);
        let line = "";
        let y = h * 0.78;
        for (const word of words) {
          const next = line ? `${line} ${word}` : word;
          if (ctx.measureText(next).width > w * 0.88 && line) {
            ctx.fillText(line, w * 0.06, y);
            y += h * 0.08;
            line = word;
            if (y > h * 0.95) break;
          } else {
            line = next;
          }
        }
        if (y <= h * 0.95) ctx.fillText(line, w * 0.06, y);
      }
    });
    // At the row's entrance end, facing the corridor you come in from.
    plane.position.set(row.xStart - 0.012, RACK.height - 0.4, row.z);
    plane.rotation.y = Math.PI / 2;
    plane.freezeWorldMatrix();
    return plane;
  }

  private rackStrip(row: RowLayout, labels: string[], cluster: ClusterRecord): Mesh {
    const t = this.theme;
    const length = row.rackIds.length * RACK.width;
    const offline = cluster.status === "offline";
    const plane = this.texturedPlane(`row${row.index}-racks`, length, 0.05, [row.rackIds.length * 320, 40], (ctx, w, h) => {
      const seg = w / labels.length;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.font = `700 ${Math.round(h * 0.62)}px "${t.fonts.mono}", monospace`;
      // Seen from the aisle, a +z-facing row runs right to left in x.
      const ordered = row.facing === 1 ? [...labels].reverse() : labels;
      ordered.forEach((label, i) => {
        ctx.fillStyle = offline ? t.colors.error : t.colors.textMuted;
        ctx.fillText(label, seg * (i + 0.5), h * 0.55);
      });
    });
    plane.position.set(row.xStart + length / 2, RACK.height - 0.085, row.z + row.facing * (RACK.depth / 2 + 0.002));
    plane.rotation.y = row.facing === 1 ? Math.PI : 0;
    plane.freezeWorldMatrix();
    return plane;
  }
}
