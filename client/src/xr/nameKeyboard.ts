import type { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture";
import type { Button } from "@babylonjs/gui/2D/controls/button";
import type { StackPanel } from "@babylonjs/gui/2D/controls/stackPanel";
import { VirtualKeyboard } from "@babylonjs/gui/2D/controls/virtualKeyboard";
import { controlWorldPoint, glassPlane } from "../gui/panelControls.ts";
import { withAlpha, type Theme } from "../theme.ts";
import { NAME_KEY_ROWS } from "./nameTyping.ts";
import { NAME_KEYBOARD_PANEL } from "./xrPanel.ts";

const { px: PX, metres: SIZE, keyPx: KEY, gapMetres: GAP } = NAME_KEYBOARD_PANEL;
const PAD = 40;
/** Shift and backspace are wider, as on any keyboard, so they are found at a glance at their rows' ends. */
const WIDE_KEY = 1.5;
const LABELS: Readonly<Record<string, string>> = { shift: "⇧", backspace: "⌫" };

/**
 * The keys a guest's name is typed on in the headset: Babylon's VirtualKeyboard laid out as NAME_KEY_ROWS, on a glass
 * plane hung just below its confirmation panel (so it moves, turns and hides with it). It only reports which key a
 * ray pressed; what that types is `pressKey`'s to say.
 */
export class NameKeyboard {
  readonly mesh: Mesh;
  private readonly texture: AdvancedDynamicTexture;
  private readonly keys = new Map<string, Button>();

  constructor(
    scene: Scene,
    private readonly theme: Theme,
    panel: { mesh: Mesh; height: number },
    onKey: (key: string) => void,
  ) {
    const t = theme;
    const { mesh, texture, body } = glassPlane(scene, "name-keyboard", t, {
      size: SIZE,
      px: PX,
      opacity: 0.97,
      edgeColor: withAlpha(t.colors.text, 0.25),
      edgeWidth: 3,
      cornerRadius: 28,
      bodyWidth: PX.width - 2 * PAD,
      bodyTop: (PX.height - NAME_KEY_ROWS.length * KEY) / 2,
    });
    this.mesh = mesh;
    this.texture = texture;
    mesh.parent = panel.mesh;
    mesh.position.y = -(panel.height / 2 + GAP + SIZE.height / 2);

    const keyboard = new VirtualKeyboard("name-keys");
    keyboard.defaultButtonWidth = keyboard.defaultButtonHeight = `${KEY}px`;
    keyboard.defaultButtonPaddingLeft = keyboard.defaultButtonPaddingRight = "5px";
    keyboard.defaultButtonPaddingTop = keyboard.defaultButtonPaddingBottom = "5px";
    for (const row of NAME_KEY_ROWS) keyboard.addKeysRow([...row], row.map((key) => (key in LABELS ? { width: `${KEY * WIDE_KEY}px` } : {})));
    keyboard.onKeyPressObservable.add(onKey);
    body.addControl(keyboard);
    for (const row of keyboard.children as StackPanel[]) {
      for (const key of row.children as Button[]) {
        key.cornerRadius = 12;
        key.thickness = 2;
        key.color = withAlpha(t.colors.text, 0.3);
        key.fontFamily = `"${t.fonts.sans}", sans-serif`;
        key.fontSize = 40;
        key.fontWeight = "600";
        if (key.textBlock) key.textBlock.text = LABELS[key.name!] ?? key.name!;
        this.keys.set(key.name!, key);
      }
    }
    this.showShift(false);
  }

  /** Lit shift, and letters shown in capitals while the next one will be typed as a capital. */
  showShift(on: boolean): void {
    const { colors } = this.theme;
    for (const [name, key] of this.keys) {
      const lit = name === "shift" && on;
      key.background = lit ? colors.accent : withAlpha(colors.text, 0.08);
      if (!key.textBlock) continue;
      key.textBlock.color = lit ? colors.bg : colors.text;
      if (!(name in LABELS)) key.textBlock.text = on ? name.toUpperCase() : name;
    }
  }

  /** World position of the centre of a key (one of NAME_KEY_ROWS), or null for a key it does not have. */
  keyPoint(key: string): Vector3 | null {
    const button = this.keys.get(key);
    return button ? controlWorldPoint(button, this.mesh, PX, SIZE) : null;
  }

  dispose(): void {
    this.texture.dispose();
    this.mesh.dispose();
  }
}
