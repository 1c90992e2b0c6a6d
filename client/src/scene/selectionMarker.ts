import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { HallAssets } from "./assets.ts";
import { facingRotation } from "./frontMatrix.ts";
import type { GuestLayout } from "./layout.ts";

/** A glowing accent bracket around the selected guest's caddy. */
export class SelectionMarker {
  readonly mesh: Mesh;

  constructor(assets: HallAssets) {
    this.mesh = assets.frame.clone("selection-frame", null, true);
    this.mesh.makeGeometryUnique();
    this.mesh.isPickable = false;
    this.mesh.setEnabled(false);
  }

  show(guest: GuestLayout | undefined): void {
    if (!guest) {
      this.mesh.setEnabled(false);
      return;
    }
    this.mesh.position.set(guest.front.x, guest.front.y, guest.front.z);
    this.mesh.rotationQuaternion = facingRotation(guest.facing).clone();
    this.mesh.scaling.set(guest.width, guest.height, 0.01);
    this.mesh.setEnabled(true);
  }

  dispose(): void {
    this.mesh.dispose();
  }
}
