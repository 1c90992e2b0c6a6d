import { Button } from "@babylonjs/gui/2D/controls/button";
import { Control } from "@babylonjs/gui/2D/controls/control";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle";
import { StackPanel } from "@babylonjs/gui/2D/controls/stackPanel";
import { TextBlock } from "@babylonjs/gui/2D/controls/textBlock";
import { withAlpha, type Theme } from "../theme.ts";

/** Small builders so the panel reads as a layout, not as property assignments. */

export function text(theme: Theme, value: string, options: { size: number; mono?: boolean; weight?: string; color?: string; align?: number; height?: number }): TextBlock {
  const block = new TextBlock();
  block.text = value;
  block.fontFamily = options.mono ? `"${theme.fonts.mono}", monospace` : `"${theme.fonts.sans}", sans-serif`;
  block.fontSize = options.size;
  block.fontWeight = options.weight ?? "400";
  block.color = options.color ?? theme.colors.text;
  block.textHorizontalAlignment = options.align ?? Control.HORIZONTAL_ALIGNMENT_LEFT;
  block.height = `${options.height ?? Math.round(options.size * 1.45)}px`;
  block.textWrapping = false;
  return block;
}

export function row(height: number): Rectangle {
  const r = new Rectangle();
  r.height = `${height}px`;
  r.thickness = 0;
  return r;
}

export function vstack(): StackPanel {
  const s = new StackPanel();
  s.isVertical = true;
  return s;
}

/** A meter: a dim track with a fill for `fraction`. */
export function bar(theme: Theme, width: number, height: number): { root: Rectangle; set(fraction: number, color?: string): void } {
  const root = new Rectangle();
  root.width = `${width}px`;
  root.height = `${height}px`;
  root.thickness = 0;
  root.cornerRadius = height / 2;
  root.background = withAlpha(theme.colors.text, 0.08);
  root.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
  const fill = new Rectangle();
  fill.thickness = 0;
  fill.cornerRadius = height / 2;
  fill.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
  fill.background = theme.colors.accent;
  root.addControl(fill);
  return {
    root,
    set(fraction, color) {
      fill.width = `${Math.round(Math.max(0, Math.min(1, fraction)) * width)}px`;
      fill.background = color ?? theme.colors.accent;
    },
  };
}

export function actionButton(theme: Theme, label: string, kind: "primary" | "normal" | "destructive", width: number): Button {
  const b = Button.CreateSimpleButton(`action-${label}`, label);
  b.width = `${width}px`;
  b.height = "76px";
  b.cornerRadius = 14;
  b.thickness = 3;
  b.fontFamily = `"${theme.fonts.sans}", sans-serif`;
  b.fontSize = 30;
  b.fontWeight = "600";
  const colors = {
    primary: { background: theme.colors.accent, color: theme.colors.bg, border: theme.colors.accent },
    normal: { background: withAlpha(theme.colors.text, 0.06), color: theme.colors.text, border: withAlpha(theme.colors.text, 0.25) },
    destructive: { background: withAlpha(theme.colors.error, 0.12), color: theme.colors.error, border: theme.colors.error },
  }[kind];
  b.background = colors.background;
  b.color = colors.border;
  if (b.textBlock) b.textBlock.color = colors.color;
  b.pointerDownAnimation = () => {
    b.scaleX = 0.95;
    b.scaleY = 0.95;
  };
  b.pointerUpAnimation = () => {
    b.scaleX = 1;
    b.scaleY = 1;
  };
  return b;
}
