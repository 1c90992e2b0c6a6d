import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirmationFor } from "../../shared/src/commands.ts";
import { guestKey } from "../../shared/src/protocol.ts";
import { run } from "../support/commands.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { eventually, launchChromium, openHall, screenshot, searchFor, type HallPage } from "./chromium.ts";

/**
 * Guest management end to end, as an admin in the browser: deploy from the catalog terminal in the hall, clone from
 * the in-world panel, back up then restore over, and migrate by dragging a caddy onto another host. The simulator
 * behind the real server is the source of truth for every outcome.
 */
describe("guest operations in a browser", () => {
  let proximity: TestProximity;
  let hall: HallPage;
  let page: Page;
  const closers: Array<() => Promise<void>> = [];

  const guests = () => proximity.sim.model.listGuests();
  const openSheet = (id: string) => page.waitForSelector(`dialog[data-testid=${id}][open]`, { timeout: 30_000 });
  /** Opens the guest's panel through the HUD search and clicks one of its management buttons. */
  const panelOperation = async (vmid: number, operation: string) => {
    const key = guestKey(proximity.clusterId, vmid);
    await searchFor(page, String(vmid));
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, key);
    await page.waitForFunction((op) => window.__proximity!.panelOperationPosition(op) !== null, { timeout: 30_000 }, operation);
    const at = await page.evaluate((op) => window.__proximity!.panelOperationPosition(op), operation);
    if (operation === "clone") await screenshot(page, "guest-panel-operations");
    await page.mouse.click(at!.x, at!.y);
    await openSheet("guest-ops");
  };
  /** What the user sees of the outcome (banner and operations log), for failure messages. */
  const visible = () => page.evaluate(() => `banner: "${document.querySelector("[data-testid=banner]")?.textContent ?? ""}", log: "${document.querySelector(".oplog")?.textContent ?? ""}"`);
  /** Waits for the operations log to show an operation matching `pattern` as ended, and expects it to have succeeded. */
  const succeeded = async (pattern: string) => {
    const entry = await page.waitForFunction(
      (p) => {
        const li = [...document.querySelectorAll(".oplog li[data-state=succeeded], .oplog li[data-state=failed]")].find((el) => new RegExp(p, "i").test(el.textContent ?? ""));
        return li ? { state: li.getAttribute("data-state"), text: li.textContent } : null;
      },
      { timeout: 90_000 },
      pattern,
    );
    const { state, text } = (await entry.jsonValue())!;
    expect(`${state}: ${text}`).toMatch(/^succeeded: /);
  };

  beforeAll(async () => {
    proximity = await startProximity({ simulator: { nodes: 3, guests: 18 } });
    const chromium = await launchChromium(1024, 640);
    closers.push(chromium.close);
    hall = await openHall(chromium.browser as Browser, proximity.httpUrl, { name: "admin", password: TEST_PASSWORD });
    page = hall.page;
  }, 240_000);

  beforeEach(async () => {
    // A sheet left open by a failed test would block the next one.
    await page.evaluate(() => document.querySelectorAll("dialog[open]").forEach((d) => (d as HTMLDialogElement).close()));
  });

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await proximity?.stop();
  });

  it("deploys an app from the catalog terminal and shows its secrets once", async () => {
    const catalog = (await (await proximity.api("/api/catalog")).json()) as { apps: Array<{ id: string; name: string; route: string; secrets: unknown[] }> };
    const app = catalog.apps.find((a) => a.route === "oci" && a.secrets.length > 0);
    expect(app).toBeDefined();
    const terminal = await page.evaluate(() => window.__proximity!.terminalScreenPosition());
    expect(terminal).not.toBeNull();
    await screenshot(page, "catalog-terminal");
    await page.mouse.click(terminal!.x, terminal!.y);
    await openSheet("catalog");
    await page.type("[data-testid=catalog-search]", app!.name);
    // The catalog loads after the sheet opens.
    await page.waitForSelector(`[data-testid=catalog-app-${app!.id}]`, { timeout: 30_000 });
    await page.click(`[data-testid=catalog-app-${app!.id}]`);
    await page.waitForFunction(() => /Runs on \S+/.test(document.querySelector("[data-testid=deploy-placement]")?.textContent ?? ""), { timeout: 30_000 });
    const name = `${app!.id}-e2e`.slice(0, 40);
    await page.$eval("[data-testid=deploy-name]", (el, v) => ((el as HTMLInputElement).value = v), name);
    await screenshot(page, "catalog-deploy");
    await page.click("[data-testid=deploy-submit]");

    await eventually(() => guests().some((g) => g.name === name), `${name} to be created in the simulator`, 90_000).catch(async (error: Error) => {
      throw new Error(`${error.message} (${await visible()})`);
    });
    const created = guests().find((g) => g.name === name)!;
    await page.waitForFunction((k) => window.__proximity!.guestKeys().includes(k), { timeout: 60_000 }, guestKey(proximity.clusterId, created.vmid));
    await openSheet("secrets");
    await page.waitForSelector("[data-testid=secrets-done], [data-testid=secrets-status][data-tone=error]", { timeout: 60_000 });
    await screenshot(page, "deploy-secrets");
    expect(await page.$("[data-testid=secrets-done]")).not.toBeNull();
    expect((await page.$$("[data-testid=secret] code")).length).toBe(app!.secrets.length);
    await page.click("[data-testid=secrets-done]");
    expect(hall.errors).toEqual([]);
  }, 240_000);

  it("clones a guest from its in-world panel", async () => {
    const source = guests().find((g) => !g.template && g.status === "stopped")!;
    await panelOperation(source.vmid, "clone");
    await page.$eval("[data-testid=clone-name]", (el) => ((el as HTMLInputElement).value = "clone-e2e"));
    await screenshot(page, "clone-sheet");
    await page.click("[data-testid=clone-submit]");
    await eventually(() => guests().some((g) => g.name === "clone-e2e"), "the clone to exist in the simulator", 90_000);
    const clone = guests().find((g) => g.name === "clone-e2e")!;
    await page.waitForFunction((k) => window.__proximity!.guestKeys().includes(k), { timeout: 60_000 }, guestKey(proximity.clusterId, clone.vmid));
    await succeeded("clone");
    expect(hall.errors).toEqual([]);
  }, 180_000);

  it("backs a stopped guest up, then restores that backup over it after confirmation", async () => {
    const guest = guests().find((g) => !g.template && g.status === "stopped" && g.name !== "clone-e2e")!;
    await panelOperation(guest.vmid, "backup");
    await page.click("[data-testid=backup-submit]");
    await succeeded("back");

    // The same sheet from the 2D guest list, by keyboard.
    await page.keyboard.press("Escape");
    await page.click("[data-testid=toggle-list]");
    await page.type(".list__filter", String(guest.vmid));
    await page.waitForSelector("[data-testid=list-op-backups]", { timeout: 30_000 });
    await page.focus("[data-testid=list-op-backups]");
    await page.keyboard.press("Enter");
    await openSheet("guest-ops");
    await page.waitForSelector("[data-testid=backups-list] [data-testid=backup-restore]", { timeout: 30_000 });
    await screenshot(page, "backups-list");
    await page.click("[data-testid=backups-list] [data-testid=backup-restore]");
    await page.waitForSelector("dialog.confirm[open]", { timeout: 30_000 });
    const question = await page.$eval("#confirm-message", (el) => el.textContent ?? "");
    expect(question).toContain(`${guest.name} (${guest.vmid})`);
    expect(question).toMatch(/replaced/);
    await page.click("[data-testid=confirm-accept]");
    await succeeded("restor");
    await page.keyboard.press("Escape");
    await page.click("[data-testid=toggle-list]");
    expect(hall.errors).toEqual([]);
  }, 240_000);

  it("finds a deleted guest's backup under its storage, restores it as new, and deletes it after confirmation", async () => {
    const guest = guests().findLast((g) => !g.template && g.status === "stopped" && !g.lock)!;
    const target = { cluster: proximity.clusterId, vmid: guest.vmid };
    expect((await run(proximity, "guest.backup", target)).state).toBe("succeeded");
    expect((await run(proximity, "guest.delete", { ...target, confirmName: guest.name })).state).toBe("succeeded");
    const backup = proximity.sim.model.listVolumes({ node: guest.node }).find((v) => v.vmid === guest.vmid && v.content === "backup")!;

    await page.click("[data-testid=open-storage-backups]");
    await openSheet("storage-backups");
    await page.waitForSelector(`[data-testid=storage-backups-storage] option[value="${guest.node}/${backup.storage}"]`, { timeout: 30_000 });
    await page.select("[data-testid=storage-backups-storage]", `${guest.node}/${backup.storage}`);
    const row = `[data-testid=storage-backups-list] tr[data-volid="${backup.volid}"]`;
    await page.waitForSelector(row, { timeout: 30_000 });
    expect(await page.$eval(row, (el) => el.textContent ?? "")).toContain(`${guest.vmid} (deleted)`);
    await screenshot(page, "storage-backups");

    await page.click(`${row} [data-testid=storage-backup-restore-new]`);
    await succeeded(`Restore ${backup.volid}`);
    // The list reloads once the restore has ended.
    await page.waitForFunction(() => document.querySelector("[data-testid=storage-backups-status]")?.textContent === "Done.", { timeout: 30_000 });
    await page.waitForSelector(row, { timeout: 30_000 });
    await page.click(`${row} [data-testid=storage-backup-delete]`);
    await page.waitForSelector("dialog.confirm[open]", { timeout: 30_000 });
    const question = await page.$eval("#confirm-message", (el) => el.textContent ?? "");
    expect(question).toBe(confirmationFor("backup.delete", { name: `guest ${guest.vmid}`, vmid: guest.vmid, type: guest.type, node: guest.node }, { ...target, volid: backup.volid }));
    await page.click("[data-testid=confirm-accept]");
    await succeeded(`Delete backup ${backup.volid}`);
    await eventually(() => !proximity.sim.model.listVolumes({ node: guest.node }).some((v) => v.volid === backup.volid), "the backup gone from the simulator");
    expect(hall.errors).toEqual([]);
  }, 240_000);

  it("migrates a guest by dragging its caddy onto another host, after the shared confirmation", async () => {
    const guest = guests().find((g) => !g.template && g.status === "running" && g.type === "qemu") ?? guests().find((g) => !g.template && g.status === "running")!;
    const key = guestKey(proximity.clusterId, guest.vmid);
    await searchFor(page, String(guest.vmid));
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, key);
    await page.keyboard.press("Escape");
    await page.waitForFunction(() => window.__proximity!.openPanelKey === null, { timeout: 30_000 });

    const targets = proximity.sim.model.listNodes().filter((n) => n.name !== guest.node && n.online);
    const positions = await page.evaluate(
      (keys) => keys.map((k) => ({ key: k, at: window.__proximity!.hostScreenPosition(k) })),
      targets.map((n) => `${proximity.clusterId}/${n.name}`),
    );
    const target = positions.find((p) => p.at !== null);
    expect(target).toBeDefined();
    const node = target!.key.split("/")[1]!;
    const from = (await page.evaluate((k) => window.__proximity!.screenPositionOf(k), key))!;
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    const to = target!.at!;
    for (let i = 1; i <= 8; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 8, from.y + ((to.y - from.y) * i) / 8);
    await screenshot(page, "migrate-drag");
    await page.mouse.up();

    await page.waitForSelector("dialog.confirm[open]", { timeout: 30_000 });
    const expected = confirmationFor("guest.migrate", { name: guest.name, vmid: guest.vmid, type: guest.type, node: guest.node }, { cluster: proximity.clusterId, vmid: guest.vmid, node });
    expect(await page.$eval("#confirm-message", (el) => el.textContent)).toBe(expected);
    await page.click("[data-testid=confirm-accept]");
    await eventually(() => proximity.sim.model.getGuest(guest.vmid)?.node === node, `${guest.vmid} to move to ${node}`, 90_000);
    await succeeded("migrat");
    await screenshot(page, "migrated");
    expect(hall.errors).toEqual([]);
  }, 240_000);

  it("adds a backup schedule that lists its next runs, and checks a cluster's certificate before trusting it", async () => {
    await page.click("[data-testid=open-schedules]");
    await openSheet("schedules");
    await page.type("[data-testid=schedules] input[type=number][min='100']", "101");
    await page.click("[data-testid=schedule-add]");
    await page.waitForSelector("[data-testid=schedules-list] tbody tr", { timeout: 30_000 });
    expect(await page.$eval("[data-testid=schedules-list]", (t) => t.textContent)).toMatch(/Guest 101.*0 3 \* \* \*/s);
    await screenshot(page, "schedules");
    await page.click("[data-testid=schedules-close]");

    await page.click("[data-testid=open-clusters]");
    await openSheet("clusters");
    await page.waitForSelector("[data-testid=clusters-list] [data-cluster=lab]", { timeout: 30_000 });
    await page.type("[data-testid=cluster-id]", "second");
    await page.type("[data-testid=cluster-name]", "Second lab");
    await page.type("[data-testid=cluster-url]", proximity.sim.url);
    await page.type("[data-testid=cluster-token-id]", "proximity@pve!wrong");
    await page.type("[data-testid=cluster-secret]", "not-the-secret");
    await page.click("[data-testid=cluster-probe]");
    await page.waitForSelector("[data-testid=cluster-fingerprint]", { timeout: 30_000 });
    expect(await page.$eval("[data-testid=cluster-fingerprint]", (el) => el.textContent)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i);
    await page.click("[data-testid=cluster-save]");
    // The server tests the token before saving: a wrong one is refused with its reason, and nothing is added.
    await page.waitForFunction(() => /^Not added: /.test(document.querySelector("[data-testid=cluster-add-status]")?.textContent ?? ""), { timeout: 30_000 });
    await screenshot(page, "clusters");
    expect(await page.$("[data-testid=clusters-list] [data-cluster=second]")).toBeNull();
    expect(hall.errors).toEqual([]);
  }, 120_000);
});
