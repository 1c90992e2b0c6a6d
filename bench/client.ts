/**
 * bench:client — what the hall costs in a browser at 1,000 and 10,000 guests on the same 50 hosts: time to the first
 * frame (first visit with sign-in, and a returning user opening a new tab, step by step), draw calls, frame time, JS
 * heap, and the size of the JS bundle. The host count is held fixed because rack rows (not guests) are what add draw
 * calls, so only a fixed hall shows whether guests do. Headless Chromium with software WebGL (SwiftShader), so frame
 * times are only meaningful relative to each other. Needs `npm run build:client` first.
 * See BENCHMARKS.md.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { matchMaker } from "@colyseus/core";
import type { Browser, Page } from "puppeteer-core";
import { launchChromium } from "../test/browser/chromium.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../test/support/proximity.ts";

const DIST = "dist-client";
const HOSTS = 50;
const SCENARIOS = [
  { guests: 1_000, nodes: HOSTS },
  { guests: 10_000, nodes: HOSTS },
] as const;
const SAMPLE_MS = 5_000;
const READY_TIMEOUT_MS = 300_000;
const LEAVE_TIMEOUT_MS = 10_000;
const TARGET = { drawCalls: 150, firstFrameMs: 3_000, bundleGzipBytes: 1_500_000 };

interface ScenarioResult {
  guests: number;
  nodes: number;
  guestCount: number;
  firstFrameMs: number;
  signInToFrameMs: number;
  /** A returning user (session remembered) opening the URL: navigation to first frame, with no sign-in page. */
  returningFirstFrameMs: number;
  /** The loading screen's steps on that returning visit, each with when it began (ms from navigation). */
  phases: Phase[];
  /** Main-thread time in shader compile and link calls from navigation to that first frame. */
  shaderBeforeFrameMs: number;
  /** Shader programs linked before that first frame. */
  programsBeforeFrame: number;
  drawCalls: number;
  frames: number;
  rafP50: number;
  rafP95: number;
  babylonFrameP50: number;
  heapUsedBytes: number;
  pageErrors: string[];
}

interface Phase {
  step: string;
  atMs: number;
  /** Main-thread time inside WebGL shader compile and link calls during this step (see SHADER_WAIT_PROBE). */
  shaderMs: number;
}

/**
 * Times the page's WebGL shader compile and link calls (the calls that wait for a compiled program) on the main
 * thread. SwiftShader offers no KHR_parallel_shader_compile, so there every compile holds the page's thread, while a
 * GPU browser with the extension compiles beside it and Babylon polls. A string, not a function: see the frame sampler.
 */
const SHADER_WAIT_PROBE = `(() => {
  const waits = [];
  Object.defineProperty(window, "__shaderWaits", { value: waits });
  for (const proto of [WebGL2RenderingContext.prototype, WebGLRenderingContext.prototype]) {
    for (const name of ["compileShader", "linkProgram", "getShaderParameter", "getProgramParameter"]) {
      const original = proto[name];
      proto[name] = function (...args) {
        const start = performance.now();
        try {
          return original.apply(this, args);
        } finally {
          waits.push([start, performance.now() - start, name === "linkProgram" ? 1 : 0]);
        }
      };
    }
  }
})()`;

const log = (line: string) => console.error(`[bench:client ${new Date().toISOString().slice(11, 19)}] ${line}`);

if (!existsSync(join(DIST, "index.html"))) {
  console.error(`${DIST}/index.html is missing: run \`npm run build:client\` first.`);
  process.exit(2);
}

