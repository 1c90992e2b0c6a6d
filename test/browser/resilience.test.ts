import type { Browser, Page } from "puppeteer-core";
import { KnownDevices } from "puppeteer-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { confirmationFor } from "../../shared/src/commands.ts";
import { guestKey } from "../../shared/src/protocol.ts";
import type { Presence } from "../../shared/src/schema/world.ts";
import { ledColor } from "../../client/src/scene/ledColors.ts";
import { commandDeck } from "../../client/src/theme.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { startRelay, type Relay } from "../support/relay.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";
import { launchChromium, openHall, screenshot, searchFor, type HallPage } from "./chromium.ts";

/** The Colyseus SDK reconnects in place only to a room it has been in for this long (its `minUptime`). */
const SDK_MIN_UPTIME_MS = 5_000;

/**
 * The hall when things go wrong, and on a phone: the network drops and comes back (through a relay that resets
 * every socket, as a lost link does), an operation fails in Proxmox, and a touch screen walks, looks and selects.
 * The server, the simulator and Postgres are real; a second connection, outside the browser, watches the room.
 */
describe("the hall through a dropped network, a failed operation and a touch screen", () => {
  let proximity: TestProximity;
  let relay: Relay;
  let browser: Browser;
  let hall: HallPage;
  let page: Page;
  let watcher: WorldRoomClient;
  let joinedAt: number;
  let reconnected = 0;
  const closers: Array<() => Promise<void>> = [];

  const guests = () => proximity.sim.model.listGuests().filter((g) => !g.template && !g.lock);
  const operatorPresence = (): Presence[] => [...watcher.state.users.values()].filter((u) => u.name === "operator");
  /** Waits on the watcher's view of the room; a timeout says what was awaited and where the operator's avatar was. */
  const watch = (what: string, predicate: Parameters<typeof waitFor>[1], timeoutMs = 30_000) =>
    waitFor(watcher, predicate, timeoutMs).catch((error: Error) => {
      const avatars = operatorPresence().map((u) => ({ session: u.sessionId, connected: u.connected, x: u.x, z: u.z }));
      throw new Error(`${error.message}: ${what} (operator avatars: ${JSON.stringify(avatars)})`);
    });
  /** Opens a guest's panel the way a user finds it: HUD search, glide, panel. */
  const openPanel = async (vmid: number) => {
    const key = guestKey(proximity.clusterId, vmid);
    await searchFor(page, String(vmid));
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, key);
    return key;
  };
  const clickPanelAction = async (command: string) => {
    await page.waitForFunction((c) => window.__proximity!.panelActionPosition(c) !== null, { timeout: 30_000 }, command);
    const at = (await page.evaluate((c) => window.__proximity!.panelActionPosition(c), command))!;
    await page.mouse.click(at.x, at.y);
  };

  beforeAll(async () => {
    proximity = await startProximity({ simulator: { nodes: 3, guests: 18 } });
    relay = await startRelay(proximity.httpUrl);
    closers.push(relay.close);
    const chromium = await launchChromium(1024, 640);
    browser = chromium.browser as Browser;
    closers.push(chromium.close);
    hall = await openHall(browser, relay.url, { name: "operator", password: TEST_PASSWORD });
    joinedAt = Date.now();
    page = hall.page;
    watcher = await joinWorld(proximity.wsUrl, proximity.users.admin.token);
    closers.push(() => watcher.leave(true).then(() => undefined));
  }, 240_000);

  // A test that fails mid-outage must not leave the next one offline.
  afterEach(() => relay.restore());

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await proximity?.stop();
  });

  it("shows Reconnecting while the network is down, then is live again in the same place with what changed meanwhile", async () => {
    const target = guests().find((g) => g.status === "running" && g.type === "qemu")!;
    reconnected = target.vmid;
    const key = await openPanel(target.vmid);
    const pose = await page.evaluate(() => window.__proximity!.cameraPose());
    const reconnectable = async () => {
      const wait = joinedAt + SDK_MIN_UPTIME_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    };
    await reconnectable();

    // What the user sees while the link is down. Under load the screenshot alone can outlast the server's
    // reconnection window; either way (same session or a fresh join) the hall must come back on its own.
    relay.cut();
    await page.waitForFunction(() => window.__proximity!.connection === "reconnecting", { timeout: 30_000 });
    expect(await page.$eval("[data-testid=connection]", (el) => el.textContent)).toBe("Reconnecting");
    expect(await page.$eval("[data-testid=banner]", (el) => el.textContent)).toMatch(/^Reconnecting to the hall…/);
    await screenshot(page, "reconnecting");
    relay.restore();
    await page.waitForFunction(() => window.__proximity!.connection === "online", { timeout: 60_000 });
    expect(await page.$eval("[data-testid=connection]", (el) => el.textContent)).toBe("Live");
    const back = await page.evaluate(() => window.__proximity!.cameraPose());
    expect({ x: back.x, z: back.z }, `camera before the drop: ${JSON.stringify(pose)}`).toEqual({ x: expect.closeTo(pose.x, 3), z: expect.closeTo(pose.z, 3) });
    // A fresh join (the window had lapsed) is a new room to the SDK, which reconnects only after its minimum uptime.
    joinedAt = Date.now();
    await reconnectable();

    // A short drop, within the window: the same session comes back, in place, with what changed meanwhile.
    // Where the glide left the camera is where the server holds the avatar.
    const inPlace = (u: Presence) => Math.hypot(u.x - pose.x, u.z - pose.z) < 0.05;
    await watch("the avatar back, connected, in place", () => operatorPresence().length === 1 && operatorPresence()[0]!.connected && inPlace(operatorPresence()[0]!));
    const [avatar] = operatorPresence();
    relay.cut();
    await page.waitForFunction(() => window.__proximity!.connection === "reconnecting", { timeout: 30_000 });
    // The server holds the place: the avatar stays, marked as away.
    await watch("the avatar held as away", () => operatorPresence().length === 1 && operatorPresence()[0]!.connected === false);
    // Someone stops the guest from Proxmox's own UI while this browser cannot hear about it.
    proximity.sim.model.externalAction(target.vmid, "stop");
    await watch("the guest stopped", (state) => findGuest(state, proximity.clusterId, target.vmid)?.status === "stopped");
    expect(await page.evaluate((k) => window.__proximity!.ledStateOf(k), key)).toBe("running");
    relay.restore();

    await page.waitForFunction(() => window.__proximity!.connection === "online", { timeout: 60_000 });
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "stopped", { timeout: 30_000 }, key);
    await watch("the avatar connected again", () => operatorPresence().length === 1 && operatorPresence()[0]!.connected);
    const [returned] = operatorPresence();
    expect(returned!.sessionId).toBe(avatar!.sessionId);
    expect(inPlace(returned!)).toBe(true);
    const after = await page.evaluate(() => window.__proximity!.cameraPose());
    for (const axis of ["x", "y", "z", "yaw", "pitch"] as const) expect(after[axis]).toBeCloseTo(pose[axis], 3);
    expect(await page.evaluate(() => window.__proximity!.openPanelKey)).toBe(key);

    // And the hall works: start the guest again from its panel.
    await clickPanelAction("guest.start");
    await watch("the guest running again", (state) => findGuest(state, proximity.clusterId, target.vmid)?.status === "running", 60_000);
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "running", { timeout: 60_000 }, key);
    expect(hall.errors).toEqual([]);
  }, 240_000);

  it("shows Proxmox's own error on the panel, in the operations log and as a blinking error LED when an operation fails", async () => {
    // Not the guest the reconnection test started again: the failure is armed for the next stop task.
    const target = guests().find((g) => g.status === "running" && g.type === "qemu" && g.vmid !== reconnected)!;
    const pveError = `can't lock file '/var/lock/qemu-server/lock-${target.vmid}.conf' - got timeout`;
    const key = await openPanel(target.vmid);
    proximity.sim.model.failNextTask("qmstop", pveError);

    await clickPanelAction("guest.stop");
    await page.waitForSelector("dialog.confirm[open]", { timeout: 30_000 });
    expect(await page.$eval("#confirm-message", (el) => el.textContent)).toBe(
      confirmationFor("guest.stop", { name: target.name, vmid: target.vmid, type: target.type, node: target.node }, { cluster: proximity.clusterId, vmid: target.vmid }),
    );
    await page.click("[data-testid=confirm-accept]");

    const entry = await page.waitForFunction(
      (name) => [...document.querySelectorAll(".oplog li[data-state=failed]")].find((li) => li.textContent?.includes(name))?.textContent ?? null,
      { timeout: 90_000 },
      target.name,
    );
    expect(await entry.jsonValue()).toContain(pveError);
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "error", { timeout: 30_000 }, key);
    const panel = await page.evaluate(() => window.__proximity!.panelOperationText());
    expect(panel).toMatch(/failed/);
    expect(panel).toContain(pveError);
    // Error blinks: wait for a lit frame in the instance buffer and check it is the error hue.
    const lit = ledColor("error", 0, commandDeck).map((v) => Math.round(v * 1000));
    await page.waitForFunction(
      (k, expected) => window.__proximity!.ledColorOf(k)?.slice(0, 3).every((v, i) => Math.round(v * 1000) === expected[i]) ?? false,
      { timeout: 30_000 },
      key,
      lit,
    );
    await screenshot(page, "operation-failed");
    // The failed stop changed nothing: the guest still runs.
    expect(proximity.sim.model.getGuest(target.vmid)?.status).toBe("running");
    expect(hall.errors).toEqual([]);
  }, 240_000);

  // A second page load with software WebGL on a shared machine can take minutes: the longer limit is for that.
  it("walks with the touch stick, looks by dragging, and opens a guest's panel with a tap", async () => {
    await hall.close();
    const tablet = KnownDevices["iPad Mini landscape"];
    // A tablet's touch screen and browser, at one device pixel per CSS pixel to spare the software renderer.
    const touch = await openHall(browser, proximity.httpUrl, { name: "operator", password: TEST_PASSWORD }, (p) =>
      p.emulate({ userAgent: tablet.userAgent, viewport: { width: 1024, height: 640, deviceScaleFactor: 1, isMobile: true, hasTouch: true } }),
    );
    closers.push(touch.close);
    const tp = touch.page;
    const pose = () => tp.evaluate(() => window.__proximity!.cameraPose());
    const stickShown = () => tp.$eval(".touch-stick", (el) => getComputedStyle(el).display !== "none");
    expect(await stickShown()).toBe(false);

    // Tap a guest's caddy that nothing on the HUD covers: its panel opens, and the stick appears for the thumb.
    const visible = await tp.evaluate(() => {
      const debug = window.__proximity!;
      for (const key of debug.guestKeys()) {
        const at = debug.screenPositionOf(key);
        if (at && document.elementFromPoint(at.x, at.y)?.id === "hall") return { key, at };
      }
      return null;
    });
    expect(visible).not.toBeNull();
    await tp.touchscreen.tap(visible!.at.x, visible!.at.y);
    await tp.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, visible!.key);
    expect(await tp.evaluate(() => window.__proximity!.selectedKey)).toBe(visible!.key);
    expect(await stickShown()).toBe(true);

    // Push the stick up: the camera walks forward, along where it faces, without turning.
    const start = await pose();
    const box = (await (await tp.$(".touch-stick"))!.boundingBox())!;
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const walk = await tp.touchscreen.touchStart(centre.x, centre.y);
    for (let i = 1; i <= 4; i++) await walk.move(centre.x, centre.y - i * 12);
    await tp.waitForFunction((from) => Math.hypot(window.__proximity!.cameraPose().x - from.x, window.__proximity!.cameraPose().z - from.z) > 1, { timeout: 60_000 }, start);
    await screenshot(tp, "touch-stick");
    await walk.end();
    const walked = await pose();
    const moved = { x: walked.x - start.x, z: walked.z - start.z };
    const forward = moved.x * Math.sin(start.yaw) + moved.z * Math.cos(start.yaw);
    const sideways = moved.x * Math.cos(start.yaw) - moved.z * Math.sin(start.yaw);
    expect(forward).toBeGreaterThan(0.9);
    expect(Math.abs(sideways)).toBeLessThan(0.25 * forward);
    expect(walked.yaw).toBeCloseTo(start.yaw, 5);

    // Drag a finger across the hall: the view turns (the finger grabs the world, so dragging left turns right).
    const drag = { x: Math.round(tp.viewport()!.width * 0.6), y: Math.round(tp.viewport()!.height * 0.75) };
    const look = await tp.touchscreen.touchStart(drag.x, drag.y);
    for (let i = 1; i <= 6; i++) await look.move(drag.x - i * 25, drag.y);
    await look.end();
    await tp.waitForFunction((yaw) => window.__proximity!.cameraPose().yaw > yaw + 0.1, { timeout: 30_000 }, walked.yaw);
    const turned = await pose();
    expect(Math.hypot(turned.x - walked.x, turned.z - walked.z)).toBeLessThan(0.2);
    expect(touch.errors).toEqual([]);
  }, 420_000);
});
