import { describe, expect, it } from "vitest";
import { apiPath, assertApiPath, assertVmid, encodeParams } from "./params.ts";

describe("encodeParams", () => {
  it("sends booleans as 1/0, numbers as text and leaves out undefined", () => {
    expect(encodeParams({ force: true, skiplock: false, timeout: 30, note: "a b&c", gone: undefined })).toBe(
      "force=1&skiplock=0&timeout=30&note=a+b%26c",
    );
  });

  it("refuses NaN and Infinity", () => {
    expect(() => encodeParams({ timeout: Number.NaN })).toThrow(/timeout must be a finite number/);
  });
});

describe("apiPath", () => {
  it("encodes every interpolated value as one segment", () => {
    const upid = "UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam!ci:";
    expect(apiPath`/nodes/${"pve 1/../x"}/tasks/${upid}/status`).toBe(
      `/nodes/pve%201%2F..%2Fx/tasks/${encodeURIComponent(upid)}/status`,
    );
    expect(apiPath`/nodes/${"pve1"}/lxc/${100}/config`).toBe("/nodes/pve1/lxc/100/config");
  });

  it("refuses empty segments", () => {
    expect(() => apiPath`/nodes/${""}/status`).toThrow(/empty path segment/);
  });
});

describe("assertApiPath", () => {
  it.each(["/version", "/nodes/pve1/lxc/100/status/start", "/nodes/pve1/tasks/UPID%3Apve1%3A/status"])("accepts %s", (path) => {
    expect(() => assertApiPath(path)).not.toThrow();
  });

  it.each(["version", "/nodes/../access", "/nodes//x", "/version?x=1", "/version#a", "/a b", "/"])("rejects %j", (path) => {
    expect(() => assertApiPath(path)).toThrow(TypeError);
  });
});

describe("assertVmid", () => {
  it("accepts PVE's range only", () => {
    expect(() => assertVmid(100)).not.toThrow();
    expect(() => assertVmid(999_999_999)).not.toThrow();
    for (const bad of [99, 100.5, 1_000_000_000, Number.NaN]) expect(() => assertVmid(bad)).toThrow(TypeError);
  });
});
