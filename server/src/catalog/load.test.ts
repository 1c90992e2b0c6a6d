import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog, type CatalogProblem } from "./index.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function appFile(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    name: `App ${id}`,
    version: "1.0.0",
    description: "Test app",
    category: "Utilities",
    docker_compose: { services: { web: { image: `ghcr.io/example/${id}:1.0.0` } } },
    min_memory: 256,
    min_cpu: 1,
    ...overrides,
  });
}

function only(problems: CatalogProblem[], file: string): CatalogProblem[] {
  return problems.filter((problem) => problem.file === file);
}

describe("loadCatalog with the v1 layout", () => {
  it("reads the files index.json lists and normalises them", async () => {
    const catalog = await loadCatalog(join(FIXTURES, "v1"));
    expect(catalog.format).toBe("v1");
    expect(catalog.problems).toEqual([]);
    expect(catalog.apps.map((app) => app.id)).toEqual(["whoami", "static_site"]);
    const [whoami, site] = catalog.apps;
    expect(whoami).toMatchObject({
      route: "oci",
      image: { reference: "docker.io/traefik/whoami:v1.10.3" },
      env: { WHOAMI_NAME: "proximity" },
      port: 80,
      // min_memory 64 is raised to the floor; min_disk 1 is kept.
      minimums: { cores: 1, memoryMiB: 128, diskGiB: 1 },
      tags: ["debug", "http"],
    });
    expect(site).toMatchObject({
      image: { reference: "docker.io/library/nginx:1.27.3" },
      env: { NGINX_ENTRYPOINT_QUIET_LOGS: "1" },
      port: 80,
      minimums: { diskGiB: 8 },
    });
  });
});

