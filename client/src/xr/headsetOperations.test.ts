import { describe, expect, it } from "vitest";
import { headsetOperation } from "./headsetOperations.ts";

describe("management operations in the headset", () => {
  it("runs a backup, which needs no answers", () => {
    expect(headsetOperation("backup")).toEqual({ kind: "backup" });
  });

  it("names the others and the way back to their forms", () => {
    for (const [operation, label] of [["clone", "Clone"], ["backups", "Backups"], ["delete", "Delete"], ["migrate", "Migrate"]] as const) {
      const result = headsetOperation(operation);
      expect(result.kind).toBe("notice");
      if (result.kind === "notice") expect(result.text).toMatch(new RegExp(`^${label} opens a form on the desktop screen: .*Exit VR`));
    }
  });
});
