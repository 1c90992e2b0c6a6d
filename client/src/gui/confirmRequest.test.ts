import { describe, expect, it } from "vitest";
import { confirmCopy } from "./confirmRequest.ts";

describe("confirmCopy", () => {
  const stop = { title: "Stop web-1?", message: "Stop web-1 (VM 101 on pve1) immediately?", confirmLabel: "Stop" };
  const remove = { title: "Delete web-1?", message: "Delete web-1 and all its disks? Type its name to confirm.", confirmLabel: "Delete", typeToConfirm: "web-1" };

  it("shows the request's words, with no field when nothing needs typing", () => {
    expect(confirmCopy(stop)).toEqual({ title: stop.title, message: stop.message, confirmLabel: "Stop", typedPrompt: null });
  });

  it("asks for the name to be typed when the request needs it", () => {
    expect(confirmCopy(remove)).toEqual({ title: remove.title, message: remove.message, confirmLabel: "Delete", typedPrompt: "Type web-1 to confirm" });
  });
});
