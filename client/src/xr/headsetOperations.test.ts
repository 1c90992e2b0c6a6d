import { describe, expect, it } from "vitest";
import { headsetOperation } from "./headsetOperations.ts";

describe("management operations in the headset", () => {
  it("runs a backup, which needs no answers, and a delete, which needs only its confirmation", () => {
    expect(headsetOperation("backup")).toEqual({ kind: "send", command: "guest.backup" });
    expect(headsetOperation("delete")).toEqual({ kind: "send", command: "guest.delete" });
  });

  it("names the others and the way back to their forms", () => {
    for (const [operation, label] of [["clone", "Clone"], ["backups", "Backups"], ["migrate", "Migrate"]] as const) {
      const result = headsetOperation(operation);
      expect(result.kind).toBe("notice");
      if (result.kind === "notice") expect(result.text).toMatch(new RegExp(`^${label} opens a form on the desktop screen: .*Exit VR`));
    }
  });
});
