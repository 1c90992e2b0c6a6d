import type { Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture";
import type { Button } from "@babylonjs/gui/2D/controls/button";
import { Control } from "@babylonjs/gui/2D/controls/control";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle";
import { StackPanel } from "@babylonjs/gui/2D/controls/stackPanel";
import type { TextBlock } from "@babylonjs/gui/2D/controls/textBlock";
import type { PanelPlacement } from "../gui/guestPanel.ts";
import { actionButton, controlWorldPoint, glassPlane, row, text, vstack } from "../gui/panelControls.ts";
import type { Theme } from "../theme.ts";
import type { CommandRequest, FormAction, HeadsetForm } from "./headsetForms.ts";
import type { ShownForm } from "./debugHook.ts";
import { FORM_PANEL } from "./xrPanel.ts";

const { px: PX, metres: SIZE } = FORM_PANEL;
const PAD = 40;
const INNER = PX.width - 2 * PAD;
const ROWS_PER_PAGE = 5;
const ROW_HEIGHT = 104;
const ACTION_WIDTH = 220;
const ACTION_GAP = 16;
/** A button that cannot be used now is drawn faint; pressing it says why instead of doing nothing. */
const UNUSABLE_ALPHA = 0.4;

export interface WorldFormEvents {
  /** A usable action was pressed: resolves true when its command was accepted (the form then closes). */
  onAction(request: CommandRequest, started: string): Promise<boolean>;
  onClose(): void;
}

/**
 * The headset's management form: a glass panel in front of you with one row per choice (a node, a snapshot, a backup,
 * a size step) and a button for each thing that choice offers, paged five rows at a time. There is nothing to type:
 * everything it sends was built and checked by `headsetForms.ts`.
 */
export class WorldForm {
  readonly mesh: Mesh;
  private readonly texture: AdvancedDynamicTexture;
  private readonly title: TextBlock;
  private readonly note: TextBlock;
  private readonly rows: StackPanel;
  private readonly status: TextBlock;
  private readonly pageLabel: TextBlock;
  private readonly previous: Button;
  private readonly next: Button;
  private readonly closeButton: Button;
  private form: HeadsetForm | null = null;
  private page = 0;
  private buttons = new Map<string, Button>();
  private busy = false;
  /** Counts openings (not the reloads of an open form), so a late answer finds out whether its form is still up. */
  private opened = 0;

  constructor(
    scene: Scene,
    private readonly theme: Theme,
    private readonly events: WorldFormEvents,
  ) {
    const t = theme;
    const { mesh, texture, glass, body } = glassPlane(scene, "world-form", t, {
      size: SIZE,
      px: PX,
      // Nearly opaque: it stands over the guest panel, whose bars and text would otherwise show through its rows.
      opacity: 0.985,
      edgeColor: t.colors.accent,
      edgeWidth: 4,
      cornerRadius: 28,
      bodyWidth: INNER,
      bodyTop: 32,
    });
    this.mesh = mesh;
    this.texture = texture;
    this.title = text(t, "", { size: 46, weight: "700", height: 70 });
    this.note = text(t, "", { size: FORM_PANEL.smallestTextPx, color: t.colors.textMuted, height: 52 });
    this.rows = vstack();
    this.rows.height = `${ROWS_PER_PAGE * ROW_HEIGHT}px`;
    this.rows.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.status = text(t, "", { size: 32, height: 56 });
    body.addControl(this.title);
    body.addControl(this.note);
    body.addControl(this.rows);
    body.addControl(this.status);

    const footer = row(96);
    footer.width = `${INNER}px`;
    footer.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    footer.top = `${-PAD}px`;
    glass.addControl(footer);
    this.previous = actionButton(t, "◀ Back", "normal", 200);
    this.next = actionButton(t, "More ▶", "normal", 200);
    this.closeButton = actionButton(t, "Close", "normal", 240);
    this.pageLabel = text(t, "", { size: FORM_PANEL.smallestTextPx, color: t.colors.textMuted, align: Control.HORIZONTAL_ALIGNMENT_CENTER, height: 96 });
    this.pageLabel.width = "200px";
    this.pageLabel.left = "216px";
    this.pageLabel.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.previous.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.next.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.next.left = "432px";
    this.closeButton.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
    this.previous.onPointerUpObservable.add(() => this.turn(-1));
    this.next.onPointerUpObservable.add(() => this.turn(1));
    this.closeButton.onPointerUpObservable.add(() => this.close());
    for (const control of [this.previous, this.pageLabel, this.next, this.closeButton]) footer.addControl(control);
  }

  get isOpen(): boolean {
    return this.form !== null;
  }

  /** What is shown now, or null when closed. */
  get shown(): ShownForm | null {
    const form = this.form;
    if (!form) return null;
    return {
      title: form.title,
      page: this.page,
      pages: this.pages,
      rows: this.pageRows().map((r) => ({ id: r.id, label: r.label, detail: r.detail, actions: r.actions.map((a) => ({ id: a.id, label: a.label, usable: a.request !== null })) })),
      status: this.status.text,
    };
  }

  /**
   * Shows `form` at `placement`, from its first page; with `placement` null, replaces what is shown where it stands,
   * on the same page (a list that has loaded).
   */
  show(form: HeadsetForm, placement: PanelPlacement | null, status = ""): void {
    this.form = form;
    if (placement) {
      this.opened++;
      this.page = 0;
      this.mesh.position.set(placement.x, placement.y, placement.z);
      this.mesh.rotation.set(placement.pitch, placement.yaw, 0);
      this.mesh.scaling.setAll(placement.scale ?? 1);
    }
    this.page = Math.min(this.page, this.pages - 1);
    this.title.text = form.title;
    this.note.text = form.note;
    this.setStatus(status);
    this.render();
    this.mesh.setEnabled(true);
  }

  setStatus(message: string, tone: "info" | "error" = "info"): void {
    this.status.text = message;
    this.status.color = tone === "error" ? this.theme.colors.error : this.theme.colors.text;
  }

  close(): void {
    if (!this.form) return;
    this.form = null;
    this.opened++;
    this.busy = false;
    this.mesh.setEnabled(false);
    this.events.onClose();
  }

  /** World position of an action's button on the page shown (a controller aims at it), or null when not shown. */
  actionPoint(rowId: string, actionId: string): Vector3 | null {
    const button = this.buttons.get(`${rowId}\n${actionId}`);
    return this.form && button ? controlWorldPoint(button, this.mesh, PX, SIZE) : null;
  }

  /** World position of a footer button (page back, page on, close), or null when closed or not shown (one page). */
  footerPoint(which: "previous" | "next" | "close"): Vector3 | null {
    const button = { previous: this.previous, next: this.next, close: this.closeButton }[which];
    return this.form && button.isVisible ? controlWorldPoint(button, this.mesh, PX, SIZE) : null;
  }

  dispose(): void {
    this.close();
    this.texture.dispose();
    this.mesh.dispose();
  }

  private get pages(): number {
    return Math.max(1, Math.ceil((this.form?.rows.length ?? 0) / ROWS_PER_PAGE));
  }

  private pageRows() {
    return this.form?.rows.slice(this.page * ROWS_PER_PAGE, (this.page + 1) * ROWS_PER_PAGE) ?? [];
  }

  private turn(by: number): void {
    const page = this.page + by;
    if (page < 0 || page >= this.pages) return;
    this.page = page;
    this.render();
  }

  private render(): void {
    for (const child of [...this.rows.children]) child.dispose();
    this.buttons = new Map();
    const t = this.theme;
    const rows = this.pageRows();
    if (rows.length === 0) this.rows.addControl(text(t, this.form?.empty ?? "", { size: 34, color: t.colors.textMuted, height: ROW_HEIGHT }));
    for (const r of rows) {
      const line = row(ROW_HEIGHT);
      line.width = `${INNER}px`;
      const words = vstack();
      words.width = `${INNER - r.actions.length * (ACTION_WIDTH + ACTION_GAP)}px`;
      words.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
      words.addControl(text(t, r.label, { size: 36, weight: "600", height: 50 }));
      if (r.detail) words.addControl(text(t, r.detail, { size: FORM_PANEL.smallestTextPx, color: t.colors.textMuted, height: 42 }));
      line.addControl(words);
      r.actions.forEach((a, i) => {
        const button = actionButton(t, a.label, a.tone === "destructive" ? "destructive" : a.tone, ACTION_WIDTH);
        button.height = "84px";
        button.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
        button.left = `${-(r.actions.length - 1 - i) * (ACTION_WIDTH + ACTION_GAP)}px`;
        button.alpha = a.request ? 1 : UNUSABLE_ALPHA;
        button.onPointerUpObservable.add(() => void this.press(a));
        line.addControl(button);
        this.buttons.set(`${r.id}\n${a.id}`, button);
      });
      this.rows.addControl(line);
    }
    const paged = this.pages > 1;
    this.previous.isVisible = paged;
    this.next.isVisible = paged;
    this.pageLabel.text = paged ? `${this.page + 1} / ${this.pages}` : "";
    this.previous.alpha = this.page > 0 ? 1 : UNUSABLE_ALPHA;
    this.next.alpha = this.page < this.pages - 1 ? 1 : UNUSABLE_ALPHA;
  }

  private async press(a: FormAction): Promise<void> {
    if (a.disabledReason !== null || !a.request) {
      this.setStatus(a.disabledReason ?? "This cannot be used now.", "error");
      return;
    }
    // One command at a time: a second press while the first is being confirmed or sent would send it twice.
    if (this.busy) return;
    this.busy = true;
    this.setStatus("Sending…");
    const asked = this.opened;
    const accepted = await this.events.onAction(a.request, a.started);
    this.busy = false;
    // Closed or opened anew while it was being confirmed: the answer belongs to a form no longer shown.
    if (this.opened !== asked) return;
    if (accepted) this.close();
    else this.setStatus("Not started (declined or refused).", "error");
  }
}
