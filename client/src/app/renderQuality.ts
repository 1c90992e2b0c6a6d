export interface RenderQuality {
  /** Multisampled anti-aliasing on the canvas. */
  antialias: boolean;
  /** Device pixels per CSS pixel to render at. */
  pixelRatio: number;
  /** The GPU is emulated on the CPU (SwiftShader, llvmpipe): every pixel is expensive. */
  software: boolean;
}

/** Renderer name as WebGL reports it, or "" when it cannot be read. */
export function webglRenderer(): string {
  const canvas = document.createElement("canvas");
  const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
  if (!gl) return "";
  const info = gl.getExtension("WEBGL_debug_renderer_info");
  const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? "");
  gl.getExtension("WEBGL_lose_context")?.loseContext();
  return name;
}

/**
 * Picks the rendering quality for this device: full anti-aliasing and up to 1.5× pixel density on real GPUs;
 * on a software rasteriser (CI, VMs, some remote desktops) no MSAA and 1× pixels so the hall stays usable.
 */
export function chooseRenderQuality(renderer: string, devicePixelRatio: number): RenderQuality {
  const software = /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
  return {
    antialias: !software,
    pixelRatio: software ? 1 : Math.min(Math.max(devicePixelRatio, 1), 1.5),
    software,
  };
}
