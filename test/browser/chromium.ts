import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
// Brings in the window.__proximity declaration.
import type {} from "../../client/src/app/debugHook.ts";

export const SCREENSHOT_DIR = "test-artifacts/screenshots";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface HallPage {
  page: Page;
  /** Requests that left the server's origin (the client must fetch nothing from the network). */
  foreignRequests: string[];
  /** Uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

/** Headless Chromium with software WebGL, as on CI (flags from the project's working rules). */
export async function launchChromium(width = 1280, height = 720): Promise<{ browser: Browser; close(): Promise<void> }> {
  const userDataDir = mkdtempSync(join(tmpdir(), "proximity-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    args: [
      "--headless=new",
      "--no-sandbox",
      "--use-angle=swiftshader",
      "--enable-unsafe-swiftshader",
      "--autoplay-policy=no-user-gesture-required",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      `--window-size=${width},${height}`,
    ],
    defaultViewport: { width, height },
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens the hall, signs in through the sign-in form, and waits until the first frame of live state is drawn.
 * `prepare` runs on the new page before it loads (to install an emulated headset, say).
 */
export async function openHall(browser: Browser, httpUrl: string, user: { name: string; password: string }, prepare?: (page: Page) => Promise<void>): Promise<HallPage> {
  const page = await browser.newPage();
  await prepare?.(page);
  const origin = new URL(httpUrl).origin;
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) foreignRequests.push(url);
  });
  page.on("pageerror", (error) => errors.push(error instanceof Error ? error.message : String(error)));
  // The client builds the hall before it asks who you are: on a loaded machine that takes a minute.
  await page.goto(httpUrl, { timeout: 120_000 });
  await page.waitForSelector("[data-testid=signin-user]", { timeout: 120_000 });
  await page.type("[data-testid=signin-user]", user.name);
  await page.type("[data-testid=signin-password]", user.password);
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.__proximity?.ready === true, { timeout: 120_000 });
  return { page, foreignRequests, errors, close: () => page.close() };
}

/** Types a query into the HUD search box (replacing what is there) and picks the first match with Enter. */
export async function searchFor(page: Page, query: string): Promise<void> {
  await page.click("[data-testid=search]");
  await page.keyboard.down("Control");
  await page.keyboard.press("KeyA");
  await page.keyboard.up("Control");
  await page.keyboard.type(query);
  await page.keyboard.press("Enter");
}

/** The hall canvas scaled down to `width` pixels across: its RGBA bytes, four per pixel. */
export async function canvasPixels(page: Page, width = 320): Promise<Uint8Array> {
  const base64 = await page.evaluate((w) => {
    const source = document.getElementById("hall") as HTMLCanvasElement;
    const copy = document.createElement("canvas");
    copy.width = w;
    copy.height = Math.round((w * source.height) / source.width);
    const ctx = copy.getContext("2d")!;
    ctx.drawImage(source, 0, 0, copy.width, copy.height);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    let binary = "";
    for (let i = 0; i < data.length; i++) binary += String.fromCharCode(data[i]!);
    return btoa(binary);
  }, width);
  return new Uint8Array(Buffer.from(base64, "base64"));
}

/** Relative luminance (0..255) of each pixel. */
export function luminances(rgba: Uint8Array): number[] {
  const values: number[] = [];
  for (let i = 0; i < rgba.length; i += 4) values.push(0.2126 * rgba[i]! + 0.7152 * rgba[i + 1]! + 0.0722 * rgba[i + 2]!);
  return values;
}

/** Variance of the canvas's luminance: near zero for a blank or flat canvas. */
export async function canvasVariance(page: Page): Promise<number> {
  const values = luminances(await canvasPixels(page));
  const mean = values.reduce((sum, y) => sum + y, 0) / values.length;
  return values.reduce((sum, y) => sum + y * y, 0) / values.length - mean * mean;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // Without captureBeyondViewport the page is not resized for the capture (a resize would re-render the hall).
  await page.screenshot({ path, captureBeyondViewport: false });
  return path;
}

/** Resolves when `check` holds, re-checking every `intervalMs`; for state outside the page (the simulator). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
