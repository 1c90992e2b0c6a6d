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

export function xrPanelPlacement(head: HeadPose): PanelPlacement {
  const { distance, drop, scale } = XR_PANEL;
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
