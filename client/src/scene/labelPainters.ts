import type { LedState } from "../model/ledState.ts";
import { formatPercent } from "../model/format.ts";
import type { GuestRecord, HostRecord } from "../model/records.ts";
import { withAlpha, type Theme } from "../theme.ts";
import type { LabelContent } from "./atlasLabels.ts";

const STATE_WORD: Record<LedState, string> = {
  running: "",
  stopped: "",
  busy: "working",
  error: "failed",
  unknown: "unknown",
  offline: "offline",
};

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function fit(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** The label strip on a drive caddy: name on the left, VMID right-aligned in mono, state word when not running. */
export function guestLabel(guest: GuestRecord, led: LedState, theme: Theme): LabelContent {
  return {
    id: guest.key,
    version: `${guest.name}|${guest.vmid}|${led}|${guest.type}`,
    draw(ctx, w, h) {
      ctx.fillStyle = withAlpha(theme.colors.glass, 0.86);
      roundRect(ctx, 1, 1, w - 2, h - 2, h * 0.18);
      ctx.fill();
      const pad = h * 0.22;
      ctx.textBaseline = "middle";
      ctx.font = `500 ${Math.round(h * 0.42)}px "${theme.fonts.mono}", monospace`;
      ctx.textAlign = "right";
      ctx.fillStyle = theme.colors.textMuted;
      const vmid = String(guest.vmid);
      ctx.fillText(vmid, w - pad, h * 0.52);
      const vmidWidth = ctx.measureText(vmid).width;
      ctx.textAlign = "left";
      ctx.fillStyle = led === "offline" || led === "stopped" ? theme.colors.textMuted : theme.colors.text;
      const word = STATE_WORD[led];
      const nameSpace = w - 3 * pad - vmidWidth - (word ? h * 2.2 : 0);
      const name = guest.name || `#${guest.vmid}`;
      // Long names get a slightly smaller face before they are cut.
      for (const size of [0.5, 0.44, 0.38]) {
        ctx.font = `600 ${Math.round(h * size)}px "${theme.fonts.sans}", sans-serif`;
        if (ctx.measureText(name).width <= nameSpace) break;
      }
      ctx.fillText(fit(ctx, name, nameSpace), pad, h * 0.54);
      if (word) {
        ctx.font = `600 ${Math.round(h * 0.34)}px "${theme.fonts.sans}", sans-serif`;
        ctx.fillStyle = led === "error" ? theme.colors.error : led === "busy" ? theme.colors.busy : theme.colors.textMuted;
        ctx.textAlign = "right";
        ctx.fillText(word.toUpperCase(), w - 2 * pad - vmidWidth, h * 0.54);
      }
    },
  };
}

/** The host name plate: node name, and its load or why it is dark. */
export function hostLabel(host: HostRecord, offline: boolean, guestCount: number, theme: Theme): LabelContent {
  const mem = host.maxMemMiB > 0 ? host.memMiB / host.maxMemMiB : 0;
  const detail = offline ? "UNREACHABLE" : `CPU ${formatPercent(host.cpu)} · MEM ${formatPercent(mem)} · ${guestCount} guests`;
  return {
    id: host.key,
    version: `${host.node}|${detail}`,
    draw(ctx, w, h) {
      ctx.fillStyle = withAlpha(theme.colors.glass, 0.9);
      roundRect(ctx, 1, 1, w - 2, h - 2, h * 0.1);
      ctx.fill();
      ctx.fillStyle = offline ? theme.colors.offline : theme.colors.accent;
      ctx.fillRect(1, h * 0.12, h * 0.05, h * 0.76);
      const pad = h * 0.16;
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.fillStyle = theme.colors.text;
      ctx.font = `700 ${Math.round(h * 0.36)}px "${theme.fonts.sans}", sans-serif`;
      ctx.fillText(fit(ctx, host.node, w - 2 * pad), pad, h * 0.33);
      ctx.fillStyle = offline ? theme.colors.error : theme.colors.textMuted;
      ctx.font = `500 ${Math.round(h * 0.2)}px "${theme.fonts.mono}", monospace`;
      ctx.fillText(fit(ctx, detail, w - 2 * pad), pad, h * 0.72);
    },
  };
}
