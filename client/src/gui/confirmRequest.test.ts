import { describe, expect, it } from "vitest";
import { confirmCopy } from "./confirmRequest.ts";

describe("confirmCopy", () => {
  const stop = { title: "Stop web-1?", message: "Stop web-1 (VM 101 on pve1) immediately?", confirmLabel: "Stop" };
  const remove = { title: "Delete web-1?", message: "Delete web-1 and all its disks? Type its name to confirm.", confirmLabel: "Delete", typeToConfirm: "web-1" };

  it("shows the same words on the desktop and in the headset when nothing needs typing", () => {
    const desktop = confirmCopy(stop, "desktop");
    expect(desktop).toEqual({ title: stop.title, message: stop.message, confirmLabel: "Stop", typedPrompt: null, elsewhere: null });
    expect(confirmCopy(stop, "headset")).toEqual(desktop);
  });

  it("asks for the name on the desktop, and in the headset explains that it must be confirmed on the desktop", () => {
    expect(confirmCopy(remove, "desktop")).toMatchObject({ confirmLabel: "Delete", typedPrompt: "Type web-1 to confirm", elsewhere: null });
    const headset = confirmCopy(remove, "headset");
    expect(headset.message).toBe(remove.message);
    expect(headset.confirmLabel).toBeNull();
    expect(headset.elsewhere).toMatch(/Delete needs the name typed in.*confirm it on the desktop/);
  });
});