// Everything that must be closed, newest first, so a failure or Ctrl-C still leaves no browser or server behind.
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(keep = 0): Promise<void> {
  while (cleanups.length > keep) await cleanups.pop()!().catch((error) => log(`clean-up failed: ${String(error)}`));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: closing the browser, stopping the server and the simulator`);
    void cleanUp().finally(() => process.exit(130));
  });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith(".js") ? [path] : [];
  });
}

/** Gzip (default level) of every JS file in the build, and of the entry chunk index.html loads. */
function bundleSizes(): { totalGzip: number; totalRaw: number; files: number; mainPath: string; mainGzip: number } {
  const files = jsFiles(DIST);
  let totalGzip = 0;
  let totalRaw = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    totalRaw += bytes.length;
    totalGzip += gzipSync(bytes).length;
  }
  const entry = /<script[^>]*type="module"[^>]*src="\/?([^"]+)"/.exec(readFileSync(join(DIST, "index.html"), "utf8"));
  if (!entry) throw new Error(`no module script in ${DIST}/index.html`);
  const mainPath = join(DIST, entry[1]!);
  return { totalGzip, totalRaw, files: files.length, mainPath, mainGzip: gzipSync(readFileSync(mainPath)).length };
}

/**
 * Closes the page and waits until the world room has seen its connection drop. Stopping the server while the page is
 * still connected makes WorldRoom.onDrop ask for a reconnection in a disposing room, whose rejection nobody handles,
 * and that ends this process.
 */
async function closePageAndAwaitLeave(page: Page): Promise<void> {
  await page.close();
  const deadline = Date.now() + LEAVE_TIMEOUT_MS;
  const connected = async () =>
    (await matchMaker.query({})).reduce((sum, room) => sum + (matchMaker.getLocalRoomById(room.roomId)?.clients.length ?? 0), 0);
  while ((await connected()) > 0) {
    if (Date.now() > deadline) throw new Error(`the world room still had a client ${LEAVE_TIMEOUT_MS} ms after the page closed`);
    await sleep(50);
  }
}

async function runScenario(browser: Browser, spec: { guests: number; nodes: number }): Promise<ScenarioResult> {
  const keep = cleanups.length;
  log(`starting simulator (${spec.nodes} nodes, ${spec.guests} guests), Postgres database and server`);
  // The server as deployed, not the test suite's fast one: the default 2 s sync interval and the simulator's 10 s
  // status refresh. The suite's 300 ms / 200 ms cycle keeps a 10,000-guest server busy on the cores the browser needs.
  const proximity: TestProximity = await startProximity({
    simulator: { nodes: spec.nodes, guests: spec.guests, statusRefreshMs: 10_000 },
    config: { syncIntervalMs: 2_000 },
  });
  cleanups.push(() => proximity.stop());
  const page = await browser.newPage();
  cleanups.push(() => closePageAndAwaitLeave(page));
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));

  log("opening the hall and signing in as operator");
  await page.goto(proximity.httpUrl);
  await page.waitForSelector("[data-testid=signin-user]", { timeout: 60_000 });
  await page.type("[data-testid=signin-user]", "operator");
  await page.type("[data-testid=signin-password]", TEST_PASSWORD);
  const submittedAt = await page.evaluate(() => performance.now());
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.__proximity?.ready === true, { timeout: READY_TIMEOUT_MS, polling: 100 });
  const { firstFrameMs, guestCount } = await page.evaluate(() => ({
    firstFrameMs: window.__proximity!.firstFrameMs!,
    guestCount: window.__proximity!.guestCount,
  }));
  log(`first frame at ${firstFrameMs} ms with ${guestCount} guests; sampling frames for ${SAMPLE_MS / 1000} s (idle)`);

  // Sampled inside the page so the benchmark's own round trips do not land in the frame times. A string, not a
  // function: tsx compiles functions with esbuild's keepNames, whose __name helper does not exist in the page.
  const sample = (await page.evaluate(`new Promise((resolve) => {
    const hook = window.__proximity;
    const deltas = [];
    const babylon = [];
    let maxDrawCalls = 0;
    requestAnimationFrame((first) => {
      let last = first;
      const step = (now) => {
        deltas.push(now - last);
        last = now;
        babylon.push(hook.frameTimeMs());
        maxDrawCalls = Math.max(maxDrawCalls, hook.drawCalls());
        if (now - first < ${SAMPLE_MS}) requestAnimationFrame(step);
        else resolve({ deltas, babylon, maxDrawCalls });
      };
      requestAnimationFrame(step);
    });
  })`)) as { deltas: number[]; babylon: number[]; maxDrawCalls: number };

  const cdp = await page.createCDPSession();
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();

  // A returning user opens the URL in a new tab: signed in already (the session is in localStorage), and the browser
  // has compiled the hall's shaders before (Chromium keeps compiled programs, as it does on disk between visits). Not
  // a reload: tearing down the first page's WebGL context in software took about 5 s before the new page even parsed.
  log("opening the URL in a new tab as a returning user (session remembered): navigation to first frame, no sign-in page");
  cleanups.pop();
  await closePageAndAwaitLeave(page);
  const tab = await browser.newPage();
  cleanups.push(() => closePageAndAwaitLeave(tab));
  tab.on("pageerror", (error) => pageErrors.push(error instanceof Error ? error.message : String(error)));
  await tab.evaluateOnNewDocument(SHADER_WAIT_PROBE);
  await tab.goto(proximity.httpUrl);
  await tab.waitForFunction(() => window.__proximity?.ready === true, { timeout: READY_TIMEOUT_MS, polling: 100 });
  const returning = await tab.evaluate(() => {
    const marks = performance
      .getEntriesByType("mark")
      .filter((m) => m.name.startsWith("loading: "))
      .map((m) => ({ step: m.name.slice("loading: ".length), atMs: m.startTime }));
    const waits = (window as unknown as { __shaderWaits: [number, number, number][] }).__shaderWaits;
    const firstFrameMs = window.__proximity!.firstFrameMs!;
    const phases = marks.map((mark, i) => {
      const end = marks[i + 1]?.atMs ?? firstFrameMs;
      const shaderMs = waits.filter(([at]) => at >= mark.atMs && at < end).reduce((sum, [, took]) => sum + took, 0);
      return { step: mark.step, atMs: Math.round(mark.atMs), shaderMs: Math.round(shaderMs) };
    });
    const beforeFrame = waits.filter(([at]) => at < firstFrameMs);
    const shaderBeforeFrameMs = Math.round(beforeFrame.reduce((sum, [, took]) => sum + took, 0));
    const programsBeforeFrame = beforeFrame.reduce((sum, [, , linked]) => sum + linked, 0);
    return { firstFrameMs, phases, shaderBeforeFrameMs, programsBeforeFrame };
  });
  log(`returning visit: first frame at ${returning.firstFrameMs} ms`);

  await cleanUp(keep);
  return {
    ...spec,
    guestCount,
    firstFrameMs,
    signInToFrameMs: Math.round(firstFrameMs - submittedAt),
    returningFirstFrameMs: returning.firstFrameMs,
    phases: returning.phases,
    shaderBeforeFrameMs: returning.shaderBeforeFrameMs,
    programsBeforeFrame: returning.programsBeforeFrame,
    drawCalls: sample.maxDrawCalls,
    frames: sample.deltas.length,
    rafP50: percentile(sample.deltas, 50),
    rafP95: percentile(sample.deltas, 95),
    babylonFrameP50: percentile(sample.babylon, 50),
    heapUsedBytes: heap.usedSize,
    pageErrors,
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const stepTimes = (phases: Phase[], endMs: number) =>
  phases.map((p, i) => `${p.step} @${p.atMs} (${(phases[i + 1]?.atMs ?? endMs) - p.atMs}${p.shaderMs > 0 ? `, shaders ${p.shaderMs}` : ""})`).join(" → ");
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

let failed = false;
const results: ScenarioResult[] = [];
let chromiumVersion = "unknown";
let webglRenderer = "unknown";
let parallelCompile = false;
try {
  const chromium = await launchChromium();
  cleanups.push(chromium.close);
  chromiumVersion = await chromium.browser.version();
  const probe = await chromium.browser.newPage();
  [webglRenderer, parallelCompile] = await probe.evaluate(() => {
    const gl = document.createElement("canvas").getContext("webgl2");
    const info = gl?.getExtension("WEBGL_debug_renderer_info");
    return [gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "no WebGL2", gl?.getExtension("KHR_parallel_shader_compile") != null] as const;
  });
  await probe.close();
  for (const spec of SCENARIOS) {
    try {
      const result = await runScenario(chromium.browser, spec);
      results.push(result);
    } catch (error) {
      failed = true;
      log(`${spec.guests} guests FAILED: ${error instanceof Error ? error.stack : String(error)}`);
      // Drop this scenario's server and page but keep the browser (the first clean-up) for the next scenario.
      await cleanUp(1);
    }
  }
} finally {
  await cleanUp();
}

const bundle = bundleSizes();
const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
const conditions = [
  `date:       ${new Date().toISOString()}`,
  `machine:    ${os.availableParallelism()} cores, ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  `node:       ${process.version}`,
  `browser:    ${chromiumVersion}, headless, 1280×720, software WebGL via SwiftShader (${webglRenderer})`,
  `gpu:        ${webglRenderer.includes("SwiftShader") ? "none used: every frame is rasterised in software on the CPU" : webglRenderer}`,
  `server:     in-process (simulator over HTTPS + Postgres + world room) on loopback, same 2 cores as the browser;\n               sync every 2 s (the server's default), simulator status refresh every 10 s`,
  `shaders:    KHR_parallel_shader_compile ${parallelCompile ? "offered: programs compile beside the page's thread" : "not offered: every shader compile holds the page's thread"}`,
  `frames:     ${SAMPLE_MS / 1000} s idle after the first frame; frames = rAF callbacks in that window; rAF = interval between them;\n               Babylon = its CPU frame-time counter (SwiftShader's rasterising runs in the GPU process, outside it)`,
];

