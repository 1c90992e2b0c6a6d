import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestKey } from "../../shared/src/protocol.ts";
import { ledColor } from "../../client/src/scene/ledColors.ts";
import { commandDeck } from "../../client/src/theme.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { canvasVariance, eventually, launchChromium, openHall, screenshot, type HallPage } from "./chromium.ts";

/**
 * The client end to end: the built client served by the real server, fed by the simulator through Postgres and the
 * world room, driven in headless Chromium like a user would (search, click, confirm), and watched from a second
 * browser. Run after `vite build` (npm test does).
 */
describe("the data hall in a browser", () => {
  let proximity: TestProximity;
  const closers: Array<() => Promise<void>> = [];
  let operator: HallPage;
  let observer: HallPage;
  let target: { key: string; vmid: number; name: string };

  beforeAll(async () => {
    proximity = await startProximity();
    const a = await launchChromium();
    const b = await launchChromium(800, 500);
    closers.push(a.close, b.close);
    [operator, observer] = await Promise.all([
      openHall(a.browser as Browser, proximity.httpUrl, { name: "operator", password: TEST_PASSWORD }),
      openHall(b.browser as Browser, proximity.httpUrl, { name: "viewer", password: TEST_PASSWORD }),
    ]);
    const running = proximity.sim.model.listGuests().find((g) => g.status === "running" && !g.template && !g.lock);
    if (!running) throw new Error("the simulator has no running guest to stop");
    target = { key: guestKey(proximity.clusterId, running.vmid), vmid: running.vmid, name: running.name };
  }, 120_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await proximity?.stop();
  });

  it("renders a lit, non-blank hall from the live room state, fetching nothing from the network", async () => {
    const { page } = operator;
    for (const h of [operator, observer]) await h.page.evaluate(() => { (window as any).__frames = 0; (window as any).__dbg.hall.scene.onAfterRenderObservable.add(() => (window as any).__frames++); });
    const t1 = Date.now();
    await new Promise((r) => setTimeout(r, 5000));
    for (const h of [operator, observer]) console.log("FRAMES", await h.page.evaluate(() => (window as any).__frames), Date.now() - t1, await h.page.evaluate(() => JSON.stringify({ ready: (window as any).__dbg.hall.scene.isReady(), anim: (window as any).__dbg.view.hasAnimatedLeds, active: (window as any).__dbg.controller.isActive })));
    let t2 = Date.now();
    const count = await page.evaluate(() => window.__proximity!.guestCount);
    console.log("T count", Date.now() - t2); t2 = Date.now();
    await canvasVariance(page); console.log("T variance", Date.now() - t2); t2 = Date.now();
    await screenshot(page, "x"); console.log("T shot", Date.now() - t2); t2 = Date.now();
    await page.evaluate(() => 1); console.log("T eval", Date.now() - t2); t2 = Date.now();
    expect(count).toBe(proximity.sim.model.listGuests().length);
    expect(await canvasVariance(page)).toBeGreaterThan(60);
    expect(await page.evaluate(() => window.__proximity!.drawCalls())).toBeLessThan(150);
    const hall = await screenshot(page, "hall");
    mkdirSync("docs/screenshots", { recursive: true });
    copyFileSync(hall, "docs/screenshots/hall.png");
    expect(operator.foreignRequests).toEqual([]);
    expect(operator.errors).toEqual([]);
  }, 60_000);

  it("finds a running guest by VMID, glides to it, and opens its panel when it is clicked", async () => {
    const { page } = operator;
    await page.click("[data-testid=search]");
    await page.keyboard.type(String(target.vmid));
    await page.keyboard.press("Enter");
    await page.waitForFunction((key) => window.__proximity!.openPanelKey === key, { timeout: 15_000 }, target.key);
    // Close the panel, then select the guest by clicking its drive caddy in the scene.
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => window.__proximity!.openPanelKey === null, { timeout: 5_000 });
    const at = await page.evaluate((key) => window.__proximity!.screenPositionOf(key), target.key);
    expect(at).not.toBeNull();
    await page.mouse.click(at!.x, at!.y);
    await page.waitForFunction((key) => window.__proximity!.openPanelKey === key, { timeout: 10_000 }, target.key);
    expect(await page.evaluate(() => window.__proximity!.selectedKey)).toBe(target.key);
    expect(await page.evaluate((key) => window.__proximity!.ledStateOf(key), target.key)).toBe("running");
    await screenshot(page, "guest-panel");
  }, 60_000);

  it("stops the guest after confirmation: the simulator reports it stopped and its LED changes in both browsers", async () => {
    const { page } = operator;
    const t0 = Date.now(); const step = (n: string) => console.log("STEP", n, Date.now() - t0);
    const green = ledColor("running", 0, commandDeck);
    const before = await observer.page.evaluate((key) => window.__proximity!.ledColorOf(key), target.key);
    expect(before!.slice(0, 3).map((v) => Math.round(v * 1000))).toEqual(green.map((v) => Math.round(v * 1000)));

    const button = await page.evaluate(() => window.__proximity!.panelActionPosition("guest.stop"));
    expect(button).not.toBeNull();
    step("button " + JSON.stringify(button));
    await page.mouse.click(button!.x, button!.y);
    await page.waitForSelector("dialog[open]", { timeout: 5_000 });
    step("dialog");
    expect(await page.$eval("dialog[open]", (d) => d.textContent)).toContain(target.name);
    step("text");
    await screenshot(page, "confirm-stop");
    step("shot");
    await page.click("[data-testid=confirm-accept]");
    step("accepted");

    await eventually(() => proximity.sim.model.getGuest(target.vmid)?.status === "stopped", `VM ${target.vmid} to stop in the simulator`);
    step("sim stopped");
    for (const hall of [operator, observer]) {
      step("wait page");
      await hall.page.waitForFunction((key) => window.__proximity!.ledStateOf(key) === "stopped", { timeout: 20_000 }, target.key);
    }
    const dim = ledColor("stopped", 0, commandDeck).map((v) => Math.round(v * 1000));
    for (const hall of [operator, observer]) {
      const color = await hall.page.evaluate((key) => window.__proximity!.ledColorOf(key), target.key);
      expect(color!.slice(0, 3).map((v) => Math.round(v * 1000))).toEqual(dim);
    }
    await screenshot(page, "guest-stopped");
    await screenshot(observer.page, "observer-sees-stop");
    expect(operator.errors).toEqual([]);
    expect(observer.errors).toEqual([]);
  }, 90_000);
});
