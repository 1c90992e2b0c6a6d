import type { FreeCamera } from "@babylonjs/core/Cameras/freeCamera";
import type { Rect } from "../scene/layout.ts";
import { moveWithCollisions, pushOutOfObstacles } from "./collision.ts";
import { createGlide, EYE_HEIGHT, type Glide, type Pose } from "./glide.ts";

export interface WalkableWorld {
  obstacles(): readonly Rect[];
  bounds(): Rect;
}

const WALK_SPEED = 2.2;
const RUN_SPEED = 5.2;
const ACCELERATION = 12;
const RADIUS = 0.28;
const LOOK_SENSITIVITY = 0.0024;
const MAX_PITCH = 1.35;

const FORWARD = new Set(["KeyW", "ArrowUp"]);
const BACK = new Set(["KeyS", "ArrowDown"]);
const LEFT = new Set(["KeyA", "ArrowLeft"]);
const RIGHT = new Set(["KeyD", "ArrowRight"]);
const RUN = new Set(["ShiftLeft", "ShiftRight"]);
const MOVEMENT = new Set([...FORWARD, ...BACK, ...LEFT, ...RIGHT]);

/** Keys typed into the HUD (search, dialogs) must not walk the camera. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT", "BUTTON"].includes(target.tagName) || target.closest("dialog, [role=listbox]") !== null;
}

/**
 * Walking: WASD/arrows (Shift to run), mouse or touch look, sliding collisions with rack rows and walls, and eased
 * glides to a viewpoint. Owns the camera's pose; everything else asks it to move.
 */
export class FirstPersonController {
  private pose: Pose;
  private readonly keys = new Set<string>();
  private touchMove = { x: 0, y: 0 };
  private velocity = { x: 0, z: 0 };
  private glide: { glide: Glide; onArrive?: () => void } | null = null;
  private readonly onKeyDown = (e: KeyboardEvent) => {
    if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (MOVEMENT.has(e.code) || RUN.has(e.code)) {
      this.keys.add(e.code);
      if (MOVEMENT.has(e.code)) {
        this.glide = null;
        e.preventDefault();
      }
    }
  };
  private readonly onKeyUp = (e: KeyboardEvent) => {
    this.keys.delete(e.code);
  };
  private readonly onBlur = () => this.keys.clear();

  constructor(
    private readonly camera: FreeCamera,
    private readonly world: WalkableWorld,
    private readonly options: { reducedMotion: () => boolean; now: () => number; target: Window },
  ) {
    camera.inputs.clear();
    this.pose = { x: camera.position.x, y: camera.position.y, z: camera.position.z, yaw: camera.rotation.y, pitch: camera.rotation.x };
    options.target.addEventListener("keydown", this.onKeyDown);
    options.target.addEventListener("keyup", this.onKeyUp);
    options.target.addEventListener("blur", this.onBlur);
  }

  get current(): Pose {
    return { ...this.pose };
  }

  get isGliding(): boolean {
    return this.glide !== null;
  }

  /** Moving or about to: a glide, a held key, the touch stick, or momentum still decaying. */
  get isActive(): boolean {
    return (
      this.glide !== null ||
      [...this.keys].some((k) => MOVEMENT.has(k)) ||
      this.touchMove.x !== 0 ||
      this.touchMove.y !== 0 ||
      Math.abs(this.velocity.x) + Math.abs(this.velocity.z) > 1e-3
    );
  }

  /** Touch stick: x right, y forward, each -1..1. */
  setTouchMove(x: number, y: number): void {
    this.touchMove = { x, y };
    if (x !== 0 || y !== 0) this.glide = null;
  }

  /** Mouse/touch look in screen pixels. */
  look(dx: number, dy: number): void {
    this.glide = null;
    this.pose.yaw += dx * LOOK_SENSITIVITY;
    this.pose.pitch = Math.max(-MAX_PITCH, Math.min(MAX_PITCH, this.pose.pitch + dy * LOOK_SENSITIVITY));
  }

  teleport(pose: Pose): void {
    this.glide = null;
    const free = pushOutOfObstacles({ x: pose.x, z: pose.z }, RADIUS, this.world.obstacles(), this.world.bounds());
    this.pose = { ...pose, x: free.x, z: free.z };
    this.velocity = { x: 0, z: 0 };
    this.apply();
  }

  /** Glides to a pose in 400 ms (a cut under reduced motion). */
  glideTo(pose: Pose, onArrive?: () => void): void {
    this.glide = { glide: createGlide(this.pose, pose, this.options.now(), { reducedMotion: this.options.reducedMotion() }), onArrive };
    this.velocity = { x: 0, z: 0 };
  }

  /** Keeps the walker out of racks that appear where they stand. */
  relocateIfBlocked(): void {
    const free = pushOutOfObstacles({ x: this.pose.x, z: this.pose.z }, RADIUS, this.world.obstacles(), this.world.bounds());
    this.pose.x = free.x;
    this.pose.z = free.z;
    this.apply();
  }

  update(dtSec: number): void {
    const dt = Math.min(0.1, Math.max(0, dtSec));
    if (this.glide) {
      const { pose, done } = this.glide.glide.sample(this.options.now());
      this.pose = pose;
      // The camera is placed before arrival callbacks run, so they see the final pose.
      this.apply();
      if (done) {
        const arrive = this.glide.onArrive;
        this.glide = null;
        arrive?.();
      }
      return;
    }
    const has = (set: Set<string>) => [...set].some((k) => this.keys.has(k));
    let forward = (has(FORWARD) ? 1 : 0) - (has(BACK) ? 1 : 0) + this.touchMove.y;
    let strafe = (has(RIGHT) ? 1 : 0) - (has(LEFT) ? 1 : 0) + this.touchMove.x;
    const length = Math.hypot(forward, strafe);
    if (length > 1) {
      forward /= length;
      strafe /= length;
    }
    const speed = has(RUN) ? RUN_SPEED : WALK_SPEED;
    const sin = Math.sin(this.pose.yaw);
    const cos = Math.cos(this.pose.yaw);
    // Forward is (sin yaw, cos yaw); in Babylon's left-handed frame "right" is (cos yaw, -sin yaw).
    const target = { x: (forward * sin + strafe * cos) * speed, z: (forward * cos - strafe * sin) * speed };
    const k = 1 - Math.exp(-ACCELERATION * dt);
    this.velocity.x += (target.x - this.velocity.x) * k;
    this.velocity.z += (target.z - this.velocity.z) * k;
    if (Math.abs(this.velocity.x) + Math.abs(this.velocity.z) > 1e-4) {
      const next = moveWithCollisions(
        { x: this.pose.x, z: this.pose.z },
        { x: this.velocity.x * dt, z: this.velocity.z * dt },
        RADIUS,
        this.world.obstacles(),
        this.world.bounds(),
      );
      this.pose.x = next.x;
      this.pose.z = next.z;
    }
    this.pose.y += (EYE_HEIGHT - this.pose.y) * k;
    this.apply();
  }

  dispose(): void {
    this.options.target.removeEventListener("keydown", this.onKeyDown);
    this.options.target.removeEventListener("keyup", this.onKeyUp);
    this.options.target.removeEventListener("blur", this.onBlur);
  }

  private apply(): void {
    this.camera.position.set(this.pose.x, this.pose.y, this.pose.z);
    this.camera.rotation.set(this.pose.pitch, this.pose.yaw, 0);
  }
}
