import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "puppeteer-core";
// Brings in the window.__proximityXr declaration.
import type {} from "../../client/src/xr/debugHook.ts";

type Point = { x: number; y: number; z: number };
type Controller = {
  quaternion: { set(...q: number[]): void };
  position: { set(x: number, y: number, z: number): void };
  updateButtonValue(id: string, value: number): void;
  updateAxes(id: string, x: number, y: number): void;
};
type EmulatedWindow = { __iwer: { controllers: Record<string, Controller> } };

/**
 * An emulated Meta Quest 3 (iwer) installed in the page before the client loads, the way a headset's browser
 * offers WebXR. Test-only: the production bundle does not contain iwer.
 */
const IWER_SCRIPT = `${readFileSync(createRequire(import.meta.url).resolve("iwer/build/iwer.min.js"), "utf8")}
;(() => {
  const device = new IWER.XRDevice(IWER.metaQuest3);
  device.installRuntime({ forceInstall: true });
  device.stereoEnabled = true;
  window.__iwer = device;
  // iwer 2.5.0 builds an offset reference space from the XRRigidTransform object itself instead of its matrix, so
  // every offset space (how Babylon moves you: teleport, stick walking) is broken in the emulator. The WebXR
  // standard's behaviour, restored: the offset space's origin is the parent's moved by the transform's matrix.
  const offsetSpace = XRReferenceSpace.prototype.getOffsetReferenceSpace;
  XRReferenceSpace.prototype.getOffsetReferenceSpace = function (originOffset) {
    return offsetSpace.call(this, originOffset.matrix);
  };
})();`;

export async function withHeadset(page: Page): Promise<void> {
  await page.evaluateOnNewDocument(IWER_SCRIPT);
}

/**
 * The page's size while the emulated headset presents. The emulator draws both eyes into the page's canvas at the
 * window's size, and SwiftShader's time per frame follows the pixels: on the 2-core CI machine an XR frame took
 * 0.9–1.2 s at 1280×720 and 0.57 s at 800×450. A headset test takes dozens of frames; its screenshot is this size.
 */
export const HEADSET_VIEWPORT = { width: 800, height: 450 } as const;

/** Presses Enter VR (the HUD button, as a user would) at the headset's page size; resolves once XR frames are drawn. */
export async function putOnHeadset(page: Page): Promise<void> {
  learntSpaces.delete(page);
  await page.waitForFunction(() => window.__proximityXr?.state === "ready", { timeout: 30_000 });
  await page.setViewport(HEADSET_VIEWPORT);
  await page.click("[data-testid=enter-vr]");
  await page.waitForFunction(() => window.__proximityXr!.state === "in-xr", { timeout: 60_000 });
  await xrFrames(page, 5);
}

/** Waits until the headset has drawn `n` more frames (poses and buttons set on the emulator apply on the next one). */
export async function xrFrames(page: Page, n: number): Promise<void> {
  const start = await page.evaluate(() => window.__proximityXr!.frames);
  await page.waitForFunction((target) => window.__proximityXr!.frames >= target, { timeout: 30_000 }, start + n);
}

/** Babylon's yaw rotation (left-handed, about +y) and WebXR's handedness flip, as the hall sees the headset's space. */
const turnY = (v: Point, a: number): Point => ({ x: v.x * Math.cos(a) + v.z * Math.sin(a), y: v.y, z: -v.x * Math.sin(a) + v.z * Math.cos(a) });
const flipZ = (v: Point): Point => ({ x: v.x, y: v.y, z: -v.z });

/** How the headset's floor space sits in the hall for one controller: a turn about the vertical and an offset. */
type HeadsetSpace = { turn: number; offset: Point };

/** Learnt once per page and hand, and forgotten whenever the player is moved (teleport, walking, a new session). */
const learntSpaces = new WeakMap<Page, Map<string, HeadsetSpace>>();

/** Forgets the learnt headset space: call it after the app moves the player (a wrist-menu pick stands me at a guest). */
export function playerMoved(page: Page): void {
  learntSpaces.delete(page);
}

/**
 * Learns the headset space by holding the controller straight ahead at a known spot and reading its ray in the hall
 * (z flips between WebXR's right-handed and Babylon's left-handed axes).
 */
async function headsetSpace(page: Page, hand: "left" | "right"): Promise<HeadsetSpace> {
  const known = learntSpaces.get(page)?.get(hand);
  if (known) return known;
  const probe = { x: 0, y: 1.4, z: 0 };
  await page.evaluate(
    (h, p) => {
      const controller = (window as unknown as EmulatedWindow).__iwer.controllers[h]!;
      controller.quaternion.set(0, 0, 0, 1);
      controller.position.set(p.x, p.y, p.z);
    },
    hand,
    probe,
  );
  await xrFrames(page, 2);
  const straight = await page.evaluate((h) => window.__proximityXr!.pointerRay(h), hand);
  if (!straight) throw new Error(`The emulated ${hand} controller has no ray yet`);
  const turn = Math.atan2(straight.direction.x, straight.direction.z);
  const placed = turnY(flipZ(probe), turn);
  const space = { turn, offset: { x: straight.origin.x - placed.x, y: straight.origin.y - placed.y, z: straight.origin.z - placed.z } };
  if (!learntSpaces.has(page)) learntSpaces.set(page, new Map());
  learntSpaces.get(page)!.set(hand, space);
  return space;
}

