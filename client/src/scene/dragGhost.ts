import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import type { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Scene } from "@babylonjs/core/scene";
import type { Theme } from "../theme.ts";
import { color3, type HallAssets } from "./assets.ts";
import { facingRotation } from "./frontMatrix.ts";
import { CHASSIS, type GuestLayout, type HostLayout } from "./layout.ts";

/**
 * What you see while dragging a guest to migrate it: a translucent copy of its caddy under the pointer, and a
 * bracket around the host chassis it would land on, accent when the drop is allowed and red when it is not.
 */
export class DragGhost {
  private readonly caddy: Mesh;
  private readonly bracket: Mesh;
  private readonly ok: StandardMaterial;
  private readonly refused: StandardMaterial;

  constructor(scene: Scene, assets: HallAssets, theme: Theme) {
    this.caddy = assets.caddy.clone("drag-ghost", null, true);
    this.caddy.makeGeometryUnique();
    const ghost = new StandardMaterial("mat-drag-ghost", scene);
    ghost.disableLighting = true;
    ghost.emissiveColor = color3(theme.colors.accent);
    ghost.alpha = 0.6;
    this.caddy.material = ghost;
    this.ok = new StandardMaterial("mat-drop-ok", scene);
    this.ok.disableLighting = true;
    this.ok.emissiveColor = color3(theme.colors.accent);
    this.refused = new StandardMaterial("mat-drop-refused", scene);
    this.refused.disableLighting = true;
    this.refused.emissiveColor = color3(theme.colors.error);
    this.bracket = assets.frame.clone("drop-bracket", null, true);
    this.bracket.makeGeometryUnique();
    for (const mesh of [this.caddy, this.bracket]) {
      mesh.isPickable = false;
      mesh.setEnabled(false);
    }
  }

  /** The ghost caddy at `point`, turned like the guest it copies. */
  follow(guest: GuestLayout, point: Vector3): void {
    this.caddy.position.copyFrom(point);
    this.caddy.rotationQuaternion = facingRotation(guest.facing).clone();
    this.caddy.scaling.set(guest.width, guest.height, 1);
    this.caddy.setEnabled(true);
  }

  /** Brackets the chassis a drop would land on (null: none). */
  target(host: HostLayout | undefined, allowed: boolean): void {
    if (!host) {
      this.bracket.setEnabled(false);
      return;
    }
    this.bracket.material = allowed ? this.ok : this.refused;
    this.bracket.position.set(host.front.x, host.front.y, host.front.z);
    this.bracket.rotationQuaternion = facingRotation(host.facing).clone();
    this.bracket.scaling.set(CHASSIS.width, CHASSIS.height, 0.01);
    this.bracket.setEnabled(true);
  }

  hide(): void {
    this.caddy.setEnabled(false);
    this.bracket.setEnabled(false);
  }

  dispose(): void {
    this.caddy.dispose();
    this.bracket.dispose();
  }
}
