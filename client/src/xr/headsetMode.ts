import { Ray } from "@babylonjs/core/Culling/ray";
import { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Role } from "../../../shared/src/protocol.ts";
import type { HallApp } from "../app/hallApp.ts";
import type { ConfirmDialog } from "../gui/confirmDialog.ts";
import { h } from "../gui/dom.ts";
import type { Estate } from "../model/estate.ts";
import type { GuestOperationId } from "../model/guestOperations.ts";
import type { ApiClient } from "../net/api.ts";
import type { Theme } from "../theme.ts";
import type { Point, ProximityXrDebug, XrModeState } from "./debugHook.ts";
import type { CommandRequest } from "./headsetForms.ts";
import type { HeadsetOperator } from "./headsetOperator.ts";
import { browserXr, detectImmersiveVr } from "./xrSupport.ts";
import type { WorldConfirm } from "./worldConfirm.ts";
import type { WorldForm } from "./worldForm.ts";
import type { WristMenu } from "./wristMenu.ts";
import type { XrMode } from "./xrMode.ts";
import { xrConfirmPlacement, xrFormPlacement } from "./xrPanel.ts";

export interface HeadsetOptions {
  app: HallApp;
  estate: Estate;
  api: ApiClient;
  role(): Role;
  theme: Theme;
  now(): number;
  /** The desktop confirmation dialog: in the headset, its questions are asked in the world instead. */
  confirm: ConfirmDialog;
  /** Puts the Enter VR button in the HUD. */
  addControl(control: HTMLElement): void;
  beforeRender(): void;
  onSelect(key: string): void;
  /** Sends through the command runner (its confirmation included); the operation id, or null when declined or refused. */
  send(request: CommandRequest, key: string): Promise<string | null>;
}

const plain = (v: Point): Point => ({ x: v.x, y: v.y, z: v.z });
const pointOf = (v: Point | null | undefined): Point | null => (v ? plain(v) : null);

/**
 * Headset mode's entry point: an "Enter VR" button that is live where the browser can start an immersive-vr
 * session, and otherwise disabled with the reason beside it. Entering builds the wrist menu on the left controller.
 */
export class HeadsetMode {
  private xr: XrMode | null = null;
  private worldConfirm: WorldConfirm | null = null;
  private worldForm: WorldForm | null = null;
  private wristMenu: WristMenu | null = null;
  private operator: HeadsetOperator | null = null;
  private reason: string | null = null;
  private readonly button: HTMLButtonElement;
  private readonly note: HTMLSpanElement;

  constructor(private readonly options: HeadsetOptions) {
    this.note = h("span", { class: "sr-only", id: "vr-unavailable" });
    this.button = h("button", { class: "tool vr-button", type: "button", disabled: true, "aria-describedby": "vr-unavailable", "data-testid": "enter-vr" }, "◭ Enter VR");
    this.button.addEventListener("click", () => void this.toggle());
    options.addControl(h("span", { class: "vr-control" }, this.button, this.note));
    this.installDebugHook();
  }

  /** True while the headset draws: the desktop loop must not. */
  get active(): boolean {
    return this.xr?.active ?? false;
  }

