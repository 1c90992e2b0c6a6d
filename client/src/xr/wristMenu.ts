import type { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh";
import type { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture";
import { Button } from "@babylonjs/gui/2D/controls/button";
import { Control } from "@babylonjs/gui/2D/controls/control";
import { InputText } from "@babylonjs/gui/2D/controls/inputText";
import type { StackPanel } from "@babylonjs/gui/2D/controls/stackPanel";
import type { TextBlock } from "@babylonjs/gui/2D/controls/textBlock";
import { VirtualKeyboard } from "@babylonjs/gui/2D/controls/virtualKeyboard";
import { guestKey } from "../../../shared/src/protocol.ts";
import type { Estate } from "../model/estate.ts";
import { labelForOperation } from "../model/guestActions.ts";
import { searchGuests } from "../model/search.ts";
import { actionButton, controlWorldPoint, glassPlane, text, vstack } from "../gui/panelControls.ts";
import { withAlpha, type Theme } from "../theme.ts";
import type { ShownWristMenu, WristTarget } from "./debugHook.ts";

const PX = { width: 720, height: 1180 } as const;
/** 0.3 m wide: the size of a large tablet, held at the left wrist. */
const SIZE = { width: 0.3, height: (0.3 * PX.height) / PX.width } as const;
const RESULTS = 4;
/**
 * What a search needs: VMIDs, names (search ignores case, so no shift) with their "-" and ".", "#" before a tag and
 * the "_" and "+" tags may hold; "←" rubs out (Babylon's backspace key).
 */
const SEARCH_KEYS = ["1234567890←", "qwertyuiop-", "asdfghjkl#.", "zxcvbnm_+"] as const;
const LOG_LINES = 5;

export interface WristMenuCallbacks {
  onPick(key: string): void;
  onExit(): void;
}

/**
 * The headset's wrist menu, worn on the left controller: guest search with an on-panel keyboard, the latest
 * operations, and a way out of VR. Point the right controller's ray at it to use it.
 */
export class WristMenu {
  readonly mesh: Mesh;
  private readonly texture: AdvancedDynamicTexture;
  private readonly input: InputText;
  private readonly keyboard: VirtualKeyboard;
  private readonly exitButton: Button;
  private readonly results: StackPanel;
  private hits = new Map<string, Button>();
  private readonly log: StackPanel;
  private readonly unsubscribe: () => void;

  constructor(
    scene: Scene,
    private readonly theme: Theme,
    private readonly estate: Estate,
    private readonly callbacks: WristMenuCallbacks,
  ) {
    const t = theme;
    const { mesh, texture, body } = glassPlane(scene, "wrist-menu", t, {
      size: SIZE,
      px: PX,
      opacity: 0.94,
      edgeColor: t.colors.accent,
      edgeWidth: 3,
      cornerRadius: 24,
      bodyWidth: PX.width - 60,
      bodyTop: 24,
    });
    this.mesh = mesh;
    this.texture = texture;

    body.addControl(text(t, "Proximity", { size: 40, weight: "700", height: 64 }));
    this.input = new InputText("wrist-search", "");
    this.input.placeholderText = "Find a guest: name, VMID or #tag";
    this.input.width = `${PX.width - 60}px`;
    this.input.maxWidth = `${PX.width - 60}px`;
    this.input.height = "72px";
    this.input.fontSize = 30;
    this.input.fontFamily = `"${t.fonts.sans}", sans-serif`;
    this.input.color = t.colors.text;
    this.input.background = withAlpha(t.colors.text, 0.06);
    this.input.focusedBackground = withAlpha(t.colors.text, 0.12);
    this.input.placeholderColor = t.colors.textMuted;
    this.input.thickness = 2;
    this.input.disableMobilePrompt = true;
    this.input.onTextChangedObservable.add(() => this.renderResults());
    body.addControl(this.input);

    // Keys take the defaults in force when their row is added, so those are set first.
    const keyboard = new VirtualKeyboard("wrist-keyboard");
    this.keyboard = keyboard;
    keyboard.defaultButtonBackground = withAlpha(t.colors.text, 0.1);
    keyboard.defaultButtonColor = t.colors.text;
    // Eleven keys fill a row: each about 2.5 cm wide on the 30 cm panel, a size a ray lands on without slipping.
    keyboard.defaultButtonHeight = "64px";
    keyboard.defaultButtonWidth = "60px";
    keyboard.fontSize = 30;
    for (const keys of SEARCH_KEYS) keyboard.addKeysRow([...keys]);
    keyboard.connect(this.input);
    body.addControl(keyboard);

    this.results = vstack();
    this.results.height = `${RESULTS * 70}px`;
    body.addControl(this.results);

    body.addControl(text(t, "Operations", { size: 28, weight: "600", color: t.colors.textMuted, height: 52 }));
    this.log = vstack();
    this.log.height = `${LOG_LINES * 46}px`;
    body.addControl(this.log);

    this.exitButton = actionButton(t, "Exit VR", "normal", PX.width - 60);
    this.exitButton.onPointerUpObservable.add(() => this.callbacks.onExit());
    body.addControl(this.exitButton);

    this.unsubscribe = estate.subscribe((changes) => {
      if (changes.operations.size > 0 || changes.structure) this.renderLog();
    });
    this.renderLog();
  }

  /** Wears the menu on a controller: just above the wrist, tilted toward the eyes. */
  attachTo(holder: AbstractMesh): void {
    this.mesh.parent = holder;
    this.mesh.position.set(0, 0.1, 0.1);
    this.mesh.rotation.set(0.7, 0, 0);
    this.mesh.setEnabled(true);
  }

  detach(): void {
    this.mesh.parent = null;
    this.mesh.setEnabled(false);
  }

  toggle(): void {
    this.mesh.setEnabled(!this.mesh.isEnabled());
  }

  /** What it shows now, or null while it is not worn. */
  get shown(): ShownWristMenu | null {
    if (!this.mesh.isEnabled()) return null;
    return {
      query: this.input.text,
      keyboard: this.keyboard.isVisible,
      results: [...this.hits.keys()],
      log: this.log.children.map((line) => (line as TextBlock).text),
    };
  }

  /**
   * World point of what a ray presses: the search field, the Exit VR button, a key of the keyboard (its label: "1",
   * "a"…) or a hit (its guest key); null when it is not shown.
   */
  point(target: WristTarget): Vector3 | null {
    const control = this.mesh.isEnabled() ? this.controlFor(target) : undefined;
    return control ? controlWorldPoint(control, this.mesh, PX, SIZE) : null;
  }

  dispose(): void {
    this.unsubscribe();
    this.texture.dispose();
    this.mesh.dispose();
  }

  private controlFor(target: WristTarget): Control | undefined {
    if ("field" in target) return target.field === "search" ? this.input : this.exitButton;
    if ("hit" in target) return this.hits.get(target.hit);
    if (!this.keyboard.isVisible) return undefined;
    return this.keyboard.getDescendants(false, (c) => c instanceof Button && c.name === target.key)[0];
  }

  private renderResults(): void {
    for (const child of [...this.results.children]) child.dispose();
    this.hits = new Map();
    for (const hit of searchGuests(this.estate.guests.values(), this.input.text, RESULTS)) {
      const button = Button.CreateSimpleButton(`wrist-hit-${hit.guest.key}`, `${hit.guest.name}  ·  ${hit.guest.vmid}`);
      button.height = "64px";
      button.paddingBottom = "6px";
      button.thickness = 0;
      button.cornerRadius = 12;
      button.background = withAlpha(this.theme.colors.text, 0.06);
      button.fontSize = 28;
      button.fontFamily = `"${this.theme.fonts.sans}", sans-serif`;
      if (button.textBlock) {
        button.textBlock.color = this.theme.colors.text;
        button.textBlock.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
        button.textBlock.paddingLeft = "18px";
      }
      button.onPointerUpObservable.add(() => this.callbacks.onPick(hit.guest.key));
      this.results.addControl(button);
      this.hits.set(hit.guest.key, button);
    }
  }

  private renderLog(): void {
    for (const child of [...this.log.children]) child.dispose();
    const ops = [...this.estate.operations.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, LOG_LINES);
    if (ops.length === 0) this.log.addControl(this.line("No operations yet.", this.theme.colors.textMuted));
    for (const op of ops) {
      const guest = this.estate.guests.get(guestKey(op.clusterId, op.vmid));
      const outcome = op.state === "succeeded" ? "✓" : op.state === "failed" ? "✕" : `${Math.round(op.progress * 100)}%`;
      const color = op.state === "succeeded" ? this.theme.colors.ok : op.state === "failed" ? this.theme.colors.error : this.theme.colors.busy;
      this.log.addControl(this.line(`${outcome}  ${labelForOperation(op.kind)} ${guest?.name ?? `#${op.vmid}`}`, color));
    }
  }

  private line(value: string, color: string): TextBlock {
    return text(this.theme, value, { size: 26, mono: true, color, height: 46 });
  }
}