/**
 * Holds an emulated controller at a point in the hall and points its ray at another: the wanted pose is converted
 * into the headset's floor space (learnt as above). Returns the resulting ray direction and the wanted one.
 */
export async function aim(page: Page, hand: "left" | "right", from: Point, target: Point): Promise<{ got: Point; wanted: Point }> {
  const { turn, offset } = await headsetSpace(page, hand);
  const position = flipZ(turnY({ x: from.x - offset.x, y: from.y - offset.y, z: from.z - offset.z }, -turn));

  const toTarget = { x: target.x - from.x, y: target.y - from.y, z: target.z - from.z };
  const length = Math.hypot(toTarget.x, toTarget.y, toTarget.z);
  const wanted = { x: toTarget.x / length, y: toTarget.y / length, z: toTarget.z / length };
  const local = flipZ(turnY(wanted, -turn));
  const yaw = Math.atan2(-local.x, -local.z);
  const pitch = Math.asin(local.y);
  const [s1, c1, s2, c2] = [Math.sin(yaw / 2), Math.cos(yaw / 2), Math.sin(pitch / 2), Math.cos(pitch / 2)];
  await page.evaluate(
    (h, q, p) => {
      const controller = (window as unknown as EmulatedWindow).__iwer.controllers[h]!;
      controller.quaternion.set(...q);
      controller.position.set(p.x, p.y, p.z);
    },
    hand,
    [c1 * s2, c2 * s1, -s1 * s2, c1 * c2],
    position,
  );
  await xrFrames(page, 2);
  const ray = await page.evaluate((h) => window.__proximityXr!.pointerRay(h), hand);
  return { got: ray!.direction, wanted };
}

/** Lowers the left hand to the hip, as a user does between uses of the wrist menu: out of the eyes' way. */
export async function lowerLeftHand(page: Page): Promise<void> {
  await page.evaluate(() => {
    const controller = (window as unknown as EmulatedWindow).__iwer.controllers.left!;
    controller.quaternion.set(0, 0, 0, 1);
    controller.position.set(-0.3, 0.8, 0);
  });
}

/** Raises the left hand in front of the eyes, its wrist menu turned toward them, as a user does to read and use it. */
export async function raiseLeftHand(page: Page): Promise<void> {
  await page.evaluate(() => {
    const controller = (window as unknown as EmulatedWindow).__iwer.controllers.left!;
    controller.quaternion.set(0, 0, 0, 1);
    controller.position.set(-0.05, 1.35, -0.5);
  });
  await xrFrames(page, 2);
}

export async function pullTrigger(page: Page, hand: "left" | "right"): Promise<void> {
  const press = (value: number) =>
    page.evaluate(
      (h, v) => (window as unknown as EmulatedWindow).__iwer.controllers[h]!.updateButtonValue("trigger", v),
      hand,
      value,
    );
  await press(1);
  await xrFrames(page, 2);
  await press(0);
  // The release is what presses a button, and a button may end the session (Exit VR): then no frames follow.
  const start = await page.evaluate(() => window.__proximityXr!.frames);
  await page.waitForFunction((target) => window.__proximityXr!.frames >= target || window.__proximityXr!.state !== "in-xr", { timeout: 30_000 }, start + 2);
}

/**
 * Pushes a controller's thumbstick fully forward for `frames` frames, then lets it spring back and waits for the
 * release to be seen (on the right a teleport, on the left a walk).
 */
export async function pushThumbstickForward(page: Page, hand: "left" | "right", frames = 4): Promise<void> {
  const tilt = (y: number) =>
    page.evaluate((h, v) => (window as unknown as EmulatedWindow).__iwer.controllers[h]!.updateAxes("thumbstick", 0, v), hand, y);
  learntSpaces.delete(page);
  await tilt(-1);
  await xrFrames(page, frames);
  await tilt(0);
  await xrFrames(page, 2);
}

/** Aims a controller at a world point from 15 cm in front of it (toward the eyes) and pulls the trigger. */
export async function pressAt(page: Page, hand: "left" | "right", point: Point): Promise<void> {
  const head = await page.evaluate(() => window.__proximityXr!.headPosition());
  if (!head) throw new Error("The headset has no pose yet");
  const toHead = { x: head.x - point.x, y: head.y - point.y, z: head.z - point.z };
  const reach = 0.15 / Math.hypot(toHead.x, toHead.y, toHead.z);
  await aim(page, hand, { x: point.x + toHead.x * reach, y: point.y + toHead.y * reach, z: point.z + toHead.z * reach }, point);
  await pullTrigger(page, hand);
}
