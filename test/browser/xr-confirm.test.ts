import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmationFor } from "../../shared/src/commands.ts";
import { guestKey } from "../../shared/src/protocol.ts";
import { MAX_MOTION_MS } from "../../client/src/scene/motion.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { eventually, launchChromium, openHall, screenshot, searchFor, type HallPage } from "./chromium.ts";
import type { WristTarget } from "../../client/src/xr/debugHook.ts";
import { aim, lowerLeftHand, pressAt, pullTrigger, playerMoved, pushThumbstickForward, putOnHeadset, raiseLeftHand, withHeadset, xrFrames } from "./headset.ts";

type Point = { x: number; y: number; z: number };
const flat = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.z - b.z);

/**
 * The delights and the headset's gaps, in one signed-in admin page with an emulated Quest 3: a finished deploy is
 * celebrated (and only faded under reduced motion); in VR the right thumbstick teleports, presence and labels follow
 * the headset, and a stop is confirmed on an in-world panel pressed with a controller ray, then a delete with the
 * guest's name typed on the panel's keyboard; the wrist menu's search, typed on its keyboard, leads to another guest,
 * and its Exit VR button ends the session.
 */
describe("celebration, reduced motion and confirming in the headset", () => {
  let proximity: TestProximity;
  let hall: HallPage;
  let page: Page;
  let closeBrowser: () => Promise<void>;
  const guests = () => proximity.sim.model.listGuests();

  /** Deploys a catalog app through the HUD's catalog sheet; returns the new guest's key once the hall has it. */
  const deploy = async (appId: string, appName: string, name: string): Promise<string> => {
    await page.evaluate(() => document.querySelectorAll("dialog[open]").forEach((d) => (d as HTMLDialogElement).close()));
    await page.click("[data-testid=open-catalog]");
    await page.waitForSelector("dialog[data-testid=catalog][open]", { timeout: 30_000 });
    await page.$eval("[data-testid=catalog-search]", (el) => ((el as HTMLInputElement).value = ""));
    await page.type("[data-testid=catalog-search]", appName);
    await page.waitForSelector(`[data-testid=catalog-app-${appId}]`, { timeout: 30_000 });
    // The list re-renders as the catalog arrives: find and click in one step, so the click lands on the current node.
    await page.$eval(`[data-testid=catalog-app-${appId}]`, (el) => (el as HTMLElement).click());
    await page.waitForFunction(() => /Runs on \S+/.test(document.querySelector("[data-testid=deploy-placement]")?.textContent ?? ""), { timeout: 30_000 });
    await page.$eval("[data-testid=deploy-name]", (el, v) => ((el as HTMLInputElement).value = v), name);
    await page.click("[data-testid=deploy-submit]");
    await eventually(() => guests().some((g) => g.name === name), `${name} to be created in the simulator`, 90_000);
    const key = guestKey(proximity.clusterId, guests().find((g) => g.name === name)!.vmid);
    await page.waitForFunction((k) => window.__proximity!.guestKeys().includes(k), { timeout: 60_000 }, key);
    return key;
  };

  /** Waits for the celebration of `key` to have played to its end, and returns how it played. */
  const celebrated = async (key: string) => {
    const handle = await page
      .waitForFunction(
        (k) => {
          const last = window.__proximity!.lastCelebration();
          return last && last.key === k && last.endedAt !== null ? last : null;
        },
        { timeout: 90_000 },
        key,
      )
      .catch(async (error: Error) => {
        const seen = await page.evaluate(() => ({ last: window.__proximity!.lastCelebration(), log: document.querySelector(".oplog")?.textContent ?? "" }));
        throw new Error(`${error.message}: no celebration of ${key} (${JSON.stringify(seen)})`);
      });
    return (await handle.jsonValue())!;
  };

  /** A deploy of an app with generated secrets shows them once it succeeds: read and dismissed, as a user would. */
  const dismissSecrets = async (expected: boolean) => {
    if (!expected) return;
    await page.waitForSelector("dialog[data-testid=secrets][open] [data-testid=secrets-done]", { timeout: 60_000 });
    await page.click("[data-testid=secrets-done]");
    await page.waitForFunction(() => document.querySelector("dialog[data-testid=secrets][open]") === null, { timeout: 30_000 });
  };

  beforeAll(async () => {
    proximity = await startProximity({ simulator: { nodes: 3, guests: 24 } });
    const chromium = await launchChromium();
    closeBrowser = chromium.close;
    hall = await openHall(chromium.browser as Browser, proximity.httpUrl, { name: "admin", password: TEST_PASSWORD }, withHeadset);
    page = hall.page;
  }, 240_000);

  afterAll(async () => {
    await closeBrowser?.().catch(() => undefined);
    await proximity?.stop();
  });

  it("celebrates a finished deploy with a sweep under 300 ms, and only fades it in place under reduced motion", async () => {
    const catalog = (await (await proximity.api("/api/catalog")).json()) as { apps: Array<{ id: string; name: string; route: string; secrets: unknown[] }> };
    const app = catalog.apps.find((a) => a.route === "oci");
    if (!app) throw new Error("the catalog has no OCI app to deploy");
    expect(await page.evaluate(() => window.__proximity!.lastCelebration())).toBeNull();

    const first = await deploy(app.id, app.name, `${app.id}-joy`.slice(0, 40));
    const full = await celebrated(first);
    await dismissSecrets(app.secrets.length > 0);
    expect(full.moves).toBe(true);
    expect(full.durationMs).toBeLessThanOrEqual(MAX_MOTION_MS);
    // The light travelled along the chassis and ran its whole length. When it is seen to end depends on when the next
    // frame comes, which on a loaded machine drawing with SwiftShader can be seconds: the budget is the motion's own.
    expect(full.travelMetres).toBeGreaterThan(0.2);
    expect(full.endedAt! - full.startedAt).toBeGreaterThanOrEqual(full.durationMs);

    await page.emulateMediaFeatures([{ name: "prefers-reduced-motion", value: "reduce" }]);
    try {
      expect(await page.evaluate(() => matchMedia("(prefers-reduced-motion: reduce)").matches)).toBe(true);
      const second = await deploy(app.id, app.name, `${app.id}-calm`.slice(0, 40));
      const reduced = await celebrated(second);
      await dismissSecrets(app.secrets.length > 0);
      expect(reduced.moves).toBe(false);
      expect(reduced.durationMs).toBeLessThanOrEqual(MAX_MOTION_MS);
      expect(reduced.durationMs).toBeLessThan(full.durationMs);
      expect(reduced.travelMetres).toBeLessThan(1e-6);
    } finally {
      await page.emulateMediaFeatures([{ name: "prefers-reduced-motion", value: "no-preference" }]);
      await page.evaluate(() => document.querySelectorAll("dialog[open]").forEach((d) => (d as HTMLDialogElement).close()));
    }
    expect(hall.errors).toEqual([]);
  }, 300_000);

  it("aims a teleport with the right thumbstick, places me at the headset, and confirms a stop and a typed-name delete on in-world panels, then finds a guest and leaves VR from the wrist menu", async () => {
    // The shortest name: it is typed key by key with a ray at the end, and each press takes several XR frames.
    const [target] = guests()
      .filter((g) => g.status === "running" && !g.template && !g.lock)
      .sort((a, b) => a.name.length - b.name.length);
    if (!target) throw new Error("the simulator has no running guest to stop");
    const key = guestKey(proximity.clusterId, target.vmid);

    // Stand in front of the guest on the desktop (no sheet left open over the hall), then put the headset on there.
    await page.evaluate(() => document.querySelectorAll("dialog[open]").forEach((d) => (d as HTMLDialogElement).close()));
    await searchFor(page, String(target.vmid));
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, key);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => window.__proximity!.openPanelKey === null, { timeout: 30_000 });
    await putOnHeadset(page);
    const [at, facing] = (await page.evaluate((k) => [window.__proximityXr!.guestPoint(k)!, window.__proximityXr!.guestFacing(k)!] as const, key))!;

    // Teleport: point the right controller at the floor of the aisle 2 m toward the entrance and push the stick
    // forward: the teleport mark lands where the ray meets the floor (the floor mesh is rebuilt with every layout, and
    // teleportation follows it).
    const before = (await page.evaluate(() => window.__proximityXr!.headPosition()))!;
    const floor = { x: at.x - 2, y: 0, z: at.z + facing * 1.0 };
    expect(flat(before, floor)).toBeGreaterThan(1.5);
    await aim(page, "right", { x: before.x, y: before.y - 0.4, z: before.z }, floor);
    await pushThumbstickForward(page, "right");
    const mark = await page.evaluate(() => window.__proximityXr!.teleportTarget());
    expect(mark).not.toBeNull();
    expect(flat(mark!, floor)).toBeLessThan(0.1);
    // Letting the stick go lands me on the mark; presence, the audio listener and the labels place me there too.
    const head = (await page.evaluate(() => window.__proximityXr!.headPosition()))!;
    expect(flat(head, floor)).toBeLessThan(0.1);
    const viewer = await page.evaluate(() => window.__proximityXr!.viewerPosition());
    expect(flat(viewer, head)).toBeLessThan(0.05);

    // The left stick walks: forward, the way I look, at a stroll.
    await pushThumbstickForward(page, "left", 3);
    const walked = (await page.evaluate(() => window.__proximityXr!.headPosition()))!;
    expect(flat(walked, head)).toBeGreaterThan(0.2);

    // Select the target with a ray and press Stop on its panel: the question comes up in the world, not on the desktop.
    await aim(page, "right", { x: at.x, y: at.y, z: at.z + facing * 0.5 }, at);
    await pullTrigger(page, "right");
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 30_000 }, key);
    await xrFrames(page, 3);
    const askToStop = async () => {
      const stop = await page.evaluate(() => window.__proximityXr!.panelActionPoint("guest.stop"));
      expect(stop).not.toBeNull();
      await pressAt(page, "right", stop!);
      await page.waitForFunction(() => window.__proximityXr!.confirmShown() !== null, { timeout: 30_000 });
    };
    await askToStop();
    const shown = (await page.evaluate(() => window.__proximityXr!.confirmShown()))!;
    const subject = { name: target.name, vmid: target.vmid, type: target.type, node: target.node };
    expect(shown.message).toBe(confirmationFor("guest.stop", subject, { cluster: proximity.clusterId, vmid: target.vmid }));
    expect(shown.title).toBe(`Stop ${target.name}?`);
    expect(shown.canConfirm).toBe(true);
    expect(await page.evaluate(() => document.querySelector("dialog.confirm[open]") !== null)).toBe(false);
    await lowerLeftHand(page);
    await xrFrames(page, 3);
    mkdirSync("docs/screenshots", { recursive: true });
    copyFileSync(await screenshot(page, "xr-confirm"), "docs/screenshots/xr-confirm.png");

    // Cancel declines: nothing is sent.
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.confirmButtonPoint("cancel")))!);
    await page.waitForFunction(() => window.__proximityXr!.confirmShown() === null, { timeout: 30_000 });
    expect(proximity.sim.model.getGuest(target.vmid)?.status).toBe("running");
    expect(await page.evaluate((k) => window.__proximity!.ledStateOf(k), key)).toBe("running");

    // Asked again and confirmed: the simulator stops it.
    await askToStop();
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.confirmButtonPoint("confirm")))!);
    await page.waitForFunction(() => window.__proximityXr!.confirmShown() === null, { timeout: 30_000 });
    await eventually(() => proximity.sim.model.getGuest(target.vmid)?.status === "stopped", `VM ${target.vmid} to stop in the simulator`, 60_000);

    // Delete, once the panel shows it stopped: the name is typed on the keyboard below the question before Delete
    // takes a press.
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "stopped", { timeout: 60_000 }, key);
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.panelOperationPoint("delete")))!);
    await page.waitForFunction(() => window.__proximityXr!.confirmShown() !== null, { timeout: 30_000 });
    const confirmShown = async () => (await page.evaluate(() => window.__proximityXr!.confirmShown()))!;
    expect(await confirmShown()).toEqual({
      title: `Delete ${target.name}?`,
      message: confirmationFor("guest.delete", subject, { cluster: proximity.clusterId, vmid: target.vmid, confirmName: target.name }),
      typedPrompt: `Type ${target.name} to confirm`,
      typed: "",
      canConfirm: false,
    });
    const press = async (key: string) => pressAt(page, "right", (await page.evaluate((k) => window.__proximityXr!.confirmKeyPoint(k), key))!);
    // Delete is dimmed and takes no press before the name is typed.
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.confirmButtonPoint("confirm")))!);
    expect(await confirmShown()).toMatchObject({ typed: "", canConfirm: false });
    // A slip is rubbed out.
    const slip = target.name.startsWith("x") ? "z" : "x";
    await press(slip);
    expect((await confirmShown()).typed).toBe(slip);
    await press("backspace");
    expect((await confirmShown()).typed).toBe("");
    const typeName = async (chars: string) => {
      for (const char of chars) {
        if (char !== char.toLowerCase()) await press("shift");
        await press(char);
      }
    };
    await typeName(target.name.slice(0, -1));
    expect(await confirmShown()).toMatchObject({ typed: target.name.slice(0, -1), canConfirm: false });
    copyFileSync(await screenshot(page, "xr-delete"), "docs/screenshots/xr-delete.png");
    await typeName(target.name.slice(-1));
    expect(await confirmShown()).toMatchObject({ typed: target.name, canConfirm: true });
    expect(proximity.sim.model.getGuest(target.vmid)).toBeDefined();
    expect((await page.evaluate(() => window.__proximity!.panelFields()))!.values.status).toBe("stopped");
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.confirmButtonPoint("confirm")))!);
    await page.waitForFunction(() => window.__proximityXr!.confirmShown() === null, { timeout: 30_000 });
    await eventually(() => proximity.sim.model.getGuest(target.vmid) === undefined, `VM ${target.vmid} to be deleted in the simulator`, 60_000);
    // The hall lets it go: no caddy and no LED; its panel stays, saying what removed it, with nothing left to press.
    await page.waitForFunction((k) => !window.__proximity!.guestKeys().includes(k), { timeout: 60_000 }, key);
    expect(await page.evaluate((k) => window.__proximity!.ledStateOf(k), key)).toBeNull();
    await page.waitForFunction(() => /^Delete · ✓ succeeded\n[^\n]*— admin(\n|$)/.test(window.__proximity!.panelOperationText() ?? ""), { timeout: 30_000 });
    expect(await page.evaluate(() => [window.__proximity!.openPanelKey, window.__proximityXr!.panelOperationPoint("delete"), window.__proximityXr!.panelActionPoint("guest.start")])).toEqual([key, null, null]);
    // None of the removed guest's last figures stay on it.
    const removed = (await page.evaluate(() => window.__proximity!.panelFields()))!;
    expect([removed.title, removed.subtitle]).toEqual(["Guest removed", `${key} · no longer in the cluster`]);
    expect(new Set(Object.values(removed.values))).toEqual(new Set(["—"]));
    await screenshot(page, "xr-removed");

    // The wrist menu, raised into view: its log leads with the delete; a VMID typed key by key on its keyboard finds
    // another guest, and pressing the hit stands me in front of it with its panel open.
    const [next] = guests().filter((g) => g.vmid !== target.vmid && !g.template);
    const nextKey = guestKey(proximity.clusterId, next!.vmid);
    const wristPoint = async (wanted: WristTarget) => (await page.evaluate((w) => window.__proximityXr!.wristPoint(w), wanted))!;
    const wristShown = async () => (await page.evaluate(() => window.__proximityXr!.wristShown()))!;
    await raiseLeftHand(page);
    await page.waitForFunction((line) => window.__proximityXr!.wristShown()?.log[0] === line, { timeout: 30_000 }, `✓  Delete #${target.vmid}`);
    await pressAt(page, "right", await wristPoint({ field: "search" }));
    await page.waitForFunction(() => window.__proximityXr!.wristShown()?.keyboard === true, { timeout: 30_000 });
    for (const digit of String(next!.vmid)) await pressAt(page, "right", await wristPoint({ key: digit }));
    const found = await wristShown();
    expect([found.query, found.results[0]]).toEqual([String(next!.vmid), nextKey]);
    copyFileSync(await screenshot(page, "xr-wrist"), "docs/screenshots/xr-wrist.png");
    await pressAt(page, "right", await wristPoint({ hit: nextKey }));
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 30_000 }, nextKey);
    playerMoved(page);
    const [standing, nextAt] = await page.evaluate((k) => [window.__proximityXr!.viewerPosition(), window.__proximityXr!.guestPoint(k)!] as const, nextKey);
    expect(flat(standing, nextAt)).toBeLessThan(2.5);

    // Its Exit VR button takes the headset off.
    await pressAt(page, "right", await wristPoint({ field: "exit" }));
    await page.waitForFunction(() => window.__proximityXr!.state === "ready", { timeout: 30_000 });
    expect(hall.errors).toEqual([]);
    expect(hall.foreignRequests).toEqual([]);
  }, 480_000);
});
