import fc from "fast-check";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CatalogApp, loadCatalog } from "./index.ts";

const HUGE = "x".repeat(300 * 1024);
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(HUGE, "a".repeat(5000), "", "latest", "nginx:latest", "${secret:nope}", "\u0000\u001f", -1, 0, 1.5, 1e308, null, [], {}),
);
const image = fc.oneof(fc.constantFrom("nginx:1.27.3", "nginx:latest", "nginx", "ghcr.io/a/b:1.0", "Bad Name:1", `x@sha256:${"0".repeat(64)}`), fc.string());
const goodService = fc.record(
  {
    image: fc.constantFrom("nginx:1.27.3", "ghcr.io/a/b:1.0", "registry.local:5000/team/app:2024.1"),
    environment: fc.dictionary(fc.stringMatching(/^\w{1,8}$/), fc.oneof(fc.stringMatching(/^[ -~]{0,12}$/), fc.constant("${secret:pw}"))),
    ports: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }),
  },
  { requiredKeys: ["image"] },
);
const wildService = fc.record(
  {
    image,
    environment: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.constant("${secret:pw}"), junk)), fc.array(fc.string())),
    command: fc.oneof(fc.string(), fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 })),
    entrypoint: fc.oneof(fc.string(), fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 })),
    ports: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 12 }), fc.record({ target: fc.integer() })), { maxLength: 2 }),
    volumes: fc.array(fc.oneof(fc.string(), fc.constant("/var/run/docker.sock:/var/run/docker.sock"))),
    privileged: fc.boolean(),
  },
  { requiredKeys: [] },
);
const validApp = fc.record({
  id: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
  name: fc.string({ minLength: 1, maxLength: 30 }),
  version: fc.constantFrom("1.0.0", "latest"),
  description: fc.string({ minLength: 1, maxLength: 60 }),
  category: fc.constantFrom("Media", "Database"),
  docker_compose: fc.record({ services: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), goodService, { minKeys: 1, maxKeys: 2 }) }),
  min_memory: fc.integer({ min: 0, max: 65536 }),
  min_cpu: fc.integer({ min: 1, max: 64 }),
  "x-proximity": fc.constant({ secrets: [{ name: "pw", length: 20, description: "A password" }] }),
});
const wildCompose = fc.record({ services: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.oneof(goodService, wildService), { maxKeys: 3 }) });
const mutatedApp = fc.tuple(validApp, fc.dictionary(fc.constantFrom("id", "name", "min_cpu", "min_disk", "ports", "environment", "docker_compose", "tags", "icon", "x-proximity", "extra"), fc.oneof(junk, wildCompose), { maxKeys: 3 }))
  .map(([app, overrides]) => ({ ...app, ...overrides }));

type Content = { kind: "text"; text: string } | { kind: "json"; value: unknown };
const content: fc.Arbitrary<Content> = fc.oneof(
  fc.string().map((text) => ({ kind: "text" as const, text })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: "json" as const, value })),
  validApp.map((value) => ({ kind: "json" as const, value })),
  mutatedApp.map((value) => ({ kind: "json" as const, value })),
);
// Names as weird as Linux allows: any grapheme but "/" and NUL, with or without the .json suffix.
const fileName = fc
  .tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }), fc.constantFrom(".json", ".json", ".JSON", ""))
  .map(([stem, suffix]) => stem + suffix)
  .filter((name) => !/[/\0]/.test(name) && name !== "." && name !== ".." && Buffer.byteLength(name) < 200);
const files = fc.uniqueArray(fc.tuple(fileName, content), { selector: ([name]) => name, minLength: 1, maxLength: 6 });

describe("loadCatalog under fuzzing", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "catalog-fuzz-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("never throws, accounts for every file, and only returns valid apps", async () => {
    let run = 0;
    let loaded = 0;
    await fc.assert(
      fc.asyncProperty(files, async (entries) => {
        const dir = await writeCatalog(join(root, `v2-${run++}`), entries);
        const catalog = await loadCatalog(dir);
        const read = (await readdir(dir)).filter((name) => name.endsWith(".json") && !name.startsWith("."));
        loaded += catalog.apps.length;
        const failed = new Set(catalog.problems.filter((problem) => problem.severity === "error").map((problem) => problem.file));

        expect(catalog.format).toBe(read.includes("index.json") ? "v1" : "v2");
        for (const app of catalog.apps) expect(CatalogApp.is(app), JSON.stringify(app)).toBe(true);
        for (const problem of catalog.problems) expect(problem.message.length).toBeLessThanOrEqual(241);
        if (catalog.format === "v2") {
          // Each file either gives one app or at least one error, never both and never neither.
          expect(catalog.apps.length + failed.size).toBe(read.length);
          for (const [name, body] of entries) {
            const broken = body.kind === "text" || typeof body.value !== "object" || body.value === null || Array.isArray(body.value);
            if (broken && read.includes(name)) expect(failed.has(name), name).toBe(true);
          }
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
    // The generators must reach the success path too, or the property says nothing about it.
    expect(loaded).toBeGreaterThan(100);
  });

  it("never throws on a v1 index listing good, bad and absent files", async () => {
    let run = 0;
    const index = fc.oneof(junk, fc.record({ apps: fc.array(fc.oneof(fileName, junk), { maxLength: 8 }) }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(files, index, fc.boolean(), async (entries, indexBody, listAll) => {
        const listed = listAll ? { apps: entries.map(([name]) => name) } : indexBody;
        const dir = await writeCatalog(join(root, `v1-${run++}`), [...entries.filter(([name]) => name !== "index.json"), ["index.json", { kind: "json", value: listed }]]);
        const catalog = await loadCatalog(dir);
        expect(catalog.format).toBe("v1");
        for (const app of catalog.apps) expect(CatalogApp.is(app), JSON.stringify(app)).toBe(true);
        const indexIsList = typeof listed === "object" && listed !== null && !Array.isArray(listed) && Array.isArray((listed as { apps?: unknown }).apps);
        if (!indexIsList) expect(catalog.problems.some((problem) => problem.file === "index.json" && problem.severity === "error")).toBe(true);
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});

async function writeCatalog(dir: string, entries: [string, Content][]): Promise<string> {
  await mkdir(dir);
  for (const [name, body] of entries) {
    await writeFile(join(dir, name), body.kind === "text" ? body.text : (JSON.stringify(body.value) ?? "undefined"));
  }
  return dir;
}
