import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const FP = Array.from({ length: 32 }, () => "AB").join(":");

describe("loadConfig", () => {
  it("defaults to the demo on embedded Postgres, bound to loopback", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 2567,
      host: "127.0.0.1",
      database: { kind: "pglite", dataDir: "./data" },
      demo: { nodes: 3, guests: 24 },
      cluster: null,
      syncIntervalMs: 2000,
      transport: "ws",
    });
  });

  it("uses real Postgres and a real cluster when configured, and no demo", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://u@db:5432/prox",
      PVE_URL: "https://pve.example:8006/",
      PVE_TOKEN_ID: "proximity@pve!sync",
      PVE_TOKEN_SECRET: "s3cret",
      PVE_FINGERPRINT: FP,
      SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(config.secretKey).toEqual(Buffer.alloc(32, 1));
    expect(config.database).toEqual({ kind: "postgres", url: "postgresql://u@db:5432/prox" });
    expect(config.demo).toBeNull();
    expect(config.cluster).toMatchObject({
      id: "pve",
      url: "https://pve.example:8006",
      auth: { kind: "token", tokenId: "proximity@pve!sync", secret: "s3cret" },
      fingerprint: FP,
      insecure: false,
    });
  });

  it("names every bad variable with its value, but never a secret's", () => {
    const attempt = () =>
      loadConfig({ PORT: "http", SYNC_INTERVAL_MS: "5", PVE_URL: "https://x", PVE_TOKEN_ID: "a@b!c", PVE_TOKEN_SECRET: "leak".repeat(80), TRANSPORT: "tcp" });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT="http"');
      expect(message).toContain('SYNC_INTERVAL_MS="5"');
      expect(message).toContain('TRANSPORT="tcp"');
      expect(message).toContain("PVE_TOKEN_SECRET=(hidden)");
      expect(message).not.toContain("leak");
    }
  });

  it("refuses a real cluster without a SECRET_KEY to encrypt its credentials, or with a malformed one", () => {
    const real = { PVE_URL: "https://pve:8006", PVE_TOKEN_ID: "a@b!c", PVE_TOKEN_SECRET: "s", PVE_FINGERPRINT: FP };
    expect(() => loadConfig(real)).toThrow(/SECRET_KEY is not set.*openssl rand -base64 32/);
    expect(() => loadConfig({ ...real, SECRET_KEY: "too-short" })).toThrow(/SECRET_KEY=\(hidden\): expected 32 bytes/);
    expect(loadConfig({ ...real, SECRET_KEY: "ab".repeat(32) }).secretKey).toEqual(Buffer.alloc(32, 0xab));
  });

  it("refuses a real cluster without credentials or without TLS verification", () => {
    expect(() => loadConfig({ PVE_URL: "https://pve:8006", PVE_FINGERPRINT: FP })).toThrow(/no credentials/);
    expect(() => loadConfig({ PVE_URL: "https://pve:8006", PVE_USER: "root@pam", PVE_PASSWORD: "x" })).toThrow(/PVE_FINGERPRINT/);
    const insecure = { PVE_URL: "https://pve:8006", PVE_USER: "root@pam", PVE_PASSWORD: "x", PVE_INSECURE: "true", SECRET_KEY: "ab".repeat(32) };
    expect(loadConfig(insecure).cluster?.insecure).toBe(true);
    expect(() => loadConfig({ PVE_TOKEN_ID: "a@b!c" })).toThrow(/PVE_URL is not/);
  });
});
