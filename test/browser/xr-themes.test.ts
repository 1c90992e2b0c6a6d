import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestKey } from "../../shared/src/protocol.ts";
import { followTask } from "../../server/src/proxmox/index.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { canvasPixels, eventually, launchChromium, luminances, openHall, screenshot, searchFor, type HallPage } from "./chromium.ts";
import { aim, lowerLeftHand, pressAt, pullTrigger, putOnHeadset, withHeadset, xrFrames } from "./headset.ts";

/** Mean luminance (0..255) of the hall canvas: a daylit hall is far brighter than the night-time command deck. */
async function canvasLuminance(page: Page): Promise<number> {
  const values = luminances(await canvasPixels(page, 160));
  return values.reduce((sum, y) => sum + y, 0) / values.length;
}

async function switchTheme(page: Page, name: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.select("[data-testid=theme-picker]", name)]);
  await page.waitForFunction(() => window.__proximity?.ready === true, { timeout: 120_000 });
}

/**
 * The three themes and headset mode with an emulated Quest 3, in one signed-in page: themes switch in the HUD, which
 * reloads the page, and come back from the user's stored choice; in VR a controller ray selects a guest and presses
 * Start on its panel, and the simulator starts it; then it takes a snapshot, adds a core, backs the guest up and finds
 * the backup on the Backups form, all from the headset.
 */
