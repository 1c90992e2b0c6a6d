import type { Camera } from "@babylonjs/core/Cameras/camera";
import { Matrix } from "@babylonjs/core/Maths/math.vector";
import type { Scene } from "@babylonjs/core/scene";
import type { Estate } from "../model/estate.ts";
import type { DragGhost } from "../scene/dragGhost.ts";
import type { HallView } from "../scene/hallView.ts";
import { hostUnderRay, migrateDrop } from "../scene/migrateDrop.ts";

export interface MigrateDragCallbacks {
  /** The guest was dropped on a host it may migrate to. */
  onDrop(key: string, node: string): void;
  /** It was dropped on a host it may not go to. */
  onRefused(reason: string): void;
}

/** How far in front of the eye the ghost caddy floats when the pointer is over no host. */
const FLOAT_DISTANCE = 1.2;

/**
 * Press a guest's caddy, drag it onto another host's chassis, release: the ghost follows the pointer and the target
 * chassis is bracketed (accent when allowed, red when not); the drop asks for the migration's confirmation.
 */
export class MigrateDrag {
  private key: string | null = null;

  constructor(
    private readonly scene: Scene,
    private readonly camera: () => Camera,
    private readonly view: HallView,
    private readonly estate: Estate,
    private readonly ghost: DragGhost,
    private readonly callbacks: MigrateDragCallbacks,
  ) {}

  get dragging(): string | null {
    return this.key;
  }

  start(key: string): void {
    this.key = key;
  }

  move(x: number, y: number): void {
    const guestLayout = this.key ? this.view.layout.guests.get(this.key) : undefined;
    const guest = this.key ? this.estate.guests.get(this.key) : undefined;
    if (!guestLayout || !guest) return;
    const ray = this.scene.createPickingRay(x, y, Matrix.Identity(), this.camera());
    const hostKey = hostUnderRay(this.view.layout, ray.origin, ray.direction);
    const host = hostKey ? this.view.layout.hosts.get(hostKey) : undefined;
    const distance = host && ray.direction.z !== 0 ? (host.front.z - ray.origin.z) / ray.direction.z - 0.05 : FLOAT_DISTANCE;
    this.ghost.follow(guestLayout, ray.origin.add(ray.direction.scale(distance)));
    this.ghost.target(host, migrateDrop(guest, hostKey ? this.estate.hosts.get(hostKey) : undefined).ok);
  }

  end(at: { x: number; y: number } | null): void {
    const key = this.key;
    this.key = null;
    this.ghost.hide();
    const guest = key ? this.estate.guests.get(key) : undefined;
    if (!key || !guest || !at) return;
    const ray = this.scene.createPickingRay(at.x, at.y, Matrix.Identity(), this.camera());
    const hostKey = hostUnderRay(this.view.layout, ray.origin, ray.direction);
    if (!hostKey) return;
    const drop = migrateDrop(guest, this.estate.hosts.get(hostKey));
    if (drop.ok) this.callbacks.onDrop(key, drop.node);
    else this.callbacks.onRefused(drop.reason);
  }
}
