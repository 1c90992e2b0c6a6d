import { describe, expect, it } from "vitest";
import { cloneRules, optionalText, resizeRules, validateCommand, wholeNumber } from "./commandForms.ts";

describe("command forms", () => {
  it("accepts a valid clone and returns the payload the server will check", () => {
    const result = validateCommand("guest.clone", { cluster: "lab", vmid: 101, name: "web-2", node: "pve2", full: true });
    expect(result).toEqual({ ok: true, payload: { cluster: "lab", vmid: 101, name: "web-2", node: "pve2", full: true } });
  });

  it("names the fields the shared struct rejects, in words", () => {
    const result = validateCommand("guest.clone", { cluster: "lab", vmid: 101, name: "-bad name", full: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.name).toMatch(/DNS name/);
    const snap = validateCommand("guest.snapshot", { cluster: "lab", vmid: 101, snapname: "1x" });
    expect(!snap.ok && snap.errors.snapname).toMatch(/letter first/);
    const deploy = validateCommand("app.deploy", { cluster: "lab", app: "nextcloud", cores: Number.NaN, memoryMiB: 32 });
    expect(!deploy.ok && Object.keys(deploy.errors).sort()).toEqual(["cores", "memoryMiB"]);
  });

  it("adds the form's own rules to the struct's", () => {
    const result = validateCommand("guest.resize", { cluster: "lab", vmid: 101, diskGiB: 8 }, resizeRules({ diskGiB: 8 }, 8));
    expect(!result.ok && result.errors.diskGiB).toMatch(/only grow/);
    expect(resizeRules({}, 8)).toEqual({ form: "Change at least one value." });
    expect(resizeRules({ diskGiB: 9, cores: 2 }, 8)).toEqual({});
    expect(cloneRules({ full: false }, false).full).toMatch(/template/);
    expect(cloneRules({ full: false }, true)).toEqual({});
  });

  it("reads number and text fields without guessing", () => {
    expect(wholeNumber("")).toBeUndefined();
    expect(wholeNumber(" 12 ")).toBe(12);
    expect(wholeNumber("1.5")).toBeNaN();
    expect(wholeNumber("12abc")).toBeNaN();
    expect(optionalText("  ")).toBeUndefined();
    expect(optionalText(" pbs ")).toBe("pbs");
  });
});