const base = results.find((r) => r.guests === 1_000);
const header = ["guests", "nodes", "first frame (returning)", "first visit", "sign-in→frame", "draw calls", "frames", "rAF p50", "rAF p95", "p50 vs 1k", "Babylon p50", "JS heap"];
const rows = results.map((r) => [
  r.guestCount.toLocaleString("en-US"),
  String(r.nodes),
  `${r.returningFirstFrameMs} ms`,
  `${r.firstFrameMs} ms`,
  `${r.signInToFrameMs} ms`,
  String(r.drawCalls),
  String(r.frames),
  ms(r.rafP50),
  ms(r.rafP95),
  base ? `×${(r.rafP50 / base.rafP50).toFixed(2)}` : "n/a",
  ms(r.babylonFrameP50),
  mb(r.heapUsedBytes),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;

const big = results.find((r) => r.guests === 10_000);
const targets = [
  [
    `draw calls independent of guest count (same ${HOSTS} hosts, 1,000 vs 10,000 guests, must be equal)`,
    big && base ? `${base.drawCalls} → ${big.drawCalls}` : "not measured",
    big && base ? verdict(big.drawCalls === base.drawCalls) : "FAIL",
  ],
  [
    `draw calls < ${TARGET.drawCalls} at 10,000 guests`,
    big ? String(big.drawCalls) : "not measured",
    big ? verdict(big.drawCalls < TARGET.drawCalls) : "FAIL",
  ],
  [
    `first frame < ${TARGET.firstFrameMs / 1000} s at 10,000 guests (loopback; returning user, navigation to first frame)`,
    big ? `${big.returningFirstFrameMs} ms` : "not measured",
    big ? verdict(big.returningFirstFrameMs < TARGET.firstFrameMs) : "FAIL",
  ],
  [
    `JS bundle < ${mb(TARGET.bundleGzipBytes)} gzip`,
    `${mb(bundle.totalGzip)} (${bundle.files} files, ${mb(bundle.totalRaw)} raw; entry ${bundle.mainPath.replace(`${DIST}/`, "")} ${mb(bundle.mainGzip)})`,
    verdict(bundle.totalGzip < TARGET.bundleGzipBytes),
  ],
];

console.log(
  [
    "bench:client conditions",
    ...conditions.map((c) => `  ${c}`),
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
    "loading steps on the returning visit (ms from navigation when each began; the step's time is the gap to the next;",
    "shaders = main-thread ms inside WebGL shader compile and link calls during the step)",
    ...results.map((r) => `  ${r.guestCount.toLocaleString("en-US")} guests: ${stepTimes(r.phases, r.returningFirstFrameMs)}`),
    ...results.map((r) => `  ${r.guestCount.toLocaleString("en-US")} guests: ${r.shaderBeforeFrameMs} ms of the ${r.returningFirstFrameMs} ms to the first frame waited on shader compiles (${r.programsBeforeFrame} programs linked)`),
    "",
    "targets",
    ...targets.map(([what, value, v]) => `  ${v}  ${what}: ${value}`),
    ...results.filter((r) => r.pageErrors.length > 0).map((r) => `  page errors at ${r.guests} guests: ${r.pageErrors.slice(0, 3).join("; ")}`),
  ].join("\n"),
);
if (failed || results.length < SCENARIOS.length) process.exitCode = 1;
