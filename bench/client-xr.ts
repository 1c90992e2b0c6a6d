/**
 * bench:client-xr — what headset mode costs next to the desktop view, in the same page: the hall drawn continuously
 * on the desktop (walking), then in an emulated Meta Quest 3 (iwer: both eyes, controller rays). Headless Chromium
 * with software WebGL (SwiftShader), so only the ratio XR / desktop means anything here; the 11 ms budget must be
 * checked on a headset. Needs `npm run build:client` first. See BENCHMARKS.md.
 */
import os from "node:os";
import type { Browser, Page } from "puppeteer-core";
import { launchChromium } from "../test/browser/chromium.ts";
import { openHall } from "../test/browser/chromium.ts";
import { withHeadset } from "../test/browser/headset.ts";
import { startProximity, TEST_PASSWORD } from "../test/support/proximity.ts";

const ESTATE = { nodes: 10, guests: 180 } as const;
const SAMPLE_MS = 8_000;

interface Sample {
  frames: number;
  intervalP50: number;
  babylonP50: number;
}

const log = (line: string) => console.error(`[bench:client-xr ${new Date().toISOString().slice(11, 19)}] ${line}`);
const p50 = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]! : Number.NaN);

/** Frame intervals and Babylon's CPU frame time, sampled in the page; `counter` says how many frames were drawn. */
async function sample(page: Page, counter: string, frameTime: string): Promise<Sample> {
  // A string, not a function: tsx's keepNames helper does not exist in the page (see bench/client.ts).
  const result = (await page.evaluate(`new Promise((resolve) => {
    const times = [];
    const babylon = [];
    let last = ${counter};
    const started = performance.now();
    const poll = () => {
      const now = ${counter};
      if (now !== last) { times.push(performance.now()); babylon.push(${frameTime}); last = now; }
      if (performance.now() - started < ${SAMPLE_MS}) setTimeout(poll, 5);
      else resolve({ times, babylon });
    };
    poll();
  })`)) as { times: number[]; babylon: number[] };
  const intervals = result.times.slice(1).map((t, i) => t - result.times[i]!);
  return { frames: result.times.length, intervalP50: p50(intervals), babylonP50: p50(result.babylon) };
}

async function main(): Promise<void> {
  const proximity = await startProximity({ simulator: ESTATE });
  const chromium = await launchChromium();
  try {
    const hall = await openHall(chromium.browser as Browser, proximity.httpUrl, { name: "operator", password: TEST_PASSWORD }, withHeadset);
    const { page } = hall;
    await page.evaluate(`window.__benchFrames = 0; (function count() { window.__benchFrames++; requestAnimationFrame(count); })()`);

    log("desktop: walking (W held) so every frame is drawn");
    await page.focus("#hall");
    await page.keyboard.down("KeyW");
    const desktop = await sample(page, "window.__benchFrames", "window.__proximity.frameTimeMs()");
    await page.keyboard.up("KeyW");

    log("headset: entering VR with the emulated Quest 3");
    await page.$eval("[data-testid=enter-vr]", (button) => (button as HTMLButtonElement).click());
    await page.waitForFunction(`window.__proximityXr.state === "in-xr"`, { timeout: 120_000 });
    const headset = await sample(page, "window.__proximityXr.frames", "window.__proximityXr.frameTimeMs()");
    if (hall.errors.length) throw new Error(`page errors: ${hall.errors.join("; ")}`);

    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`bench:client-xr conditions
  date:       ${new Date().toISOString()}
  machine:    ${os.cpus().length} cores, ${cpu}, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, no GPU (SwiftShader)
  browser:    ${await chromium.browser.version()}, headless, 1280×720; headset: iwer 2.5.0 Meta Quest 3, stereo
  estate:     ${ESTATE.nodes} nodes, ${ESTATE.guests} guests (simulator), ${SAMPLE_MS / 1000} s per view

| view    | frames | interval p50 | Babylon p50 | vs desktop (interval) | vs desktop (Babylon) |
| ------- | ------ | ------------ | ----------- | --------------------- | -------------------- |
| desktop | ${desktop.frames} | ${ms(desktop.intervalP50)} | ${ms(desktop.babylonP50)} | ×1.00 | ×1.00 |
| headset | ${headset.frames} | ${ms(headset.intervalP50)} | ${ms(headset.babylonP50)} | ×${(headset.intervalP50 / desktop.intervalP50).toFixed(2)} | ×${(headset.babylonP50 / desktop.babylonP50).toFixed(2)} |`);
  } finally {
    await chromium.close().catch(() => undefined);
    await proximity.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
