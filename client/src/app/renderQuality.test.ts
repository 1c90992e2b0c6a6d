import { describe, expect, it } from "vitest";
import { chooseRenderQuality } from "./renderQuality.ts";

describe("chooseRenderQuality", () => {
  it("keeps anti-aliasing and caps pixel density on real GPUs", () => {
    expect(chooseRenderQuality("ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)", 2)).toEqual({ antialias: true, pixelRatio: 1.5, software: false });
    expect(chooseRenderQuality("Apple M2", 1)).toEqual({ antialias: true, pixelRatio: 1, software: false });
  });

  it("drops MSAA and extra pixels on software rasterisers", () => {
    expect(chooseRenderQuality("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)", 2)).toEqual({ antialias: false, pixelRatio: 1, software: true });
    expect(chooseRenderQuality("llvmpipe (LLVM 15.0.6, 256 bits)", 1).software).toBe(true);
  });
});
