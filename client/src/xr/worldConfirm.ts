import type { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture";
import type { Button } from "@babylonjs/gui/2D/controls/button";
import { Control } from "@babylonjs/gui/2D/controls/control";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle";
import type { TextBlock } from "@babylonjs/gui/2D/controls/textBlock";
import { confirmCopy, type ConfirmRequest } from "../gui/confirmRequest.ts";
import type { PanelPlacement } from "../gui/guestPanel.ts";
import { actionButton, buttonWorldPoint, glassPlane, text } from "../gui/panelControls.ts";
import type { Theme } from "../theme.ts";
import { CONFIRM_PANEL } from "./xrPanel.ts";

const { px: PX, metres: SIZE } = CONFIRM_PANEL;
const PAD = 40;
const INNER = PX.width - 2 * PAD;
/** Drawn after the rest of the hall, over it: a question is answered before anything behind it is used. */
const ON_TOP = 1;

/** What the in-world confirmation shows now (for the debug hook). */
export interface ShownConfirmation {
  title: string;
  message: string;
  /** Why it cannot be accepted here, or null. */
  elsewhere: string | null;
  canConfirm: boolean;
}

/**
 * The headset's confirmation: a panel of the same words as the desktop dialog (`confirmCopy`), standing in front of
 * the guest panel and facing you, with Cancel and the action's button for a controller ray. A confirmation that
 * needs a name typed offers only Cancel and says to confirm on the desktop.
 */
export class WorldConfirm {
  readonly mesh: Mesh;
  private readonly texture: AdvancedDynamicTexture;
  private readonly title: TextBlock;
  private readonly message: TextBlock;
  private readonly elsewhere: TextBlock;
  private readonly cancelButton: Button;
  private readonly confirmButton: Button;
  private resolve: ((ok: boolean) => void) | null = null;
  private shownCopy: ShownConfirmation | null = null;

  constructor(
    scene: Scene,
    theme: Theme,
    private readonly events: { onOpen(mesh: Mesh): void; onClose(): void },
  ) {
    const t = theme;
    const { mesh, texture, glass, body } = glassPlane(scene, "world-confirm", t, {
      size: SIZE,
      px: PX,
      opacity: 0.97,
      edgeColor: t.colors.error,
      edgeWidth: 4,
      cornerRadius: 28,
      bodyWidth: INNER,
      bodyTop: 32,
    });
    this.mesh = mesh;
    this.mesh.renderingGroupId = ON_TOP;
    this.texture = texture;
    this.title = text(t, "", { size: 46, weight: "700", height: 72 });
    this.message = text(t, "", { size: 34, height: 200 });
    this.message.textWrapping = true;
    this.message.textVerticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.elsewhere = text(t, "", { size: CONFIRM_PANEL.smallestTextPx, color: t.colors.textMuted, height: 130 });
    this.elsewhere.textWrapping = true;
    this.elsewhere.textVerticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    body.addControl(this.title);
    body.addControl(this.message);
    body.addControl(this.elsewhere);

    const buttons = new Rectangle("confirm-buttons");
    buttons.thickness = 0;
    buttons.width = `${INNER}px`;
    buttons.height = "104px";
    buttons.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    buttons.top = `${-PAD}px`;
    glass.addControl(buttons);
    const half = Math.floor(INNER / 2) - 16;
    this.cancelButton = actionButton(t, "Cancel", "normal", half);
    this.confirmButton = actionButton(t, "", "destructive", half);
    for (const [button, align, ok] of [
      [this.cancelButton, Control.HORIZONTAL_ALIGNMENT_LEFT, false],
      [this.confirmButton, Control.HORIZONTAL_ALIGNMENT_RIGHT, true],
    ] as const) {
      button.height = "104px";
      button.fontSize = 38;
      button.horizontalAlignment = align;
      button.onPointerUpObservable.add(() => this.finish(ok));
      buttons.addControl(button);
    }
  }

  /** What is asked now, or null when closed. */
  get shown(): ShownConfirmation | null {
    return this.shownCopy;
  }

  /** Asks `request` at `placement` (in front of the eyes); resolves true only when its action's button is pressed. */
  ask(request: ConfirmRequest, placement: PanelPlacement): Promise<boolean> {
    this.finish(false);
    const copy = confirmCopy(request, "headset");
    this.title.text = copy.title;
    this.message.text = copy.message;
    this.elsewhere.text = copy.elsewhere ?? "";
    this.elsewhere.isVisible = copy.elsewhere !== null;
    this.confirmButton.isVisible = copy.confirmLabel !== null;
    if (this.confirmButton.textBlock) this.confirmButton.textBlock.text = copy.confirmLabel ?? "";
    this.shownCopy = { title: copy.title, message: copy.message, elsewhere: copy.elsewhere, canConfirm: copy.confirmLabel !== null };
    this.mesh.position.set(placement.x, placement.y, placement.z);
    this.mesh.rotation.set(placement.pitch, placement.yaw, 0);
    this.mesh.scaling.setAll(placement.scale ?? 1);
    this.mesh.setEnabled(true);
    this.events.onOpen(this.mesh);
    return new Promise((resolve) => (this.resolve = resolve));
  }

  /** Closes an open question as declined. */
  cancel(): void {
    this.finish(false);
  }

  /** World position of a button's centre (a controller aims at it), or null when it is not shown. */
  buttonPoint(which: "confirm" | "cancel"): Vector3 | null {
    const button = which === "confirm" ? this.confirmButton : this.cancelButton;
    if (!this.shownCopy || !button.isVisible) return null;
    return buttonWorldPoint(button, this.mesh, PX, SIZE);
  }

  dispose(): void {
    this.finish(false);
    this.texture.dispose();
    this.mesh.dispose();
  }

  private finish(ok: boolean): void {
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = null;
    this.shownCopy = null;
    this.mesh.setEnabled(false);
    this.events.onClose();
    resolve(ok);
  }
}
