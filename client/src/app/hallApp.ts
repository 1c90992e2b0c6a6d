import { Camera } from "@babylonjs/core/Cameras/camera";
import { FreeCamera } from "@babylonjs/core/Cameras/freeCamera";
import type { AbstractEngine } from "@babylonjs/core/Engines/abstractEngine";
import { SceneInstrumentation } from "@babylonjs/core/Instrumentation/sceneInstrumentation";
import { Frustum } from "@babylonjs/core/Maths/math.frustum";
import { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector";
import "@babylonjs/core/Culling/ray";
import type { CommandName } from "../../../shared/src/commands.ts";
import type { Role } from "../../../shared/src/protocol.ts";
import { FirstPersonController } from "../controls/firstPerson.ts";
import { EYE_HEIGHT, viewpointFor, type Pose } from "../controls/glide.ts";
import { PointerInput } from "../controls/pointerInput.ts";
import { TouchStick } from "../controls/touchStick.ts";
import { GuestPanel, type PanelPlacement } from "../gui/guestPanel.ts";
import type { Estate } from "../model/estate.ts";
import { guestLedState } from "../model/ledState.ts";
import { createHallScene, type HallScene } from "../scene/hallScene.ts";
import { HallView } from "../scene/hallView.ts";
import { LabelsView } from "../scene/labelsView.ts";
import { frontToWorldX, type GuestLayout } from "../scene/layout.ts";
import { RoomView } from "../scene/roomView.ts";
import { RowSigns } from "../scene/rowSigns.ts";
import { SelectionMarker } from "../scene/selectionMarker.ts";
import { CatalogTerminal } from "../scene/catalogTerminal.ts";
import { DragGhost } from "../scene/dragGhost.ts";
import type { GuestOperationId } from "../model/guestOperations.ts";
import { MigrateDrag } from "./migrateDrag.ts";
import type { Theme } from "../theme.ts";

export interface HallAppOptions {
  engine: AbstractEngine;
  canvas: HTMLCanvasElement;
  overlay: HTMLElement;
  estate: Estate;
  theme: Theme;
  role(): Role;
  reducedMotion(): boolean;
  now(): number;
  onAction(key: string, command: CommandName): void;
  /** The hovered guest changed (null: none); for the HUD tag and the hover sound. */
  onHover(key: string | null, x: number, y: number): void;
  onSelect(key: string | null): void;
  onMouseLook(locked: boolean): void;
  /** A management operation was chosen on the guest panel. */
  onOperation(key: string, operation: GuestOperationId): void;
  onOpenApp(url: string): void;
  /** The catalog terminal was clicked. */
  onOpenCatalog(): void;
  /** Whether pressing this guest's caddy starts a migration drag (the role allows migrating). */
  canDragToMigrate(key: string): boolean;
  /** A guest was dropped on another host's chassis (confirm, then migrate). */
  onMigrateDrop(key: string, node: string): void;
  /** A guest was dropped where it cannot go. */
  onMigrateRefused(reason: string): void;
}

const LABEL_INTERVAL_MS = 150;
/** Label text that changes in place (a host's CPU %) is refreshed at most this often. */
const LABEL_CONTENT_INTERVAL_MS = 1500;
const HOVER_INTERVAL_MS = 50;
/** With only LED rhythms to show, this many frames a second is plenty (and leaves the CPU alone). */
const LED_ONLY_FPS = 24;

/**
 * Where the guest panel floats: to the viewer's right of the guest, pulled out into the aisle toward the viewer,
 * level with the line of sight, and parallel to the screen.
 */
export function panelPlacement(guest: GuestLayout, view: { x: number; y: number; z: number; yaw: number; pitch: number }): PanelPlacement {
  const depth = Math.abs(view.z - guest.front.z);
  // Close to the rack rather than to the eyes: from the glide's viewpoint the panel then fills about three
  // quarters of the view's height, clear of the HUD along the top instead of reaching under it.
  const towardViewer = Math.min(0.3, Math.max(0.12, depth * 0.2));
  const z = guest.front.z + guest.facing * towardViewer;
  // Vertically centred on the line of sight at the panel's distance, so the whole panel is in view.
  const y = view.y - Math.tan(view.pitch) * Math.abs(view.z - z);
  return {
    x: frontToWorldX(guest.front.x, 0.4, guest.facing),
    y: Math.min(1.95, Math.max(0.9, y)),
    z,
    yaw: view.yaw,
    pitch: view.pitch,
  };
}

/**
 * The 3D side of the client: scene, views bound to the estate, the walking camera, pointer interaction and the
 * guest panel. The HUD and networking live outside and talk to it through this class.
 */
export class HallApp {
  readonly hall: HallScene;
  readonly view: HallView;
  readonly camera: FreeCamera;
  readonly controller: FirstPersonController;
  readonly panel: GuestPanel;
  private readonly room: RoomView;
  private readonly labels: LabelsView;
  private readonly signs: RowSigns;
  private readonly marker: SelectionMarker;
  private readonly terminal: CatalogTerminal;
  private readonly ghost: DragGhost;
  private readonly drag: MigrateDrag;
  private readonly pointer: PointerInput;
  private readonly stick: TouchStick;
  private readonly instrumentation: SceneInstrumentation;
  private readonly uptimeTimer: ReturnType<typeof setInterval>;
  private spawned = false;
  private hovered: string | null = null;
  private selected: string | null = null;
  private lastLabels = 0;
  private lastHover = 0;
  private pendingHover: [number, number] | null = null;
  private lastFrame = 0;
  private lastRender = 0;
  private labelsDirty = true;
  private labelsContentDirty = false;
  private invalidated = true;
  private readonly baseExposure: number;
  private readonly baseContrast: number;

  constructor(private readonly options: HallAppOptions) {
    const { engine, estate, theme } = options;
    this.hall = createHallScene(engine, theme, { canPaint: true, glow: true });
    const scene = this.hall.scene;
    this.baseExposure = scene.imageProcessingConfiguration.exposure;
    this.baseContrast = scene.imageProcessingConfiguration.contrast;
    this.instrumentation = new SceneInstrumentation(scene);
    this.instrumentation.captureFrameTime = true;

    this.camera = new FreeCamera("eye", new Vector3(0, EYE_HEIGHT, 0), scene);
    this.fitFieldOfView();
    this.camera.minZ = 0.05;
    this.camera.maxZ = 150;
    scene.activeCamera = this.camera;

    this.room = new RoomView(scene, theme, true);
    this.signs = new RowSigns(scene, theme);
    this.labels = new LabelsView(scene, estate, theme);
    this.marker = new SelectionMarker(this.hall.assets);
    this.hall.addGlowing([this.marker.mesh]);
    this.terminal = new CatalogTerminal(scene, theme, true);
    this.ghost = new DragGhost(scene, this.hall.assets, theme);
    this.view = new HallView(this.hall.assets, theme, estate, {
      onLayout: (layout) => {
        this.room.update(layout);
        this.signs.update(layout, estate);
        this.labels.setLayout(layout);
        this.terminal.place(layout);
        this.labelsDirty = true;
        if (!this.spawned && layout.rows.length > 0) {
          this.spawned = true;
          this.controller.teleport({ x: layout.spawn.x, y: EYE_HEIGHT, z: layout.spawn.z, yaw: layout.spawn.yaw, pitch: 0.05 });
        } else {
          this.controller.relocateIfBlocked();
        }
        if (this.selected) this.marker.show(layout.guests.get(this.selected));
      },
      onRowMeshes: (added, removed) => {
        this.hall.removeRowMeshes(removed);
        this.hall.addRowMeshes(added);
      },
      onVisualChange: () => this.invalidate(),
    });
    estate.subscribe((changes) => {
      if (changes.structure) this.labelsDirty = true;
      else if ([...changes.guests, ...changes.hosts].some((key) => this.labels.isShowing(key))) this.labelsContentDirty = true;
      if (changes.clusters.size > 0) {
        this.signs.update(this.view.layout, estate);
        this.invalidate();
      }
      if (this.panel.openKey && (changes.guests.has(this.panel.openKey) || changes.operations.size > 0 || changes.hosts.size > 0)) {
        this.panel.refresh();
        this.invalidate();
      }
    });
    // Uptime moves with the clock, not with patches: the open panel is redrawn once a second.
    this.uptimeTimer = setInterval(() => {
      if (!this.panel.openKey) return;
      this.panel.refresh();
      this.invalidate();
    }, 1000);

    this.controller = new FirstPersonController(this.camera, { obstacles: () => this.view.layout.obstacles, bounds: () => this.view.layout.bounds }, {
      reducedMotion: options.reducedMotion,
      now: options.now,
      target: window,
    });
    this.controller.teleport({ x: this.view.layout.spawn.x, y: EYE_HEIGHT, z: this.view.layout.spawn.z, yaw: this.view.layout.spawn.yaw, pitch: 0.05 });

    this.panel = new GuestPanel(scene, theme, { onAction: options.onAction, onOperation: options.onOperation, onOpenApp: options.onOpenApp, onClose: () => this.select(null) }, { reducedMotion: options.reducedMotion, now: options.now });

    this.pointer = new PointerInput(options.canvas, {
      look: (dx, dy) => this.controller.look(dx, dy),
      hover: (x, y) => (this.pendingHover = [x, y]),
      click: (x, y) => this.click(x, y),
      grab: (x, y) => this.grab(x, y),
      drag: (x, y) => {
        // The name tag would stay where the drag began: the ghost now shows what is carried.
        options.onHover(null, x, y);
        this.drag.move(x, y);
        this.invalidate();
      },
      drop: (at) => {
        this.drag.end(at);
        this.invalidate();
      },
    });
    this.drag = new MigrateDrag(scene, () => this.camera, this.view, estate, this.ghost, { onDrop: options.onMigrateDrop, onRefused: options.onMigrateRefused });
    this.stick = new TouchStick(options.overlay, (x, y) => this.controller.setTouchMove(x, y));
    document.addEventListener("pointerlockchange", () => {
      this.invalidate();
      options.onMouseLook(this.pointer.locked);
    });
    for (const type of ["pointermove", "pointerdown", "pointerup", "wheel"]) options.canvas.addEventListener(type, () => this.invalidate());
    window.addEventListener("resize", () => {
      this.fitFieldOfView();
      this.invalidate();
    });
    window.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.selected && !this.pointer.locked && !document.querySelector("dialog[open]")) this.select(null);
    });
  }

  /** Landscape keeps a vertical field of view; portrait (phones) keeps a horizontal one, so racks are not cropped. */
  private fitFieldOfView(): void {
    const portrait = this.options.canvas.clientHeight > this.options.canvas.clientWidth;
    this.camera.fovMode = portrait ? Camera.FOVMODE_HORIZONTAL_FIXED : Camera.FOVMODE_VERTICAL_FIXED;
    this.camera.fov = portrait ? 1.25 : 1.0;
  }

  get selectedKey(): string | null {
    return this.selected;
  }

  get hoveredKey(): string | null {
    return this.hovered;
  }

  /** Dims the hall while the connection is down: what you see may be out of date. */
  setStale(stale: boolean): void {
    const ip = this.hall.scene.imageProcessingConfiguration;
    ip.exposure = this.baseExposure * (stale ? 0.5 : 1);
    ip.contrast = stale ? 0.9 : this.baseContrast;
    this.invalidate();
  }

  /** Every mesh in view has its shaders compiled: what is drawn is the whole hall. */
  get sceneComplete(): boolean {
    return this.hall.scene.isReady();
  }

  /** Starts compiling what the scene needs to draw (materials, shaders) without drawing a frame. */
  prepare(): void {
    this.hall.scene.isReady();
  }

  /** Asks for a frame (something changed that the controller cannot see). */
  invalidate(): void {
    this.invalidated = true;
  }

  /**
   * Advances one frame (movement, LED rhythms, hover picking, labels, panel easing) and renders it, but only when
   * something can have changed: an idle hall draws nothing, and LED rhythms alone draw at a reduced rate. Call it
   * from requestAnimationFrame, not engine.runRenderLoop: an engine frame with nothing drawn still makes the
   * browser composite the canvas, which costs a software-rendered GPU most of a core. Returns whether it drew.
   */
  frame(): boolean {
    const now = this.options.now();
    // Until every material has compiled, frames may be missing meshes: keep drawing until the scene is complete.
    if (this.labelsContentDirty && now - this.lastLabels > LABEL_CONTENT_INTERVAL_MS) this.labelsDirty = true;
    const active =
      this.invalidated || this.labelsDirty || this.controller.isActive || this.panel.isAnimating || this.pendingHover !== null || !this.hall.scene.isReady();
    const ledsOnly = !active && this.view.hasAnimatedLeds && now - this.lastRender >= 1000 / LED_ONLY_FPS;
    if (!active && !ledsOnly) {
      this.lastFrame = now;
      return false;
    }
    this.invalidated = false;
    this.lastRender = now;
    const dt = this.lastFrame ? (now - this.lastFrame) / 1000 : 0;
    this.lastFrame = now;
    const before = this.controller.current;
    this.controller.update(dt);
    const after = this.controller.current;
    const moved = Math.abs(after.x - before.x) + Math.abs(after.z - before.z) + Math.abs(after.yaw - before.yaw) + Math.abs(after.pitch - before.pitch) > 1e-4;
    this.view.tick(now / 1000);
    if (this.pendingHover && now - this.lastHover > HOVER_INTERVAL_MS) {
      this.lastHover = now;
      const [x, y] = this.pendingHover;
      this.pendingHover = null;
      this.updateHover(x, y);
    } else if (moved && this.pointer.locked) {
      this.pendingHover = [this.options.canvas.clientWidth / 2, this.options.canvas.clientHeight / 2];
    }
    if (moved) this.labelsDirty = true;
    if (this.labelsDirty && now - this.lastLabels > LABEL_INTERVAL_MS) {
      // The camera's matrices are normally refreshed by the render below; labels need this frame's view now.
      const frustum = Frustum.GetPlanes(this.camera.getViewMatrix(true).multiply(this.camera.getProjectionMatrix(true)));
      const point = new Vector3();
      this.updateLabels(now, this.camera.position, this.camera.getDirection(Vector3.Forward()), (p) => Frustum.IsPointInFrustum(point.set(p.x, p.y, p.z), frustum));
    }
    this.panel.animate();
    const engine = this.hall.scene.getEngine();
    engine.beginFrame();
    this.hall.scene.render();
    engine.endFrame();
    return true;
  }

  private updateLabels(now: number, eye: Vector3, forward: Vector3, inView: (p: { x: number; y: number; z: number }) => boolean): void {
    this.lastLabels = now;
    this.labelsDirty = false;
    this.labelsContentDirty = false;
    const focus = [this.selected, this.hovered].filter((k): k is string => k !== null);
    this.labels.update(eye, forward, focus, inView);
  }

  /**
   * The per-frame work of one headset frame (the XR session draws it): LED rhythms, labels chosen for where the
   * headset looks, and panel easing. The head moves all the time, so labels are re-chosen at their usual interval.
   */
  headsetFrame(now: number): void {
    this.view.tick(now / 1000);
    const eye = this.hall.scene.activeCamera;
    if (eye && (this.labelsDirty || this.labelsContentDirty || now - this.lastLabels > LABEL_INTERVAL_MS)) {
      // Both eyes together see wider than one eye's frustum: the labels' own cone in front of the head decides.
      this.updateLabels(now, eye.globalPosition, eye.getDirection(Vector3.Forward()), () => true);
    }
    this.panel.animate();
  }

  /**
   * Where the user stands and looks: the active camera, which is the headset's while in VR and the walking camera
   * otherwise. Presence, the audio listener and labels follow it.
   */
  viewPose(): Pose {
    const eye = this.hall.scene.activeCamera;
    if (!eye || eye === this.camera) return this.controller.current;
    const forward = eye.getDirection(Vector3.Forward());
    const position = eye.globalPosition;
    return { x: position.x, y: position.y, z: position.z, yaw: Math.atan2(forward.x, forward.z), pitch: -Math.asin(Math.max(-1, Math.min(1, forward.y))) };
  }

  /** Glides to stand in front of a guest (400 ms; a cut under reduced motion) and selects it on arrival. */
  goTo(key: string, select = true): Promise<void> {
    const layout = this.view.layout.guests.get(key);
    if (!layout) return Promise.resolve();
    return new Promise((resolve) => {
      this.controller.glideTo(viewpointFor(layout), () => {
        if (select) this.select(key);
        resolve();
      });
    });
  }

  /** Selects a guest and opens its panel where `place` says (beside the guest, facing the desktop camera, by default). */
  select(key: string | null, place: (guest: GuestLayout) => PanelPlacement = (guest) => panelPlacement(guest, this.controller.current)): void {
    this.invalidate();
    this.selected = key;
    const layout = key ? this.view.layout.guests.get(key) : undefined;
    this.marker.show(layout);
    this.view.setHighlighted([this.selected, this.hovered].filter((k): k is string => k !== null));
    if (key && layout) {
      const op = this.options.estate.latestOperationOf(key);
      if (op?.state === "failed") this.options.estate.acknowledge(op.id);
      this.panel.open(key, place(layout), this.options.estate, this.options.role());
      this.pointer.releaseMouseLook();
    } else {
      this.panel.close();
    }
    this.labelsDirty = true;
    this.options.onSelect(key);
  }

  /** CSS pixel of a guest's caddy centre, or null when it is behind the camera or off the canvas. */
  screenPositionOf(key: string): { x: number; y: number } | null {
    const layout = this.view.layout.guests.get(key);
    if (!layout) return null;
    const engine = this.hall.scene.getEngine();
    const width = engine.getRenderWidth();
    const height = engine.getRenderHeight();
    const world = new Vector3(layout.front.x, layout.front.y, layout.front.z);
    const toPoint = world.subtract(this.camera.position);
    if (Vector3.Dot(toPoint, this.camera.getDirection(Vector3.Forward())) <= 0) return null;
    const p = Vector3.Project(world, Matrix.Identity(), this.hall.scene.getTransformMatrix(), this.camera.viewport.toGlobal(width, height));
    if (p.x < 0 || p.y < 0 || p.x > width || p.y > height) return null;
    const scale = engine.getHardwareScalingLevel();
    return { x: p.x * scale, y: p.y * scale };
  }

  /** CSS pixel of the catalog terminal's screen, or null when off-screen. */
  terminalScreenPosition(): { x: number; y: number } | null {
    return this.project(this.terminal.screenCentre());
  }

  /** CSS pixel of a host chassis front's centre (a drop target), or null when off-screen. */
  hostScreenPosition(hostKey: string): { x: number; y: number } | null {
    const host = this.view.layout.hosts.get(hostKey);
    return host ? this.project(new Vector3(host.front.x, host.front.y, host.front.z)) : null;
  }

  private project(world: Vector3): { x: number; y: number } | null {
    const engine = this.hall.scene.getEngine();
    const width = engine.getRenderWidth();
    const height = engine.getRenderHeight();
    if (Vector3.Dot(world.subtract(this.camera.position), this.camera.getDirection(Vector3.Forward())) <= 0) return null;
    const p = Vector3.Project(world, Matrix.Identity(), this.hall.scene.getTransformMatrix(), this.camera.viewport.toGlobal(width, height));
    if (p.x < 0 || p.y < 0 || p.x > width || p.y > height) return null;
    const scale = engine.getHardwareScalingLevel();
    return { x: p.x * scale, y: p.y * scale };
  }

  drawCalls(): number {
    return this.instrumentation.drawCallsCounter.current;
  }

  frameTimeMs(): number {
    return this.instrumentation.frameTimeCounter.lastSecAverage || this.instrumentation.frameTimeCounter.current;
  }

  ledStateOf(key: string): string | null {
    return this.options.estate.guests.has(key) ? guestLedState(this.options.estate, key) : null;
  }

  dispose(): void {
    clearInterval(this.uptimeTimer);
    this.pointer.dispose();
    this.stick.dispose();
    this.controller.dispose();
    this.panel.dispose();
    this.labels.dispose();
    this.signs.dispose();
    this.marker.dispose();
    this.terminal.dispose();
    this.ghost.dispose();
    this.view.dispose();
    this.room.dispose();
    this.hall.scene.dispose();
  }

  private pick(x: number, y: number): { kind: "panel" } | { kind: "terminal" } | { kind: "guest"; key: string } | null {
    // scene.pick takes CSS pixels and applies the hardware scaling itself.
    const hit = this.hall.scene.pick(x, y, (mesh) => mesh === this.panel.mesh || this.view.isPickable(mesh) || this.terminal.owns(mesh));
    if (!hit?.hit || !hit.pickedMesh) return null;
    if (hit.pickedMesh === this.panel.mesh) return { kind: "panel" };
    if (this.terminal.owns(hit.pickedMesh)) return { kind: "terminal" };
    const key = this.view.guestAt(hit.pickedMesh, hit.thinInstanceIndex);
    return key ? { kind: "guest", key } : null;
  }

  private updateHover(x: number, y: number): void {
    const hit = this.pick(x, y);
    const key = hit?.kind === "guest" ? hit.key : null;
    if (key !== this.hovered) {
      this.hovered = key;
      this.view.setHighlighted([this.selected, this.hovered].filter((k): k is string => k !== null));
      this.labelsDirty = true;
    }
    this.options.onHover(key, x, y);
  }

  private click(x: number, y: number): boolean {
    const hit = this.pick(x, y);
    if (!hit) return false;
    if (hit.kind === "panel") {
      // The panel's own buttons handle the click; in mouse-look, free the cursor so they can be used.
      this.pointer.releaseMouseLook();
      return true;
    }
    if (hit.kind === "terminal") {
      this.pointer.releaseMouseLook();
      this.options.onOpenCatalog();
      return true;
    }
    this.select(hit.key);
    return true;
  }

  /** A press on a guest's caddy starts a migration drag when the user may migrate it. */
  private grab(x: number, y: number): boolean {
    const hit = this.pick(x, y);
    if (hit?.kind !== "guest" || !this.options.canDragToMigrate(hit.key)) return false;
    this.drag.start(hit.key);
    return true;
  }
}
