import { Vector3 } from "@babylonjs/core/Maths/math.vector";
import { CreatePlane } from "@babylonjs/core/Meshes/Builders/planeBuilder";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture";
import { Button } from "@babylonjs/gui/2D/controls/button";
import { Control } from "@babylonjs/gui/2D/controls/control";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle";
import { StackPanel } from "@babylonjs/gui/2D/controls/stackPanel";
import { TextBlock } from "@babylonjs/gui/2D/controls/textBlock";
import { withAlpha, type Theme } from "../theme.ts";

/** Small builders so the panel reads as a layout, not as property assignments. */

export interface GlassPlaneOptions {
  /** In metres. */
  size: { width: number; height: number };
  /** The GUI texture's pixels; the same aspect as `size`. */
  px: { width: number; height: number };
  opacity: number;
  edgeColor: string;
  edgeWidth: number;
  cornerRadius: number;
  /** The content column's width and its distance from the top, in texture pixels. */
  bodyWidth: number;
  bodyTop: number;
}

/**
 * World position of a control's centre (a button, a text field) on a glass plane (a controller ray or a test aims at
 * it), from where the GUI last laid it out; `px` and `size` are the plane's texture pixels and metres. The mesh's
 * world matrix carries its placement and scaling.
 */
export function controlWorldPoint(control: Control, mesh: Mesh, px: { width: number; height: number }, size: { width: number; height: number }): Vector3 {
  const m = control._currentMeasure;
  const u = (m.left + m.width / 2) / px.width - 0.5;
  const v = 0.5 - (m.top + m.height / 2) / px.height;
  return Vector3.TransformCoordinates(new Vector3(u * size.width, v * size.height, 0), mesh.computeWorldMatrix(true));
}

/** A panel in the world: a hidden plane carrying dark glass with a coloured edge, and a column for its content from the top. */
export function glassPlane(scene: Scene, name: string, theme: Theme, o: GlassPlaneOptions): { mesh: Mesh; texture: AdvancedDynamicTexture; glass: Rectangle; body: StackPanel } {
  const mesh = CreatePlane(name, { width: o.size.width, height: o.size.height }, scene);
  mesh.setEnabled(false);
  const texture = AdvancedDynamicTexture.CreateForMesh(mesh, o.px.width, o.px.height, true);
  texture.premulAlpha = false;
  const glass = new Rectangle(`${name}-glass`);
  glass.background = withAlpha(theme.colors.glass, o.opacity);
  glass.color = o.edgeColor;
  glass.thickness = o.edgeWidth;
  glass.cornerRadius = o.cornerRadius;
  texture.addControl(glass);
  // Explicit widths: a vertical StackPanel does not shrink percentage-wide children by its own padding.
  const body = vstack();
  body.width = `${o.bodyWidth}px`;
  body.top = `${o.bodyTop}px`;
  body.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
  glass.addControl(body);
  return { mesh, texture, glass, body };
}

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
