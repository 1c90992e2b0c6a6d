import { describe, expect, it } from "vitest";
import { InvalidUpidError, isUpid, parseUpid } from "./upid.ts";

describe("parseUpid", () => {
  it("decodes a token-started task and splits the token name off the user", () => {
    const upid = "UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam!ci:";
    expect(parseUpid(upid)).toEqual({
      upid,
      node: "pve1",
      pid: 0x3a2f1,
      pstart: 0x1b2c3d4,
      starttime: 0x6790a1b5,
      type: "vzstart",
      id: "100",
      user: "root@pam",
      tokenid: "ci",
    });
  });

  it("accepts a 9-digit pstart, an empty id and a plain user", () => {
    const parsed = parseUpid("UPID:node-2:00001234:1ABCDEF01:6790A1B5:vzdump::admin@pve:");
    expect(parsed).toMatchObject({ node: "node-2", pstart: 0x1abcdef01, type: "vzdump", id: "", user: "admin@pve" });
    expect(parsed.tokenid).toBeUndefined();
  });

  it.each([
    "",
    "UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam",
    "UPID:pve1:3A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam:",
    "UPID:-pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam:",
    "UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vz/start:100:root@pam:",
    "upid:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam:",
  ])("rejects %j with a typed error", (input) => {
    expect(() => parseUpid(input)).toThrow(InvalidUpidError);
    expect(isUpid(input)).toBe(false);
  });

  it("rejects non-strings", () => {
    expect(() => parseUpid(42 as unknown as string)).toThrow(InvalidUpidError);
  });
});
