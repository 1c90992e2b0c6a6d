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
import { actionButton, controlWorldPoint, glassPlane, text } from "../gui/panelControls.ts";
import { withAlpha, type Theme } from "../theme.ts";
import { NameKeyboard } from "./nameKeyboard.ts";
import { keyFor, NOTHING_TYPED, pressKey, type Typing } from "./nameTyping.ts";
import type { ShownConfirmation } from "./debugHook.ts";
import { CONFIRM_PANEL } from "./xrPanel.ts";

const { px: PX, metres: SIZE } = CONFIRM_PANEL;
const PAD = 40;
const INNER = PX.width - 2 * PAD;
/** Drawn after the rest of the hall, over it: a question is answered before anything behind it is used. */
const ON_TOP = 1;

/**
 * The headset's confirmation: a panel of the same words as the desktop dialog (`confirmCopy`), standing in front of
 * the guest panel and facing you, with Cancel and the action's button for a controller ray. When the name must be
 * typed, its field is on the panel and a keyboard hangs below it; the action's button stays dimmed until the field
 * holds exactly the name.
 */
export class WorldConfirm {
  readonly mesh: Mesh;
  private readonly texture: AdvancedDynamicTexture;
  private readonly title: TextBlock;
  private readonly message: TextBlock;
  private readonly prompt: TextBlock;
  private readonly field: Rectangle;
  private readonly typedText: TextBlock;
  private readonly keyboard: NameKeyboard;
  private readonly cancelButton: Button;
  private readonly confirmButton: Button;
  private resolve: ((ok: boolean) => void) | null = null;
  private asked: { title: string; message: string; typedPrompt: string | null; name: string | null } | null = null;
  private typing: Typing = NOTHING_TYPED;

  constructor(
    scene: Scene,
    private readonly theme: Theme,
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
    this.prompt = text(t, "", { size: CONFIRM_PANEL.smallestTextPx, weight: "600" });
    this.field = new Rectangle("confirm-typed");
    this.field.width = `${INNER}px`;
    this.field.height = "80px";
    this.field.thickness = 3;
    this.field.cornerRadius = 12;
    this.field.background = withAlpha(t.colors.text, 0.06);
    this.typedText = text(t, "", { size: 42, mono: true });
    this.typedText.paddingLeft = "20px";
    this.field.addControl(this.typedText);
    body.addControl(this.title);
    body.addControl(this.message);
    body.addControl(this.prompt);
    body.addControl(this.field);

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
    // Babylon fills a disabled button light grey, which glares on the dark glass: dimmed in its own colours instead.
    this.confirmButton.disabledColor = this.confirmButton.background;
    for (const [button, align, ok] of [
      [this.cancelButton, Control.HORIZONTAL_ALIGNMENT_LEFT, false],
      [this.confirmButton, Control.HORIZONTAL_ALIGNMENT_RIGHT, true],
    ] as const) {
      button.height = "104px";
      button.fontSize = 38;
      button.horizontalAlignment = align;
      button.onPointerUpObservable.add(() => {
        if (!ok || this.accepts) this.finish(ok);
      });
      buttons.addControl(button);
    }

    this.keyboard = new NameKeyboard(scene, t, { mesh, height: SIZE.height }, (key) => {
      this.typing = pressKey(this.typing, key);
      this.showTyping();
    });
    this.keyboard.mesh.renderingGroupId = ON_TOP;
  }

  /** What is asked now, or null when closed. */
  get shown(): ShownConfirmation | null {
    if (!this.asked) return null;
    const { name, ...copy } = this.asked;
    return { ...copy, typed: name === null ? null : this.typing.text, canConfirm: this.accepts };
  }

  /** Asks `request` at `placement` (in front of the eyes); resolves true only when its action's button is pressed. */
  ask(request: ConfirmRequest, placement: PanelPlacement): Promise<boolean> {
    this.finish(false);
    const copy = confirmCopy(request);
    const name = request.typeToConfirm ?? null;
    this.asked = { title: copy.title, message: copy.message, typedPrompt: copy.typedPrompt, name };
    this.title.text = copy.title;
    this.message.text = copy.message;
    this.prompt.text = copy.typedPrompt ?? "";
    this.prompt.isVisible = this.field.isVisible = name !== null;
    if (this.confirmButton.textBlock) this.confirmButton.textBlock.text = copy.confirmLabel;
    this.typing = NOTHING_TYPED;
    this.showTyping();
    this.mesh.position.set(placement.x, placement.y, placement.z);
    this.mesh.rotation.set(placement.pitch, placement.yaw, 0);
    this.mesh.scaling.setAll(placement.scale ?? 1);
    this.mesh.setEnabled(true);
    this.keyboard.mesh.setEnabled(name !== null);
    this.events.onOpen(this.mesh);
    return new Promise((resolve) => (this.resolve = resolve));
  }

  /** Closes an open question as declined. */
  cancel(): void {
    this.finish(false);
  }

  /** World position of a button's centre (a controller aims at it, enabled or not), or null when nothing is asked. */
  buttonPoint(which: "confirm" | "cancel"): Vector3 | null {
    if (!this.asked) return null;
    return controlWorldPoint(which === "confirm" ? this.confirmButton : this.cancelButton, this.mesh, PX, SIZE);
  }

  /**
   * World position of the keyboard key that types `key` ("shift", "backspace" or a character; a capital's key is its
   * letter's, to press after shift), or null when no name is asked for.
   */
  keyPoint(key: string): Vector3 | null {
    return this.asked && this.asked.name !== null ? this.keyboard.keyPoint(keyFor(key)) : null;
  }

  dispose(): void {
    this.finish(false);
    this.keyboard.dispose();
    this.texture.dispose();
    this.mesh.dispose();
  }

  /** Whether the action's button takes a press: always, unless a name is asked for and not yet typed exactly. */
  private get accepts(): boolean {
    const name = this.asked?.name ?? null;
    return name === null || this.typing.text === name;
  }

  private showTyping(): void {
    const { colors } = this.theme;
    this.typedText.text = this.typing.text;
    this.field.color = this.accepts ? colors.ok : withAlpha(colors.text, 0.35);
    this.keyboard.showShift(this.typing.shift);
    this.confirmButton.isEnabled = this.accepts;
    this.confirmButton.alpha = this.accepts ? 1 : 0.45;
  }

  private finish(ok: boolean): void {
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = null;
    this.asked = null;
    this.mesh.setEnabled(false);
    this.events.onClose();
    resolve(ok);
  }
}