  /** Asks the browser about VR and sets the button up accordingly. */
  async start(): Promise<void> {
    const support = await detectImmersiveVr(browserXr(), window.isSecureContext);
    if (!support.supported) {
      this.unavailable(support.reason);
      return;
    }
    let menuModule: typeof import("./wristMenu.ts");
    let confirmModule: typeof import("./worldConfirm.ts");
    let formModule: typeof import("./worldForm.ts");
    let operatorModule: typeof import("./headsetOperator.ts");
    try {
      // Loaded only where a headset can be used: WebXR support is a large part of the client otherwise.
      let xrModule: typeof import("./xrMode.ts");
      [xrModule, menuModule, confirmModule, formModule, operatorModule] = await Promise.all([
        import("./xrMode.ts"),
        import("./wristMenu.ts"),
        import("./worldConfirm.ts"),
        import("./worldForm.ts"),
        import("./headsetOperator.ts"),
      ]);
      this.xr = await xrModule.XrMode.create({
        ...this.options,
        // Choosing another guest leaves the form of the one before.
        onSelect: (key) => {
          this.worldForm?.close();
          this.options.onSelect(key);
        },
        onStateChange: (state) => this.onStateChange(state),
      });
    } catch (error) {
      this.unavailable(`VR could not be set up: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.button.disabled = false;
    this.button.title = "View the hall in your VR headset";
    this.note.textContent = "";
    this.worldConfirm = new confirmModule.WorldConfirm(this.options.app.hall.scene, this.options.theme, {
      onOpen: (mesh) => this.xr?.setModal(mesh),
      onClose: () => this.xr?.setModal(null),
    });
    const { app, estate, api, role, now, send, theme } = this.options;
    const form = new formModule.WorldForm(app.hall.scene, theme, {
      onAction: (request, started) => this.operator!.act(request, started),
      onClose: () => this.operator?.closed(),
    });
    this.worldForm = form;
    this.operator = new operatorModule.HeadsetOperator(form, {
      estate,
      api,
      role,
      now,
      send,
      notice: (key, text) => {
        if (app.panel.openKey === key) app.panel.setNotice({ text, tone: "info" });
      },
      placement: () => xrFormPlacement(this.xr!.headPose()),
    });
    const menu = new menuModule.WristMenu(app.hall.scene, theme, estate, {
      onPick: (key) => this.xr?.goTo(key),
      onExit: () => void this.xr?.exit(),
    });
    this.wristMenu = menu;
    this.xr.addUsable(menu.mesh);
    this.xr.addUsable(form.mesh);
    this.xr.experience.input.onControllerAddedObservable.add((controller) => {
      if (controller.inputSource.handedness === "left") menu.attachTo(controller.grip ?? controller.pointer);
    });
    this.xr.experience.input.onControllerRemovedObservable.add((controller) => {
      if (controller.inputSource.handedness === "left") menu.detach();
    });
  }

  /** A management button on a guest's panel was pressed in the headset. */
  operate(key: string, operation: GuestOperationId): void {
    this.operator?.operate(key, operation);
  }

  private unavailable(reason: string): void {
    this.reason = reason;
    this.button.disabled = true;
    this.button.title = reason;
    this.note.textContent = reason;
  }

  private async toggle(): Promise<void> {
    if (!this.xr) return;
    try {
      if (this.xr.state === "ready") await this.xr.enter();
      else if (this.xr.state === "in-xr") await this.xr.exit();
    } catch (error) {
      this.note.textContent = `VR did not start: ${error instanceof Error ? error.message : String(error)}`;
      this.button.title = this.note.textContent;
    }
  }

  private onStateChange(state: XrModeState): void {
    const { confirm } = this.options;
    const worldConfirm = this.worldConfirm;
    if (state === "in-xr" && worldConfirm) {
      confirm.presentIn({ ask: (request) => worldConfirm.ask(request, xrConfirmPlacement(this.xr!.headPose())), cancel: () => worldConfirm.cancel() });
    } else if (state === "ready") {
      confirm.presentIn(null);
    }
    // A form belongs to the headset session it was opened in.
    if (state !== "in-xr") this.worldForm?.close();
    this.button.textContent = state === "in-xr" ? "◭ Exit VR" : "◭ Enter VR";
    this.button.setAttribute("aria-pressed", String(state === "in-xr"));
    document.documentElement.dataset.xr = state;
  }

  private installDebugHook(): void {
    const self = this;
    const { app } = this.options;
    const hook: ProximityXrDebug = {
      get state() {
        return self.xr?.state ?? (self.reason === null ? "ready" : "unsupported");
      },
      get reason() {
        return self.reason;
      },
      get frames() {
        return self.xr?.framesRendered ?? 0;
      },
      frameTimeMs: () => app.frameTimeMs(),
      pointerRay: (hand) => {
        const controller = self.xr?.experience.input.controllers.find((c) => c.inputSource.handedness === hand);
        if (!controller) return null;
        const ray = new Ray(Vector3.Zero(), Vector3.Forward());
        controller.getWorldPointerRayToRef(ray);
        return { origin: plain(ray.origin), direction: plain(ray.direction) };
      },
      guestPoint: (key) => {
        const guest = app.view.layout.guests.get(key);
        return guest ? { ...guest.front } : null;
      },
      guestFacing: (key) => app.view.layout.guests.get(key)?.facing ?? null,
      headPosition: () => (self.xr ? plain(self.xr.headPose().position) : null),
      panelActionPoint: (command) => pointOf(app.panel.actionWorldPoint(command as never)),
      panelOperationPoint: (operation) => pointOf(app.panel.operationWorldPoint(operation as never)),
      confirmShown: () => self.worldConfirm?.shown ?? null,
      confirmButtonPoint: (which) => pointOf(self.worldConfirm?.buttonPoint(which)),
      confirmKeyPoint: (key) => pointOf(self.worldConfirm?.keyPoint(key)),
      formShown: () => self.worldForm?.shown ?? null,
      formActionPoint: (row, action) => pointOf(self.worldForm?.actionPoint(row, action)),
      formFooterPoint: (which) => pointOf(self.worldForm?.footerPoint(which)),
      wristShown: () => self.wristMenu?.shown ?? null,
      wristPoint: (target) => pointOf(self.wristMenu?.point(target)),
      teleportTarget: () => pointOf(self.xr?.teleportTarget),
      viewerPosition: () => {
        const { x, y, z } = app.viewPose();
        return { x, y, z };
      },
    };
    Object.defineProperty(window, "__proximityXr", { value: Object.freeze(hook), configurable: true });
  }
}
