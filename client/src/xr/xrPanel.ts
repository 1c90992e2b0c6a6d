import type { PanelPlacement } from "../gui/guestPanel.ts";

/**
 * In a headset the guest panel floats at arm's length in front of you, a little below eye level and tilted up to
 * face you, scaled so its smallest text (25 px of the panel's 1106 px height) subtends at least 1.5 cm at 0.6 m.
 */
export const XR_PANEL = { distance: 0.7, drop: 0.12, scale: 1.4 } as const;

export interface HeadPose {
  position: { x: number; y: number; z: number };
  /** Babylon yaw (rotation.y) of the head: 0 looks toward +z. */
  yaw: number;
}

/**
 * A confirmation stands between you and the guest panel it belongs to, nearer and at eye height: a question to
 * answer before anything else. 0.5 m wide at 0.55 m, its smallest text (30 px of 640) is larger to the eye than the
 * panel's.
 */
export const XR_CONFIRM = { distance: 0.55, drop: 0.06, scale: 1 } as const;

/** The confirmation panel's texture (px) and size in the world (m); its smallest text is `smallestTextPx` tall. */
export const CONFIRM_PANEL = { px: { width: 1000, height: 640 }, metres: { width: 0.5, height: 0.32 }, smallestTextPx: 30 } as const;

/**
 * A management form stands a little further than a confirmation, so that the confirmation of what it sends comes up
 * in front of it; 1.3 times the size at 0.65 m, its smallest text (32 px of 1200) is as readable as the confirmation's.
 */
export const XR_FORM = { distance: 0.65, drop: 0.08, scale: 1.3 } as const;

/** The form panel's texture (px) and unscaled size in the world (m). */
export const FORM_PANEL = { px: { width: 1200, height: 940 }, metres: { width: 0.5, height: (0.5 * 940) / 1200 }, smallestTextPx: 32 } as const;

/**
 * The keyboard a name is typed on hangs just below its confirmation, in the same plane; `keyPx` of its `px.width`
 * makes a key 4 cm across, easy to hit with a controller ray at arm's length.
 */
export const NAME_KEYBOARD_PANEL = { px: { width: 1000, height: 400 }, metres: { width: 0.5, height: 0.2 }, keyPx: 80, gapMetres: 0.015 } as const;

export function xrPanelPlacement(head: HeadPose): PanelPlacement {
  return placeAhead(head, XR_PANEL);
}

export function xrConfirmPlacement(head: HeadPose): PanelPlacement {
  return placeAhead(head, XR_CONFIRM);
}

export function xrFormPlacement(head: HeadPose): PanelPlacement {
  return placeAhead(head, XR_FORM);
}

/** `distance` ahead of the eyes, `drop` below them, tilted up to face them. */
function placeAhead(head: HeadPose, { distance, drop, scale }: { distance: number; drop: number; scale: number }): PanelPlacement {
  return {
    x: head.position.x + Math.sin(head.yaw) * distance,
    y: head.position.y - drop,
    z: head.position.z + Math.cos(head.yaw) * distance,
    yaw: head.yaw,
    pitch: Math.atan2(drop, distance),
    scale,
  };
}

/** Angle (radians) that text `px` panel pixels tall subtends, with the panel `scale`d and `distance` m away. */
export function textAngle(px: number, panelPx: number, panelMetres: number, scale: number, distance: number): number {
  return 2 * Math.atan((px / panelPx) * panelMetres * scale / 2 / distance);
}
