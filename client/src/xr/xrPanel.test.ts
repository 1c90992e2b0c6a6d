import { describe, expect, it } from "vitest";
import { PANEL_SIZE } from "../gui/guestPanel.ts";
import { CONFIRM_PANEL, FORM_PANEL, NAME_KEYBOARD_PANEL, textAngle, XR_CONFIRM, XR_FORM, XR_PANEL, xrConfirmPlacement, xrFormPlacement, xrPanelPlacement } from "./xrPanel.ts";

describe("xrPanelPlacement", () => {
  it("puts the panel at arm's length straight ahead, below the eyes, facing the viewer", () => {
    const p = xrPanelPlacement({ position: { x: 2, y: 1.7, z: -3 }, yaw: Math.PI / 2 });
    expect(p.x).toBeCloseTo(2 + XR_PANEL.distance);
    expect(p.z).toBeCloseTo(-3);
    expect(p.y).toBeCloseTo(1.7 - XR_PANEL.drop);
    expect(p.yaw).toBeCloseTo(Math.PI / 2);
    expect(p.pitch).toBeGreaterThan(0);
  });

  it("makes the smallest panel text at least as large to the eye as 1.5 cm at 0.6 m", () => {
    const needed = 2 * Math.atan(0.015 / 2 / 0.6);
    const distance = Math.hypot(XR_PANEL.distance, XR_PANEL.drop);
    expect(textAngle(25, 1106, PANEL_SIZE.height, XR_PANEL.scale, distance)).toBeGreaterThanOrEqual(needed);
    // The same text on the desktop panel, seen from the same distance, would be too small: the scale matters.
    expect(textAngle(25, 1106, PANEL_SIZE.height, 1, distance)).toBeLessThan(needed);
  });
});

type Panel = { px: { width: number; height: number }; metres: { width: number; height: number }; smallestTextPx: number };

/** The panel's texture keeps its shape in the world, and its smallest text, placed so, looks at least 1.5 cm at 0.6 m. */
function expectReadable({ px, metres, smallestTextPx }: Panel, placed: { distance: number; drop: number; scale: number }): void {
  const needed = 2 * Math.atan(0.015 / 2 / 0.6);
  expect(metres.width / metres.height).toBeCloseTo(px.width / px.height);
  expect(textAngle(smallestTextPx, px.height, metres.height, placed.scale, Math.hypot(placed.distance, placed.drop))).toBeGreaterThanOrEqual(needed);
}

describe("xrConfirmPlacement", () => {
  const head = { position: { x: 2, y: 1.7, z: -3 }, yaw: Math.PI / 2 };

  it("stands the confirmation nearer than the guest panel, straight ahead and facing the viewer", () => {
    const confirm = xrConfirmPlacement(head);
    const panel = xrPanelPlacement(head);
    expect(confirm.x - head.position.x).toBeLessThan(panel.x - head.position.x);
    expect(confirm.z).toBeCloseTo(-3);
    expect(confirm.yaw).toBeCloseTo(Math.PI / 2);
    expect(confirm.y).toBeGreaterThan(panel.y);
  });

  it("makes the confirmation's smallest text at least as large to the eye as 1.5 cm at 0.6 m", () => {
    expectReadable(CONFIRM_PANEL, XR_CONFIRM);
  });
});

describe("xrFormPlacement", () => {
  const head = { position: { x: 2, y: 1.7, z: -3 }, yaw: Math.PI / 2 };

  it("stands a management form between the confirmation it may ask and the guest panel", () => {
    const ahead = (p: { x: number }) => p.x - head.position.x;
    expect(ahead(xrFormPlacement(head))).toBeGreaterThan(ahead(xrConfirmPlacement(head)));
    expect(ahead(xrFormPlacement(head))).toBeLessThan(ahead(xrPanelPlacement(head)));
  });

  it("makes the form's smallest text at least as large to the eye as 1.5 cm at 0.6 m", () => {
    expectReadable(FORM_PANEL, XR_FORM);
  });
});

describe("the name keyboard's panel", () => {
  it("is as wide as the confirmation above it, with keys at least 3 cm across", () => {
    const { px, metres, keyPx } = NAME_KEYBOARD_PANEL;
    expect(metres.width / metres.height).toBeCloseTo(px.width / px.height);
    expect(metres.width).toBe(CONFIRM_PANEL.metres.width);
    expect((keyPx / px.width) * metres.width).toBeGreaterThanOrEqual(0.03);
  });
});
