import { PointerEventTypes } from "@babylonjs/core/Events/pointerEvents";
import { Quaternion, Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Observer } from "@babylonjs/core/Misc/observable";
import type { PointerInfo } from "@babylonjs/core/Events/pointerEvents";
import type { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh";
import { WebXRDefaultExperience } from "@babylonjs/core/XR/webXRDefaultExperience";
import { WebXRState } from "@babylonjs/core/XR/webXRTypes";
// Quest controllers by their built-in description (no model download): thumbsticks, trigger and buttons by name.
import "@babylonjs/core/XR/motionController/webXROculusTouchMotionController";
import type { HallApp } from "../app/hallApp.ts";
import { moveWithCollisions, pushOutOfObstacles } from "../controls/collision.ts";
import { EYE_HEIGHT, viewpointFor } from "../controls/glide.ts";
import type { Theme } from "../theme.ts";
import type { XrModeState } from "./debugHook.ts";
import { stickStep } from "./locomotion.ts";
import { xrPanelPlacement, type HeadPose } from "./xrPanel.ts";

export interface XrModeOptions {
  app: HallApp;
  theme: Theme;
  now(): number;
  /** Per-frame work besides drawing (the estate's batched changes, celebrations), also run while in the headset. */
  beforeRender(): void;
  /** A guest was chosen with a controller ray. */
  onSelect(key: string): void;
  onStateChange(state: XrModeState): void;
}

const STATE_NAMES: Record<WebXRState, XrModeState> = {
  [WebXRState.ENTERING_XR]: "entering",
  [WebXRState.EXITING_XR]: "exiting",
  [WebXRState.IN_XR]: "in-xr",
  [WebXRState.NOT_IN_XR]: "ready",
};

/** The hall floor's mesh name (RoomView): the one surface teleportation lands on. */
const FLOOR = "floor";

/** The walker's radius: how close you may stand to a rack row or a wall. */
const BODY_RADIUS = 0.3;

/**
 * Headset mode on the same scene as the desktop: Babylon's WebXR default experience (controller rays that press panel
 * buttons, teleport on the right thumbstick) plus smooth locomotion on the left stick (Babylon's own movement feature
 * cannot run beside its teleportation), both kept out of racks and walls. While in the headset the
 * XR session's frame loop draws every frame; the desktop's on-demand loop stands aside (see `active`).
 */
export class XrMode {
  private stateName: XrModeState = "ready";
  private frames = 0;
  private lastFrameAt = 0;
  private readonly pointerObserver: Observer<PointerInfo>;
  private modal: AbstractMesh | null = null;
  /** Headset-only panels (the wrist menu, a management form) that rays may reach besides the hall's own. */
  private readonly usable = new Set<AbstractMesh>();
  private teleportAim: Vector3 | null = null;
  private readonly floorObservers: [Observer<AbstractMesh>, Observer<AbstractMesh>];

  private constructor(
    readonly experience: WebXRDefaultExperience,
    private readonly options: XrModeOptions,
  ) {
    const { app } = options;
    const scene = app.hall.scene;
    const engine = scene.getEngine();
    this.pointerObserver = scene.onPointerObservable.add((info) => this.onPointer(info));
    // The hall rebuilds its floor whenever the layout changes (a deploy, a new host): teleport aims at the current one.
    const teleportation = experience.teleportation;
    teleportation.onTargetMeshPositionUpdatedObservable.add((pick) => (this.teleportAim = pick.pickedPoint?.clone() ?? null));
    this.floorObservers = [
      scene.onNewMeshAddedObservable.add((mesh) => {
        if (mesh.name === FLOOR) teleportation.addFloorMesh(mesh);
      }),
      scene.onMeshRemovedObservable.add((mesh) => {
        if (mesh.name === FLOOR) teleportation.removeFloorMesh(mesh);
      }),
    ];
    // Rays reach what can be used in the headset (guests, their panel, and the panels added with `addUsable`) and pass
    // through the rest; while a question is open (a confirmation), they reach only it and what hangs from it (its keyboard).
    experience.pointerSelection.raySelectionPredicate = (mesh) =>
      mesh.isEnabled() &&
      mesh.isVisible &&
      (this.modal
        ? mesh === this.modal || mesh.isDescendantOf(this.modal)
        : app.view.isPickable(mesh) || mesh === app.panel.mesh || this.usable.has(mesh));
    experience.baseExperience.onStateChangedObservable.add((state) => {
      this.stateName = STATE_NAMES[state];
      // Babylon hands the engine's render loop to the XR session as it enters; without a loop, no XR frame comes.
      if (state === WebXRState.ENTERING_XR) engine.runRenderLoop(this.renderFrame);
      // The LED glow is a full-screen blur per eye: off in the headset, where the frame budget is 11 ms for both eyes.
      if (app.hall.glow) app.hall.glow.isEnabled = state === WebXRState.NOT_IN_XR;
      if (state === WebXRState.NOT_IN_XR) {
        engine.stopRenderLoop(this.renderFrame);
        // Take the headset off where you stood in it.
        const { position, yaw } = this.headPose();
        app.controller.teleport({ x: position.x, y: EYE_HEIGHT, z: position.z, yaw, pitch: 0 });
        app.invalidate();
      }
      options.onStateChange(this.stateName);
    });
  }

  /** Builds the XR helpers for the hall's scene; call only where immersive-vr is supported. */
  static async create(options: XrModeOptions): Promise<XrMode> {
    const scene = options.app.hall.scene;
    const floor = scene.getMeshByName(FLOOR);
    const experience = await WebXRDefaultExperience.CreateAsync(scene, {
      disableDefaultUI: true,
      disableNearInteraction: true,
      disableHandTracking: true,
      floorMeshes: floor ? [floor] : [],
      // Controller models come from Babylon's CDN: the client fetches nothing from the network, so rays only.
      inputOptions: { doNotLoadControllerMeshes: true, disableOnlineControllerRepository: true },
      // Either hand's trigger selects: the left one wears the wrist menu, but users reach with whichever hand is free.
      pointerSelectionOptions: { enablePointerSelectionOnAllControllers: true },
      teleportationOptions: {
        forceHandedness: "right",
        defaultTargetMeshOptions: { teleportationFillColor: options.theme.colors.accent, teleportationBorderColor: options.theme.colors.text, disableLighting: true },
      },
    });
    return new XrMode(experience, options);
  }

  get state(): XrModeState {
    return this.stateName;
  }

  /** True while the headset owns the frame loop: the desktop loop must not draw. */
  get active(): boolean {
    return this.stateName === "in-xr" || this.stateName === "entering";
  }

  get framesRendered(): number {
    return this.frames;
  }

  async enter(): Promise<void> {
    await this.experience.baseExperience.enterXRAsync("immersive-vr", "local-floor");
  }

  async exit(): Promise<void> {
    await this.experience.baseExperience.exitXRAsync();
  }

  /** The head's position and heading in the hall. */
  headPose(): HeadPose {
    // The camera's own position and rotation are this frame's pose; its world matrix may still be last frame's.
    const camera = this.experience.baseExperience.camera;
    const forward = Vector3.Forward().applyRotationQuaternion(camera.rotationQuaternion);
    return { position: camera.position.clone(), yaw: Math.atan2(forward.x, forward.z) };
  }

  /** Where the teleport ray last landed on the floor (the target mark), or null before the first aim. */
  get teleportTarget(): Vector3 | null {
    return this.teleportAim;
  }

  /** Lets controller rays reach `mesh` (a headset-only panel). */
  addUsable(mesh: AbstractMesh): void {
    this.usable.add(mesh);
  }

  /** While `mesh` is set (an open confirmation), rays reach only it and its children; null lets them reach the hall. */
  setModal(mesh: AbstractMesh | null): void {
    this.modal = mesh;
  }

  /** Stands the player in front of a guest, facing it, and opens its panel (the wrist menu's search uses this). */
  goTo(key: string): void {
    const guest = this.options.app.view.layout.guests.get(key);
    if (!guest) return;
    const view = viewpointFor(guest);
    const camera = this.experience.baseExperience.camera;
    camera.position.set(view.x, camera.position.y, view.z);
    camera.rotationQuaternion = Quaternion.FromEulerAngles(0, view.yaw, 0);
    this.select(key);
  }

  dispose(): void {
    const scene = this.options.app.hall.scene;
    scene.onPointerObservable.remove(this.pointerObserver);
    scene.onNewMeshAddedObservable.remove(this.floorObservers[0]);
    scene.onMeshRemovedObservable.remove(this.floorObservers[1]);
    this.options.app.hall.scene.getEngine().stopRenderLoop(this.renderFrame);
    this.experience.dispose();
  }

  private select(key: string): void {
    this.options.app.select(key, () => xrPanelPlacement(this.headPose()));
    this.options.onSelect(key);
  }

  private onPointer(info: PointerInfo): void {
    // A tap (trigger pressed and released on the same guest) selects, like a click on the desktop.
    if (this.stateName !== "in-xr" || info.type !== PointerEventTypes.POINTERTAP) return;
    const pick = info.pickInfo;
    const key = this.options.app.view.guestAt(pick?.pickedMesh, pick?.thinInstanceIndex ?? -1);
    if (key) this.select(key);
  }

  /** Left-stick walking, sliding along racks; a teleport that landed inside a rack row is nudged out of it. */
  private walk(dtSec: number): void {
    const camera = this.experience.baseExperience.camera;
    const { obstacles, bounds } = this.options.app.view.layout;
    const left = this.experience.input.controllers.find((c) => c.inputSource.handedness === "left");
    // xr-standard gamepad mapping: axes 2 and 3 are the thumbstick.
    const axes = left?.inputSource.gamepad?.axes;
    const stick = axes && axes.length >= 4 ? { x: axes[2]!, y: axes[3]! } : null;
    const from = { x: camera.position.x, z: camera.position.z };
    const step = stick ? stickStep(this.headPose().yaw, stick, dtSec) : { x: 0, z: 0 };
    const to = step.x !== 0 || step.z !== 0 ? moveWithCollisions(from, step, BODY_RADIUS, obstacles, bounds) : pushOutOfObstacles(from, BODY_RADIUS, obstacles, bounds);
    if (to.x !== from.x || to.z !== from.z) camera.position.set(to.x, camera.position.y, to.z);
  }

  /** Every XR frame: the same per-frame work as the desktop loop, then both eyes. */
  private readonly renderFrame = (): void => {
    const { app } = this.options;
    const now = this.options.now();
    this.walk(this.lastFrameAt ? (now - this.lastFrameAt) / 1000 : 0);
    this.lastFrameAt = now;
    this.options.beforeRender();
    app.headsetFrame(now);
    app.hall.scene.render();
    this.frames++;
  };
}