describe("loadCatalog with a folder of files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "catalog-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports each kind of bad entry with its file and field, and loads the good ones", async () => {
    const { format, apps, problems } = await loadCatalog(join(FIXTURES, "broken"));
    expect(format).toBe("v2");
    expect(apps.map((app) => app.id)).toEqual(["good-app", "hardcoded-password"]);
    expect(apps[0]?.image?.reference).toBe("ghcr.io/example/good:1.0.0");

    expect(only(problems, "bad-json.json")).toEqual([{ file: "bad-json.json", field: "", message: expect.stringMatching(/^Invalid JSON/), severity: "error" }]);
    expect(only(problems, "missing-field.json")).toEqual([expect.objectContaining({ field: "name", severity: "error" })]);
    expect(only(problems, "wrong-type.json")).toEqual([expect.objectContaining({ field: "min_cpu", severity: "error" })]);
    expect(only(problems, "latest-tag.json")).toEqual([
      expect.objectContaining({ field: "docker_compose.services.web.image", message: expect.stringContaining('floating tag "latest"'), severity: "error" }),
    ]);
    expect(only(problems, "duplicate-id.json")).toEqual([
      expect.objectContaining({ field: "id", message: expect.stringContaining("1-good.json"), severity: "error" }),
    ]);
    expect(only(problems, "undeclared-secret.json")).toEqual([
      expect.objectContaining({ field: "docker_compose.services.db.environment.POSTGRES_PASSWORD", message: expect.stringContaining('"db_password"'), severity: "error" }),
    ]);
    expect(only(problems, "hardcoded-password.json").map(({ field, severity }) => ({ field, severity }))).toEqual([
      { field: "homepage_url", severity: "warning" },
      { field: "docker_compose.services.db.environment.POSTGRES_PASSWORD", severity: "warning" },
    ]);
    expect(only(problems, "1-good.json")).toEqual([]);
  });

  it("reports a file over the size cap, a non-object and a folder posing as a file", async () => {
    await writeFile(join(dir, "huge.json"), appFile("huge", { description: "x".repeat(300 * 1024) }));
    await writeFile(join(dir, "list.json"), "[1, 2, 3]");
    await mkdir(join(dir, "folder.json"));
    await writeFile(join(dir, "ok.json"), appFile("ok"));
    await writeFile(join(dir, "notes.txt"), "not a catalog file");
    const { apps, problems } = await loadCatalog(dir);
    expect(apps.map((app) => app.id)).toEqual(["ok"]);
    expect(problems).toEqual([
      { file: "folder.json", field: "", message: "Not a regular file", severity: "error" },
      { file: "huge.json", field: "", message: "The file is larger than 256 KiB", severity: "error" },
      { file: "list.json", field: "", message: "Expected a JSON object at the top level", severity: "error" },
    ]);
  });

  it("reads no more than the app cap and says so", async () => {
    const names = ["a", "b", "c", "d"];
    await Promise.all(names.map((name) => writeFile(join(dir, `${name}.json`), appFile(name))));
    await writeFile(join(dir, "index.json"), JSON.stringify({ apps: names.map((name) => `${name}.json`) }));
    const v1 = await loadCatalog(dir, 3);
    expect(v1.apps.map((app) => app.id)).toEqual(["a", "b", "c"]);
    expect(v1.problems).toEqual([{ file: "d.json", field: "", message: "The catalog holds 4 app files; only the first 3 are read", severity: "error" }]);
    await rm(join(dir, "index.json"));
    const v2 = await loadCatalog(dir, 2);
    expect(v2.apps.map((app) => app.id)).toEqual(["a", "b"]);
    expect(v2.problems).toEqual([{ file: "c.json", field: "", message: "The catalog holds 4 app files; only the first 2 are read", severity: "error" }]);
  });

  it("reports a missing folder instead of throwing", async () => {
    const catalog = await loadCatalog(join(dir, "absent"));
    expect(catalog.apps).toEqual([]);
    expect(catalog.problems).toEqual([{ file: "", field: "", message: "Cannot read the catalog folder: ENOENT", severity: "error" }]);
  });

  it("reports bad, repeated, missing and unlisted entries of a v1 index", async () => {
    await writeFile(join(dir, "index.json"), JSON.stringify({ apps: ["a.json", 7, "../etc.json", "a.json", "gone.json"] }));
    await writeFile(join(dir, "a.json"), appFile("a"));
    await writeFile(join(dir, "stray.json"), appFile("stray"));
    const { format, apps, problems } = await loadCatalog(dir);
    expect(format).toBe("v1");
    expect(apps.map((app) => app.id)).toEqual(["a"]);
    expect(problems.map(({ file, field, severity }) => ({ file, field, severity }))).toEqual([
      { file: "index.json", field: "apps.1", severity: "error" },
      { file: "index.json", field: "apps.2", severity: "error" },
      { file: "index.json", field: "apps.3", severity: "warning" },
      { file: "stray.json", field: "", severity: "warning" },
      { file: "gone.json", field: "", severity: "error" },
    ]);
  });

  it("reports an index.json without an app list", async () => {
    await writeFile(join(dir, "index.json"), JSON.stringify({ version: "2.9.0" }));
    const { apps, problems } = await loadCatalog(dir);
    expect(apps).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ file: "index.json", field: "apps", severity: "error" })]);
  });

  it("routes apps the OCI path cannot run to compose, with the reason", async () => {
    const service = (extra: Record<string, unknown>) => ({ docker_compose: { services: { web: { image: "nginx:1.27.3", ...extra } } } });
    const cases: Record<string, [Record<string, unknown>, RegExp]> = {
      multi: [{ docker_compose: { services: { web: { image: "nginx:1.27.3" }, db: { image: "postgres:16.6" } } } }, /runs 2 services \(web, db\)/],
      socket: [service({ volumes: ["/var/run/docker.sock:/var/run/docker.sock"] }), /Docker socket/],
      privileged: [service({ privileged: true, devices: ["/dev/ttyUSB0"] }), /options privileged, devices/],
      command: [service({ command: ["serve"] }), /without naming its entrypoint/],
      spaces: [service({ entrypoint: ["sh", "-c", "echo hi"] }), /spaces or quotes/],
    };
    for (const [id, [overrides]] of Object.entries(cases)) await writeFile(join(dir, `${id}.json`), appFile(id, overrides));
    const { apps, problems } = await loadCatalog(dir);
    expect(problems).toEqual([]);
    for (const app of apps) {
      expect(app.route).toBe("compose");
      expect(app.image).toBeUndefined();
      expect(app.composeReason).toMatch(cases[app.id]?.[1] ?? /never/);
    }
    expect(apps).toHaveLength(Object.keys(cases).length);
  });

  it("builds the OCI command line from entrypoint and command, and lets the catalog environment win", async () => {
    await writeFile(
      join(dir, "oci.json"),
      appFile("oci", {
        environment: { MODE: "catalog" },
        docker_compose: { services: { web: { image: "registry.example.com:5000/team/web:2.1", entrypoint: "/bin/web", command: ["--port", "9000"], environment: { MODE: "service", LEVEL: 3 }, ports: [{ target: 9000 }] } } },
      }),
    );
    const { apps, problems } = await loadCatalog(dir);
    expect(problems).toEqual([]);
    expect(apps[0]).toMatchObject({
      route: "oci",
      image: { reference: "registry.example.com:5000/team/web:2.1" },
      entrypoint: "/bin/web --port 9000",
      env: { MODE: "catalog", LEVEL: "3" },
      port: 9000,
    });
  });
});
