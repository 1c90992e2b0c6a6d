import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestKey } from "../../shared/src/protocol.ts";
// Brings in the window.__together declaration.
import type {} from "../../client/src/presence/debugHook.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { eventually, launchChromium, openHall, screenshot, searchFor, type HallPage } from "./chromium.ts";

/**
 * Two people in one hall, each in their own browser: they see each other's avatars and selections, an operator's
 * proposal is approved by the admin on the object itself and runs, and the sound settings survive a reload.
 * Run after `vite build` (npm test does).
 */
describe("together in the hall", () => {
  let proximity: TestProximity;
  const closers: Array<() => Promise<void>> = [];
  let operator: HallPage;
  let admin: HallPage;
  let target: { key: string; vmid: number; name: string; node: string };
  let neighbour: { key: string; vmid: number };

  beforeAll(async () => {
    proximity = await startProximity({ simulator: { nodes: 3, guests: 24 } });
    const a = await launchChromium(960, 600);
    const b = await launchChromium(960, 600);
    closers.push(a.close, b.close);
    [operator, admin] = await Promise.all([
      openHall(a.browser as Browser, proximity.httpUrl, { name: "operator", password: TEST_PASSWORD }),
      openHall(b.browser as Browser, proximity.httpUrl, { name: "admin", password: TEST_PASSWORD }),
    ]);
    const guests = proximity.sim.model.listGuests().filter((g) => !g.template && !g.lock);
    const running = guests.find((g) => g.status === "running" && g.type === "qemu")!;
    const beside = guests.find((g) => g.node === running.node && g.vmid !== running.vmid)!;
    target = { key: guestKey(proximity.clusterId, running.vmid), vmid: running.vmid, name: running.name, node: running.node };
    neighbour = { key: guestKey(proximity.clusterId, beside.vmid), vmid: beside.vmid };
  }, 240_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await proximity?.stop();
  });

  it("each sees the other's avatar with a name tag, and what the other has selected", async () => {
    await searchFor(operator.page, String(target.vmid));
    await operator.page.waitForFunction((key) => window.__proximity!.selectedKey === key, { timeout: 60_000 }, target.key);
    // The admin stays where everyone arrives, looking along the row, and picks the guest beside the operator's.
    const at = await admin.page.evaluate((key) => window.__proximity!.screenPositionOf(key), neighbour.key);
    expect(at).not.toBeNull();
    await admin.page.mouse.click(at!.x, at!.y);
    await admin.page.waitForFunction((key) => window.__proximity!.selectedKey === key, { timeout: 60_000 }, neighbour.key);

    await admin.page.waitForFunction(
      (key) => window.__together!.snapshot().avatars.some((a) => a.name === "operator" && a.selection === key),
      { timeout: 30_000 },
      target.key,
    );
    await operator.page.waitForFunction(
      (key) => window.__together!.snapshot().avatars.some((a) => a.name === "admin" && a.selection === key),
      { timeout: 30_000 },
      neighbour.key,
    );
    const people = await admin.page.$$eval("[data-testid=people] li", (items) => items.map((li) => li.textContent));
    expect(people).toEqual([expect.stringContaining("admin (you)"), expect.stringContaining("operator")]);

    await screenshot(admin.page, "together-admin-view");
    await screenshot(operator.page, "together-operator-view");
    expect([...operator.errors, ...admin.errors]).toEqual([]);
  }, 180_000);

  it("an operator proposes a migration; the admin approves it on the object and it runs", async () => {
    const { page } = operator;
    await page.waitForSelector("[data-testid=propose]:not([hidden])", { timeout: 30_000 });
    await page.select("[data-testid=propose-command]", "guest.migrate");
    const destination = await page.$eval("[data-testid=propose] select[data-field=node]", (s) => (s as HTMLSelectElement).value);
    expect(destination).not.toBe(target.node);
    await page.click("[data-testid=propose-send]");

    await admin.page.waitForSelector(`.proposal-tag:not([hidden])`, { timeout: 60_000 });
    const tag = await admin.page.$eval(".proposal-tag:not([hidden])", (el) => el.textContent);
    expect(tag).toContain(`Migrate ${target.name} (${target.vmid}) → ${destination}`);
    expect(tag).toContain("by operator");
    await page.waitForSelector(".proposal-tag", { timeout: 30_000 });
    expect(await page.$eval(".proposal-tag", (el) => el.querySelector("[data-action=approve]"))).toBeNull();
    await screenshot(admin.page, "together-proposal-on-object");

    await admin.page.click(".proposal-tag:not([hidden]) [data-action=approve]");
    await eventually(() => proximity.sim.model.getGuest(target.vmid)?.node === destination, `guest ${target.vmid} to migrate to ${destination}`, 60_000);
    await admin.page.waitForFunction(() => document.querySelectorAll(".proposal-tag").length === 0, { timeout: 30_000 });
    expect([...operator.errors, ...admin.errors]).toEqual([]);
  }, 180_000);

  it("a ping is seen by the other; following walks you behind them until you walk yourself", async () => {
    const pingsBefore = await admin.page.evaluate(() => window.__together!.snapshot().pings);
    await operator.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await operator.page.keyboard.press("KeyP");
    await admin.page.waitForFunction((n) => window.__together!.snapshot().pings > n, { timeout: 30_000 }, pingsBefore);

    const operatorAt = () => admin.page.evaluate(() => window.__together!.snapshot().avatars.find((a) => a.name === "operator")!);
    const adminAt = () => operator.page.evaluate(() => window.__together!.snapshot().avatars.find((a) => a.name === "admin")!);
    await admin.page.click("[data-testid=people] li:not(:first-child) button");
    await admin.page.waitForFunction(() => window.__together!.snapshot().following !== null, { timeout: 10_000 });
    await eventually(async () => {
      const [leader, follower] = await Promise.all([operatorAt(), adminAt()]);
      return Math.hypot(leader.x - follower.x, leader.z - follower.z) < 2;
    }, "the admin to walk up behind the operator", 30_000, 250);
    await screenshot(admin.page, "together-following");
    await admin.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await admin.page.keyboard.press("KeyA");
    await admin.page.waitForFunction(() => window.__together!.snapshot().following === null, { timeout: 10_000 });
    expect([...operator.errors, ...admin.errors]).toEqual([]);
  }, 120_000);

  it("after a reload: the same place, mute and volume remembered, and the old avatar gone within seconds", async () => {
    const { page } = operator;
    const operatorAvatars = () => admin.page.evaluate(() => window.__together!.snapshot().avatars.filter((a) => a.name === "operator"));
    const [before] = await operatorAvatars();
    await page.click("[data-testid=mute]");
    await page.$eval("[data-testid=volume]", (input) => {
      (input as HTMLInputElement).value = "0.3";
      input.dispatchEvent(new Event("input"));
    });
    expect(await page.$eval("[data-testid=mute]", (b) => b.getAttribute("aria-pressed"))).toBe("true");
    // Let the place be remembered (it is saved about once a second).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await page.reload();
    await page.waitForFunction(() => window.__proximity?.ready === true, { timeout: 120_000 });
    expect(await page.$eval("[data-testid=mute]", (b) => b.getAttribute("aria-pressed"))).toBe("true");
    expect(await page.$eval("[data-testid=volume]", (input) => (input as HTMLInputElement).value)).toBe("0.3");

    // The reloaded page is a new session: its avatar stands where the old one stood, and the old one leaves.
    await eventually(async () => {
      const avatars = await operatorAvatars();
      return avatars.length === 1 && avatars[0]!.connected && Math.hypot(avatars[0]!.x - before!.x, avatars[0]!.z - before!.z) < 0.2;
    }, "one operator avatar, back in its place", 30_000, 250);
    expect(operator.errors).toEqual([]);
  }, 180_000);
});
