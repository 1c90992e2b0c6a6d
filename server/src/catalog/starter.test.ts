import { readdir, readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCatalog, planDeployment } from "./index.ts";

const STARTER = fileURLToPath(new URL("../../../assets/catalog/", import.meta.url));

describe("the shipped starter catalog", () => {
  it("loads at least 20 apps with no problem at all", async () => {
    const catalog = await loadCatalog(STARTER);
    expect(catalog.problems).toEqual([]);
    expect(catalog.format).toBe("v2");
    expect(catalog.apps.length).toBeGreaterThanOrEqual(20);
    expect(catalog.apps.filter((app) => app.route === "oci").length).toBeGreaterThanOrEqual(20);
  });

  it("names each file after its app and keeps every password out of the files", async () => {
    const names = (await readdir(STARTER)).filter((name) => name.endsWith(".json"));
    for (const name of names) {
      const text = await readFile(join(STARTER, name), "utf8");
      expect(JSON.parse(text).id, name).toBe(name.replace(/\.json$/, ""));
      // Every credential-named variable in a file takes its value from a generated secret.
      for (const [, variable, value] of text.matchAll(/"(\w*(?:PASSWORD|PASS|TOKEN|SECRET\w*|KEY))": "([^"]*)"/g)) {
        expect(value, `${name} ${variable}`).toMatch(/^\$\{secret:[a-z_]+\}$/);
      }
    }
  });

  it("plans every single-image app at its minimums, and explains every compose app", async () => {
    const { apps } = await loadCatalog(STARTER);
    for (const app of apps) {
      const result = planDeployment(app, {}, randomBytes);
      if (app.route === "compose") {
        expect(result.ok ? "" : result.refusal.code, app.id).toBe("compose_route");
        expect(app.composeReason, app.id).toBeTruthy();
      } else {
        expect(result.ok && result.plan.imageReference, app.id).toBe(app.image?.reference);
        expect(app.port, app.id).toBeGreaterThan(0);
      }
    }
  });
});
