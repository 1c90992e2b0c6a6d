import { describe, expect, it } from "vitest";
import { detectImmersiveVr } from "./xrSupport.ts";

describe("detectImmersiveVr", () => {
  const system = (answer: boolean | Error) => ({
    isSessionSupported: (mode: string) => (answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer && mode === "immersive-vr")),
  });

  it("offers VR when the browser supports immersive-vr sessions", async () => {
    expect(await detectImmersiveVr(system(true), true)).toEqual({ supported: true });
  });

  it("explains each way VR can be unavailable", async () => {
    const reasons = await Promise.all([
      detectImmersiveVr(system(true), false),
      detectImmersiveVr(undefined, true),
      detectImmersiveVr(system(false), true),
      detectImmersiveVr(system(new Error("SecurityError: blocked by permissions policy")), true),
    ]);
    expect(reasons.map((r) => r.supported)).toEqual([false, false, false, false]);
    const texts = reasons.map((r) => (r.supported ? "" : r.reason));
    expect(texts[0]).toMatch(/HTTPS/);
    expect(texts[1]).toMatch(/no WebXR/);
    expect(texts[2]).toMatch(/No VR headset/);
    expect(texts[3]).toMatch(/blocked by permissions policy/);
  });
});
