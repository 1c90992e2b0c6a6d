import type { Theme } from "../theme.ts";

/**
 * Canvas painters for the hall's procedural textures. Everything is drawn at start-up from the theme, so the client
 * ships no image files and fetches nothing. Each painter fills the whole canvas it is given.
 */
export type Painter = (ctx: CanvasRenderingContext2D, width: number, height: number) => void;

function shade(hex: string, factor: number): string {
  const v = parseInt(hex.slice(1), 16);
  const channel = (shift: number) => Math.max(0, Math.min(255, Math.round(((v >> shift) & 0xff) * factor)));
  return `rgb(${channel(16)},${channel(8)},${channel(0)})`;
}

/** Deterministic noise so textures are identical on every load (and in screenshots). */
function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function brushed(ctx: CanvasRenderingContext2D, width: number, height: number, base: string, seed: number, vertical = false): void {
  ctx.fillStyle = base;
  ctx.fillRect(0, 0, width, height);
  const random = seededRandom(seed);
  ctx.globalAlpha = 0.05;
  const lines = vertical ? width : height;
  for (let i = 0; i < lines; i += 1) {
    ctx.fillStyle = random() > 0.5 ? "#ffffff" : "#000000";
    if (vertical) ctx.fillRect(i, 0, 1, height);
    else ctx.fillRect(0, i, width, 1);
  }
  ctx.globalAlpha = 1;
}

/** Chassis front (canvas maps to the front face; left ~26 % is the host panel, the rest the drive-bay cage). */
export function chassisFront(theme: Theme): Painter {
  return (ctx, w, h) => {
    brushed(ctx, w, h, shade(theme.colors.metal, 0.75), 7);
    // Host panel: a slightly raised plate with a vent grille.
    const panelRight = w * 0.25;
    ctx.fillStyle = shade(theme.colors.metal, 0.95);
    ctx.fillRect(w * 0.01, h * 0.06, panelRight - w * 0.02, h * 0.88);
    ctx.fillStyle = shade(theme.colors.bg, 0.6);
    for (let y = h * 0.62; y < h * 0.9; y += h * 0.055) {
      for (let x = w * 0.03; x < panelRight - w * 0.03; x += w * 0.018) {
        ctx.beginPath();
        ctx.arc(x, y, h * 0.012, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    // Drive-bay cage: dark recess behind the caddies.
    ctx.fillStyle = shade(theme.colors.bg, 0.5);
    ctx.fillRect(w * 0.262, h * 0.03, w * 0.733, h * 0.94);
    // Rack ears with screws.
    ctx.fillStyle = shade(theme.colors.metal, 1.1);
    for (const x of [w * 0.004, w * 0.996]) {
      ctx.beginPath();
      ctx.arc(x, h * 0.2, h * 0.03, 0, Math.PI * 2);
      ctx.arc(x, h * 0.8, h * 0.03, 0, Math.PI * 2);
      ctx.fill();
    }
  };
}

/** Drive caddy front: a latch handle on the right and a recessed label strip. */
export function caddyFront(theme: Theme): Painter {
  return (ctx, w, h) => {
    ctx.fillStyle = shade(theme.colors.module, 1.0);
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = shade(theme.colors.module, 0.7);
    ctx.fillRect(w * 0.1, h * 0.16, w * 0.74, h * 0.68);
    ctx.fillStyle = shade(theme.colors.module, 1.45);
    ctx.fillRect(w * 0.87, h * 0.14, w * 0.1, h * 0.72);
    ctx.fillStyle = shade(theme.colors.module, 0.55);
    for (let x = w * 0.885; x < w * 0.96; x += w * 0.022) ctx.fillRect(x, h * 0.3, w * 0.009, h * 0.4);
    ctx.strokeStyle = shade(theme.colors.module, 1.6);
    ctx.lineWidth = Math.max(1, h * 0.06);
    ctx.strokeRect(0, 0, w, h);
  };
}

/** Offline host cover: grey hatching with a sign, so it reads without colour. */
export function offlineHatch(theme: Theme): Painter {
  return (ctx, w, h) => {
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "rgba(20,24,30,0.72)";
    ctx.fillRect(0, 0, w, h);
    ctx.strokeStyle = theme.colors.offline;
    ctx.globalAlpha = 0.75;
    ctx.lineWidth = h * 0.07;
    for (let x = -h; x < w + h; x += h * 0.28) {
      ctx.beginPath();
      ctx.moveTo(x, h);
      ctx.lineTo(x + h, 0);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const bandH = h * 0.42;
    ctx.fillStyle = "rgba(12,15,20,0.92)";
    ctx.fillRect(w * 0.22, (h - bandH) / 2, w * 0.56, bandH);
    ctx.fillStyle = theme.colors.text;
    ctx.font = `700 ${Math.round(h * 0.24)}px "${theme.fonts.sans}", sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("HOST OFFLINE", w / 2, h / 2);
  };
}

/** Raised-floor tile (one tile per canvas; the material repeats it). */
export function floorTile(theme: Theme): Painter {
  return (ctx, w, h) => {
    ctx.fillStyle = theme.colors.surface;
    ctx.fillRect(0, 0, w, h);
    const random = seededRandom(42);
    for (let i = 0; i < 900; i++) {
      ctx.fillStyle = random() > 0.5 ? "rgba(255,255,255,0.025)" : "rgba(0,0,0,0.05)";
      ctx.fillRect(random() * w, random() * h, 2, 2);
    }
    ctx.strokeStyle = theme.colors.grid;
    ctx.lineWidth = Math.max(2, w * 0.012);
    ctx.strokeRect(0, 0, w, h);
    ctx.strokeStyle = "rgba(0,0,0,0.55)";
    ctx.lineWidth = Math.max(1, w * 0.004);
    ctx.strokeRect(w * 0.012, h * 0.012, w * 0.976, h * 0.976);
  };
}

/** Wall panel: tall acoustic panels with seams and a dim skirting strip. */
export function wallPanel(theme: Theme): Painter {
  return (ctx, w, h) => {
    brushed(ctx, w, h, theme.colors.surfaceRaised, 3, true);
    ctx.fillStyle = "rgba(0,0,0,0.35)";
    ctx.fillRect(0, 0, w * 0.01, h);
    ctx.fillRect(w * 0.99, 0, w * 0.01, h);
    ctx.fillStyle = theme.colors.surface;
    ctx.fillRect(0, h * 0.94, w, h * 0.06);
    ctx.fillStyle = "rgba(58,214,255,0.18)";
    ctx.fillRect(0, h * 0.935, w, h * 0.006);
  };
}

/** Perforated rack door mesh on the side panels: fine dot grid. */
export function rackSteel(theme: Theme): Painter {
  return (ctx, w, h) => {
    brushed(ctx, w, h, shade(theme.colors.metal, 0.55), 11, true);
    ctx.fillStyle = "rgba(0,0,0,0.35)";
    const step = w / 24;
    for (let y = step / 2; y < h; y += step) {
      for (let x = step / 2; x < w; x += step) ctx.fillRect(x - step * 0.18, y - step * 0.18, step * 0.36, step * 0.36);
    }
  };
}
