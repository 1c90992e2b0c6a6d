import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { hostnameFor, loadCatalog, planDeployment, RandomSourceError, type CatalogApp } from "./index.ts";

const STARTER = fileURLToPath(new URL("../../../assets/catalog/", import.meta.url));
let apps: Map<string, CatalogApp>;

beforeAll(async () => {
  apps = new Map((await loadCatalog(STARTER)).apps.map((app) => [app.id, app]));
});

function app(id: string): CatalogApp {
  const found = apps.get(id);
  if (found === undefined) throw new Error(`The starter catalog has no ${id}`);
  return found;
}

describe("planDeployment", () => {
  it("uses the app's minimums, its id as hostname, and substitutes generated secrets", () => {
    const influx = app("influxdb");
    const result = planDeployment(influx, {}, randomBytes);
    if (!result.ok) throw new Error(result.refusal.message);
    const { plan } = result;
    expect(plan).toMatchObject({ hostname: "influxdb", ...influx.minimums, imageReference: "docker.io/library/influxdb:2.7.11", port: 8086 });
    expect(plan.secrets.map((secret) => secret.name)).toEqual(["admin_password", "admin_token"]);
    const [password, token] = plan.secrets;
    expect(password?.value).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(token?.value).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(plan.env.DOCKER_INFLUXDB_INIT_PASSWORD).toBe(password?.value);
    expect(plan.env.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toBe(token?.value);
    expect(plan.env.DOCKER_INFLUXDB_INIT_ORG).toBe("home");
    expect(JSON.stringify(plan.env)).not.toContain("${secret:");
  });

  it("generates different secrets for every deployment", () => {
    const values = Array.from({ length: 20 }, () => {
      const result = planDeployment(app("postgresql"), {}, randomBytes);
      return result.ok ? result.plan.env.POSTGRES_PASSWORD : result.refusal.message;
    });
    expect(new Set(values).size).toBe(values.length);
  });

  it("draws secrets from the random source it is given, without bias-prone bytes", () => {
    const counting = (n: number) => Buffer.from(Array.from({ length: n }, (_, index) => (index % 2 === 0 ? 255 : index % 256)));
    const first = planDeployment(app("postgresql"), {}, counting);
    const second = planDeployment(app("postgresql"), {}, counting);
    expect(first.ok && first.plan.secrets).toEqual(second.ok && second.plan.secrets);
    expect(() => planDeployment(app("postgresql"), {}, (n) => Buffer.alloc(n, 255))).toThrow(RandomSourceError);
  });

  it("honours the user's name and sizes", () => {
    const result = planDeployment(app("uptime-kuma"), { name: "status-page", cores: 4, memoryMiB: 2048, diskGiB: 20 }, randomBytes);
    expect(result).toEqual({
      ok: true,
      plan: expect.objectContaining({ hostname: "status-page", cores: 4, memoryMiB: 2048, diskGiB: 20, secrets: [], env: {} }),
    });
  });

  it("carries the entrypoint of apps that set one", () => {
    const result = planDeployment(app("mosquitto"), {}, randomBytes);
    expect(result.ok && result.plan.entrypoint).toBe("/docker-entrypoint.sh /usr/sbin/mosquitto -c /mosquitto-no-auth.conf");
  });

  it("refuses a choice below the app's minimums and says which", () => {
    const jellyfin = app("jellyfin");
    const result = planDeployment(jellyfin, { cores: 1, memoryMiB: 512, diskGiB: jellyfin.minimums.diskGiB }, randomBytes);
    expect(result).toEqual({
      ok: false,
      refusal: {
        code: "below_minimum",
        message: expect.stringContaining("Jellyfin needs at least 2 cores"),
        fields: { cores: "Jellyfin needs at least 2 cores; 1 was chosen", memoryMiB: "Jellyfin needs at least 2048 MiB; 512 was chosen" },
      },
    });
  });

  it("refuses a malformed choice, naming each field", () => {
    const result = planDeployment(app("nginx"), { name: "Not A Label", cores: 1.5, extra: true }, randomBytes);
    expect(result.ok).toBe(false);
    expect(result.ok ? {} : result.refusal).toMatchObject({ code: "invalid_choice", fields: { name: expect.any(String), cores: expect.any(String), extra: expect.any(String) } });
  });

  it("refuses apps that need the compose route", () => {
    const result = planDeployment(app("nextcloud"), {}, randomBytes);
    expect(result).toEqual({ ok: false, refusal: { code: "compose_route", message: expect.stringMatching(/^Nextcloud needs Docker compose .*runs 3 services/) } });
  });
});

describe("hostnameFor", () => {
  it.each([
    ["uptime-kuma", "uptime-kuma"],
    ["static_site", "static-site"],
    ["__x__", "x"],
    ["_", "app"],
    [`a${"-b".repeat(40)}`, `a${"-b".repeat(31)}`],
  ])("%s becomes %s", (id, hostname) => {
    expect(hostnameFor(id)).toBe(hostname);
    expect(hostname).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
  });
});

describe("planDeployment's contract", () => {
  it("throws on an app that did not come from the loader", () => {
    const forged = { ...app("postgresql"), env: { POSTGRES_PASSWORD: "${secret:undeclared}" } };
    expect(() => planDeployment(forged, {}, randomBytes)).toThrow(/secret/);
  });
});