describe("headset mode and themes in a browser", () => {
  let proximity: TestProximity;
  let hall: HallPage;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    proximity = await startProximity({ simulator: { nodes: 6, guests: 60 } });
    const chromium = await launchChromium();
    closeBrowser = chromium.close;
    hall = await openHall(chromium.browser as Browser, proximity.httpUrl, { name: "operator", password: TEST_PASSWORD }, withHeadset);
  }, 240_000);

  afterAll(async () => {
    await closeBrowser?.().catch(() => undefined);
    await proximity?.stop();
  });

  it("switches among three themes in the HUD, each remembered for the user across a reload", async () => {
    const { page } = hall;
    mkdirSync("docs/screenshots", { recursive: true });
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("command-deck");
    const luminance: Record<string, number> = {};
    // Round the three skins and back to the default, which the headset test below then uses.
    for (const name of ["daylight", "retro-terminal", "command-deck"]) {
      await switchTheme(page, name);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(name);
      expect(await page.$eval("[data-testid=theme-picker]", (el) => (el as HTMLSelectElement).value)).toBe(name);
      expect(await page.evaluate(() => localStorage.getItem("proximity.theme.user.operator"))).toBe(name);
      luminance[name] = await canvasLuminance(page);
      copyFileSync(await screenshot(page, `theme-${name}`), `docs/screenshots/theme-${name}.png`);
    }
    // The 3D hall changed with the HUD: the daylit hall is much brighter than both dark skins.
    expect(luminance.daylight).toBeGreaterThan(luminance["command-deck"]! * 1.8);
    expect(luminance.daylight).toBeGreaterThan(luminance["retro-terminal"]! * 1.8);

    expect(hall.errors).toEqual([]);
    expect(hall.foreignRequests).toEqual([]);
  }, 300_000);

  it("enters VR with an emulated headset, selects a guest with a controller ray, starts it, and snapshots, resizes and backs it up in the world", async () => {
    const { page } = hall;
    const stopped = proximity.sim.model.listGuests().find((g) => g.status === "stopped" && !g.template && !g.lock);
    if (!stopped) throw new Error("the simulator has no stopped guest to start");
    const key = guestKey(proximity.clusterId, stopped.vmid);

    // Stand in front of the guest on the desktop, then put the headset on there.
    await searchFor(page, String(stopped.vmid));
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, key);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => window.__proximity!.openPanelKey === null, { timeout: 30_000 });

    await page.waitForFunction(() => window.__proximityXr?.state === "ready", { timeout: 30_000 });
    expect(await page.$eval("[data-testid=enter-vr]", (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await putOnHeadset(page);

    const [guest, facing] = await page.evaluate((k) => [window.__proximityXr!.guestPoint(k), window.__proximityXr!.guestFacing(k)] as const, key);
    // Hold the controller half a metre out in front of the drive and point at it.
    const atGuest = await aim(page, "right", { x: guest!.x, y: guest!.y, z: guest!.z + facing! * 0.5 }, guest!);
    for (const axis of ["x", "y", "z"] as const) expect(atGuest.got[axis]).toBeCloseTo(atGuest.wanted[axis], 2);
    await pullTrigger(page, "right");
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 30_000 }, key);

    await xrFrames(page, 3);
    const start = await page.evaluate(() => window.__proximityXr!.panelActionPoint("guest.start"));
    expect(start).not.toBeNull();
    await pressAt(page, "right", start!);
    await eventually(() => proximity.sim.model.getGuest(stopped.vmid)?.status === "running", `VM ${stopped.vmid} to start in the simulator`, 60_000);
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "running", { timeout: 60_000 }, key);

    // Management forms come up in the world as rows of buttons (no desktop sheet opens unseen). Snapshots: the list
    // loads, and "Take now" takes one named from the time.
    const openForm = async (operation: string, firstRow: string) => {
      await pressAt(page, "right", (await page.evaluate((o) => window.__proximityXr!.panelOperationPoint(o), operation))!);
      await page.waitForFunction((id) => window.__proximityXr!.formShown()?.rows[0]?.id === id && window.__proximityXr!.formShown()!.status === "", { timeout: 30_000 }, firstRow);
      expect(await page.evaluate(() => document.querySelector("dialog[open]"))).toBeNull();
      return (await page.evaluate(() => window.__proximityXr!.formShown()))!;
    };
    // Five snapshots taken elsewhere, with "Take now" above them, make six rows: two pages, turned and closed by ray.
    const client = proximity.server.operations.clusters.get(proximity.clusterId)!;
    const seeded = ["seeded-1", "seeded-2", "seeded-3", "seeded-4", "seeded-5"];
    for (const name of seeded) await followTask(client, await client.createSnapshot(stopped.node, stopped.type, stopped.vmid, name), { intervalMs: 50 });
    const paged = await openForm("snapshots", "new");
    expect([paged.page, paged.pages, paged.rows.length]).toEqual([0, 2, 5]);
    const turnPage = async (which: "previous" | "next", expected: number) => {
      await pressAt(page, "right", (await page.evaluate((w) => window.__proximityXr!.formFooterPoint(w), which))!);
      await page.waitForFunction((p) => window.__proximityXr!.formShown()?.page === p, { timeout: 30_000 }, expected);
      return (await page.evaluate(() => window.__proximityXr!.formShown()))!;
    };
    const second = await turnPage("next", 1);
    expect(second.rows).toHaveLength(1);
    expect(seeded.filter((name) => !paged.rows.some((r) => r.id === name))).toEqual(second.rows.map((r) => r.id));
    expect((await turnPage("previous", 0)).rows.map((r) => r.id)).toEqual(paged.rows.map((r) => r.id));
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.formFooterPoint("close")))!);
    await page.waitForFunction(() => window.__proximityXr!.formShown() === null, { timeout: 30_000 });

    const snapshots = await openForm("snapshots", "new");
    expect(snapshots.title).toBe(`Snapshots of ${stopped.name}`);
    const snapname = snapshots.rows[0]!.detail;
    expect(snapname).toMatch(/^vr-\d{8}-\d{6}$/);
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.formActionPoint("new", "take")))!);
    await page.waitForFunction(() => window.__proximityXr!.formShown() === null, { timeout: 30_000 });
    await eventually(() => proximity.sim.model.getGuest(stopped.vmid)?.snapshots.includes(snapname) === true, `snapshot ${snapname} of VM ${stopped.vmid} in the simulator`, 60_000);
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "running", { timeout: 60_000 }, key);

    // Resize: one change per button; a core more needs no confirmation.
    const cores = proximity.sim.model.getGuest(stopped.vmid)!.cores;
    const resize = await openForm("resize", "cores");
    expect(resize.rows.map((r) => [r.id, r.detail])).toContainEqual(["cores", `now ${cores} core${cores === 1 ? "" : "s"}`]);
    await lowerLeftHand(page);
    await xrFrames(page, 3);
    copyFileSync(await screenshot(page, "xr-form"), "docs/screenshots/xr-form.png");
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.formActionPoint("cores", "more")))!);
    await page.waitForFunction(() => window.__proximityXr!.formShown() === null, { timeout: 30_000 });
    await eventually(() => proximity.sim.model.getGuest(stopped.vmid)?.cores === cores + 1, `VM ${stopped.vmid} to have ${cores + 1} cores in the simulator`, 60_000);
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "running", { timeout: 60_000 }, key);

    // "Back up now" needs no answers: it runs from the headset, to the storage the server picks.
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.panelOperationPoint("backup")))!);
    await eventually(
      () => proximity.sim.model.listTasks().some((t) => t.type === "vzdump" && t.id === String(stopped.vmid) && t.exitstatus === "OK"),
      `a backup of VM ${stopped.vmid} in the simulator`,
      60_000,
    );
    await page.waitForFunction((k) => window.__proximity!.ledStateOf(k) === "running", { timeout: 60_000 }, key);

    // The Backups form lists it. This operator may restore it as a new guest; restoring over the guest and deleting the
    // backup need an admin, so those buttons are faint, and pressing one says why. The form stays up until VR ends.
    await pressAt(page, "right", (await page.evaluate(() => window.__proximityXr!.panelOperationPoint("backups")))!);
    await page.waitForFunction(() => (window.__proximityXr!.formShown()?.rows.length ?? 0) > 0 && window.__proximityXr!.formShown()!.status === "", { timeout: 30_000 });
    const [backup] = (await page.evaluate(() => window.__proximityXr!.formShown()))!.rows;
    expect(backup!.actions.map((a) => [a.id, a.usable])).toEqual([["restore-new", true], ["restore", false], ["delete", false]]);
    await pressAt(page, "right", (await page.evaluate((row) => window.__proximityXr!.formActionPoint(row, "restore"), backup!.id))!);
    await page.waitForFunction(() => /^Needs the admin role/.test(window.__proximityXr!.formShown()?.status ?? ""), { timeout: 30_000 });
    await lowerLeftHand(page);
    await xrFrames(page, 3);
    copyFileSync(await screenshot(page, "xr-headset"), "docs/screenshots/xr-headset.png");

    // The emulator draws over the page while presenting: press the HUD button directly, as on a desktop mirror.
    await page.$eval("[data-testid=enter-vr]", (button) => (button as HTMLButtonElement).click());
    await page.waitForFunction(() => window.__proximityXr!.state === "ready", { timeout: 30_000 });
    expect(await page.evaluate(() => window.__proximityXr!.formShown())).toBeNull();
    expect(hall.errors).toEqual([]);
    expect(hall.foreignRequests).toEqual([]);
  }, 300_000);
});
