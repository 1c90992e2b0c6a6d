import { describe, expect, it } from "vitest";
import { desktopOnlyNotice } from "./desktopOnly.ts";

describe("management operations in the headset", () => {
  it("name the operation and the way back to its form", () => {
    expect(desktopOnlyNotice("clone")).toMatch(/^Clone opens a form on the desktop screen: .*Exit VR/);
    expect(desktopOnlyNotice("backups")).toMatch(/^Backups /);
  });
});
