import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guestKey } from "../../shared/src/protocol.ts";
import { insertOperation, markRunning } from "../../server/src/db/operations.ts";
import { runJanitor, STUCK_AFTER_MS } from "../../server/src/healing/janitor.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { launchChromium, openHall, screenshot, type HallPage } from "./chromium.ts";

/**
 * Trust made visible, as an admin in the browser: the janitor and the reconciler report in the HUD's self-healing
 * feed, a stale lock raises an alert that stays until the lock is gone (and leads to its guest), and the audit sheet
 * lists the sign-in and the operations the server recorded.
 */
describe("self-healing, alerts and the audit log in a browser", () => {
  let proximity: TestProximity;
  let hall: HallPage;
  let page: Page;
  const closers: Array<() => Promise<void>> = [];

  const feedText = () => page.$eval("[data-testid=events-feed]", (el) => el.textContent ?? "");
  /** Waits for a feed line of `kind` whose text matches `pattern`, and returns its text. */
  const feedLine = async (kind: "alert" | "maintenance", pattern: string) => {
    const line = await page
      .waitForFunction(
        (k, p) => [...document.querySelectorAll(`[data-testid=events-feed] li[data-kind=${k}]`)].find((li) => new RegExp(p).test(li.textContent ?? ""))?.textContent ?? null,
        { timeout: 60_000 },
        kind,
        pattern,
      )
      .catch(async (error: Error) => {
        throw new Error(`${error.message} (feed: "${await feedText().catch(() => "absent")}")`);
      });
    return (await line.jsonValue()) as string;
  };

  beforeAll(async () => {
    proximity = await startProximity({ simulator: { nodes: 3, guests: 18 } });
    const chromium = await launchChromium(1280, 720);
    closers.push(chromium.close);
    hall = await openHall(chromium.browser as Browser, proximity.httpUrl, { name: "admin", password: TEST_PASSWORD });
    page = hall.page;
  }, 240_000);

  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await proximity?.stop();
  });

  it("shows the janitor settling a stranded operation as a maintenance line", async () => {
    // An operation left "running" by a worker that died before it reached Proxmox.
    const guest = proximity.sim.model.listGuests().find((g) => g.status === "stopped" && !g.lock && !g.template)!;
    const op = (await insertOperation(
      proximity.server.db.sql,
      { id: randomUUID(), kind: "start", clusterId: proximity.clusterId, vmid: guest.vmid, node: guest.node, guestType: guest.type, requestedBy: "operator", params: {} },
      new Date(),
    ))!;
    await markRunning(proximity.server.db.sql, op.id, new Date());
    // Triggered now, the janitor finds nothing stuck yet (the operation is seconds old)...
    expect((await proximity.api("/api/healing/janitor", { method: "POST" })).status).toBe(202);
    // ...so it runs once more with its clock past the deadline, as the 6-hourly schedule eventually would.
    const later = { ...proximity.server.operations, now: () => new Date(Date.now() + STUCK_AFTER_MS + 60_000) };
    expect(await runJanitor(later)).toMatchObject({ checked: 1, failed: 1 });

    const line = await feedLine("maintenance", "Janitor.*[Cc]hecked 1 stuck operation");
    expect(line).toMatch(/Janitor.*1 failed/);
    expect(await page.$eval("[data-testid=events-feed] li[data-source=janitor] .events__glyph", (el) => el.getAttribute("aria-label"))).toBe("warning");
    expect(hall.errors).toEqual([]);
  }, 90_000);

  it("raises an alert for a guest locked with no task running, leads to it, and clears it when the lock is gone", async () => {
    const guest = proximity.sim.model.listGuests().find((g) => g.status === "running" && !g.lock && !g.template)!;
    const key = guestKey(proximity.clusterId, guest.vmid);
    proximity.sim.model.lockGuest(guest.vmid, "backup");
    proximity.sim.model.refreshStatusNow();
    expect((await proximity.api("/api/healing/reconciler", { method: "POST" })).status).toBe(202);

    const alert = await feedLine("alert", `${guest.name} \\(${guest.vmid}\\).*locked \\(backup\\)`);
    expect(alert).toContain(`unlock ${guest.vmid}`);
    await feedLine("maintenance", "Reconciler 1 cluster\\(s\\) checked.*1 new alert");
    expect(await page.$eval("[data-testid=alert-count]", (el) => el.textContent)).toBe("1 open alert");
    mkdirSync("docs/screenshots", { recursive: true });
    copyFileSync(await screenshot(page, "events-alert"), "docs/screenshots/self-healing.png");

    // "Go there" glides to the guest and opens its panel, like a search pick.
    await page.click(`[data-testid=events-feed] li[data-event="stale-lock:${key}"] [data-testid=event-go]`);
    await page.waitForFunction((k) => window.__proximity!.openPanelKey === k, { timeout: 60_000 }, key);
    await screenshot(page, "alert-beacon");

    // The alert stays through later self-healing runs until its condition is gone.
    proximity.sim.model.unlockGuest(guest.vmid);
    proximity.sim.model.refreshStatusNow();
    expect((await proximity.api("/api/healing/reconciler", { method: "POST" })).status).toBe(202);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=events-feed] li[data-kind=alert]").length === 0, { timeout: 60_000 });
    expect(await page.$eval("[data-testid=alert-count]", (el) => el.textContent)).toBe("");
    await feedLine("maintenance", "Reconciler .*1 cleared");
    expect(hall.errors).toEqual([]);
  }, 120_000);

  it("lists sign-ins and operations in the admin's audit sheet, filtered by target and actor", async () => {
    await page.keyboard.press("Escape");
    await page.click("[data-testid=open-audit]");
    await page.waitForSelector("dialog[data-testid=audit][open]", { timeout: 30_000 });
    await page.waitForSelector("[data-testid=audit-entry]", { timeout: 30_000 });
    const rows = () =>
      page.$$eval("[data-testid=audit-entry]", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    const all = await rows();
    // When, who, what, target, outcome, detail.
    expect(all).toContainEqual([expect.any(String), "admin", "sign-in", "user/admin", "succeeded", expect.stringContaining("ip: ")]);
    const stranded = all.find((r) => r[2] === "operation.start");
    expect(stranded).toEqual([expect.any(String), "operator", "operation.start", expect.stringMatching(/^lab\/\d+$/), "failed", expect.stringContaining("resolvedBy: janitor")]);

    await page.type("[data-testid=audit-target]", stranded![3]!);
    await page.waitForFunction((t) => [...document.querySelectorAll("[data-testid=audit-entry] td:nth-child(4)")].every((td) => td.textContent === t), { timeout: 10_000 }, stranded![3]!);
    expect((await rows()).length).toBeGreaterThan(0);
    await page.$eval("[data-testid=audit-target]", (el) => ((el as HTMLInputElement).value = ""));
    await page.type("[data-testid=audit-actor]", "ADMIN");
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=audit-entry] td:nth-child(2)")].every((td) => td.textContent === "admin"), { timeout: 10_000 });
    expect((await rows()).map((r) => r[2])).toContain("sign-in");

    // Refresh fetches entries recorded since the sheet opened: here a failed sign-in.
    const wrong = await fetch(`${proximity.httpUrl}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "admin", password: "not the password" }) });
    expect(wrong.status).toBe(401);
    await page.click("[data-testid=audit-refresh]");
    await page.waitForSelector("[data-testid=audit-entry][data-action=sign-in][data-outcome=failed]", { timeout: 10_000 });
    await page.$eval("[data-testid=audit-actor]", (el) => {
      (el as HTMLInputElement).value = "";
      el.dispatchEvent(new Event("input"));
    });
    await page.waitForSelector("[data-testid=audit-entry][data-action='operation.start']", { timeout: 10_000 });
    copyFileSync(await screenshot(page, "audit-sheet"), "docs/screenshots/audit.png");
    expect(hall.errors).toEqual([]);
  }, 60_000);
});
