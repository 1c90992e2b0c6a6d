import { Matrix, Vector3 } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { AdvancedDynamicTexture } from "@babylonjs/gui/2D/advancedDynamicTexture";
import type { Button } from "@babylonjs/gui/2D/controls/button";
import { Control } from "@babylonjs/gui/2D/controls/control";
import { Rectangle } from "@babylonjs/gui/2D/controls/rectangle";
import { StackPanel } from "@babylonjs/gui/2D/controls/stackPanel";
import type { TextBlock } from "@babylonjs/gui/2D/controls/textBlock";
import type { CommandName } from "../../../shared/src/commands.ts";
import type { Role } from "../../../shared/src/protocol.ts";
import { isActiveOperationState, type Estate } from "../model/estate.ts";
import { formatKiB, formatMiB, formatPercent, formatUptime, uptimeSeconds } from "../model/format.ts";
import { guestActions, labelForOperation, type GuestAction } from "../model/guestActions.ts";
import { guestOperations, operationContext, type GuestOperation, type GuestOperationId } from "../model/guestOperations.ts";
import { guestLedState, type LedState } from "../model/ledState.ts";
import { withAlpha, type Theme } from "../theme.ts";
import { motionFor, motionProgress, panelFlipPose } from "../scene/motion.ts";
import { actionButton, bar, controlWorldPoint, glassPlane, row, text, vstack } from "./panelControls.ts";

/** 0.42 m wide; the height keeps the texture's aspect (820 × 1290 px). */
export const PANEL_SIZE = { width: 0.42, height: 0.6607 } as const;
const PX = { width: 820, height: 1290 } as const;
const OPS_HEIGHT = 160;
const PAD = 44;
const INNER = PX.width - 2 * PAD;

export interface PanelPlacement {
  x: number;
  y: number;
  z: number;
  /** The viewer's camera angles: the panel lies parallel to the screen, so it reads square, never skewed. */
  yaw: number;
  pitch: number;
  /** Larger than 1 to read it from further away (the headset places it at arm's length). */
  scale?: number;
}

export interface PanelCallbacks {
  onAction(key: string, command: CommandName): void;
  /** Opens a management operation (clone, backups, …) for the guest. */
  onOperation(key: string, operation: GuestOperationId): void;
  /** Opens the guest's app in a new tab. */
  onOpenApp(url: string): void;
  onClose(): void;
}

const STATE_LINE: Record<LedState, { word: string; glyph: string }> = {
  running: { word: "Running", glyph: "●" },
  stopped: { word: "Stopped", glyph: "○" },
  busy: { word: "Working", glyph: "◐" },
  error: { word: "Last operation failed", glyph: "▲" },
  unknown: { word: "Unknown", glyph: "?" },
  offline: { word: "Host unreachable", glyph: "✕" },
};

/**
 * The in-world guest panel: dark glass with a thin accent edge beside the guest, showing identity, live metrics,
 * tags, the operation in progress (or its outcome) and the allowed actions. One panel, reused for every guest.
 */
export class GuestPanel {
  readonly mesh: Mesh;
  private readonly texture: AdvancedDynamicTexture;
  private key: string | null = null;
  private estate: Estate | null = null;
  private role: Role = "viewer";
  private notice: { text: string; tone: "error" | "info" } | null = null;
  private actionSignature = "";
  private buttons = new Map<CommandName, Button>();
  private operationSignature = "";
  private operationButtons = new Map<GuestOperationId | "app", Button>();
  private openedAt = 0;
  private facingYaw = 0;

  private readonly title: TextBlock;
  private readonly glyph: TextBlock;
  private readonly subtitle: TextBlock;
  private readonly values = new Map<string, TextBlock>();
  private readonly meters = new Map<string, ReturnType<typeof bar>>();
  private readonly opTitle: TextBlock;
  private readonly opDetail: TextBlock;
  private readonly opBar: ReturnType<typeof bar>;
  private readonly opBox: Rectangle;
  private readonly noticeText: TextBlock;
  private readonly actions: StackPanel;
  private readonly dangerActions: StackPanel;
  private readonly opsRows: [StackPanel, StackPanel];

  constructor(
    private readonly scene: Scene,
    private readonly theme: Theme,
    private readonly callbacks: PanelCallbacks,
    private readonly options: { reducedMotion: () => boolean; now: () => number },
  ) {
    const t = theme;
    const { mesh, texture, glass, body } = glassPlane(scene, "guest-panel", t, {
      size: PANEL_SIZE,
      px: PX,
      opacity: 0.9,
      edgeColor: t.colors.accent,
      edgeWidth: 3,
      cornerRadius: 26,
      bodyWidth: INNER,
      bodyTop: 34,
    });
    this.mesh = mesh;
    this.mesh.isPickable = true;
    this.texture = texture;

    const header = row(78);
    this.glyph = text(t, "●", { size: 44, color: t.colors.ok, height: 78 });
    this.glyph.width = "60px";
    this.glyph.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.title = text(t, "", { size: 50, weight: "700", height: 78 });
    this.title.paddingLeft = "62px";
    this.title.paddingRight = "90px";
    const close = actionButton(t, "✕", "normal", 72);
    close.height = "72px";
    close.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
    close.onPointerUpObservable.add(() => this.callbacks.onClose());
    header.addControl(this.glyph);
    header.addControl(this.title);
    header.addControl(close);
    body.addControl(header);

    this.subtitle = text(t, "", { size: 28, mono: true, color: t.colors.textMuted, height: 48 });
    body.addControl(this.subtitle);
    body.addControl(this.divider());

    for (const [id, label, meter] of [
      ["status", "Status", false],
      ["uptime", "Uptime", false],
      ["cpu", "CPU", true],
      ["mem", "Memory", true],
      ["disk", "Disk", true],
      ["net", "Network in / out", false],
      ["tags", "Tags", false],
    ] as const) {
      const r = row(meter ? 86 : 56);
      const name = text(t, label, { size: 28, color: t.colors.textMuted, height: 48 });
      name.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
      const value = text(t, "", { size: 30, mono: true, align: Control.HORIZONTAL_ALIGNMENT_RIGHT, height: 48 });
      value.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
      r.addControl(name);
      r.addControl(value);
      this.values.set(id, value);
      if (meter) {
        const m = bar(t, INNER, 12);
        m.root.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
        m.root.top = "-14px";
        r.addControl(m.root);
        this.meters.set(id, m);
      }
      body.addControl(r);
    }
    body.addControl(this.divider());

    this.opBox = row(174);
    const opStack = vstack();
    this.opTitle = text(t, "", { size: 30, weight: "600", height: 48 });
    this.opBar = bar(t, INNER, 14);
    this.opBar.root.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    // Room for three wrapped lines of PVE's error text, filled from the top so a longer one loses its tail, not its start.
    this.opDetail = text(t, "", { size: 25, mono: true, color: t.colors.textMuted, height: 112 });
    this.opDetail.textWrapping = true;
    this.opDetail.textVerticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    opStack.addControl(this.opTitle);
    opStack.addControl(this.opBar.root);
    opStack.addControl(this.opDetail);
    this.opBox.addControl(opStack);
    body.addControl(this.opBox);

    this.noticeText = text(t, "", { size: 26, color: t.colors.error, height: 44 });
    this.noticeText.textWrapping = true;
    body.addControl(this.noticeText);

    // Management operations: two rows of small buttons above the power actions.
    const opsArea = vstack();
    opsArea.width = `${INNER}px`;
    opsArea.height = `${OPS_HEIGHT}px`;
    opsArea.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    opsArea.top = `${-34 - 96 - 14}px`;
    this.opsRows = [new StackPanel(), new StackPanel()];
    for (const r of this.opsRows) {
      r.isVertical = false;
      r.height = `${OPS_HEIGHT / 2}px`;
      r.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
      opsArea.addControl(r);
    }
    glass.addControl(opsArea);

    const actionsArea = new Rectangle("actions");
    actionsArea.thickness = 0;
    actionsArea.height = "96px";
    actionsArea.width = `${INNER}px`;
    actionsArea.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    actionsArea.top = "-34px";
    this.actions = new StackPanel();
    this.actions.isVertical = false;
    this.actions.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.dangerActions = new StackPanel();
    this.dangerActions.isVertical = false;
    this.dangerActions.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
    actionsArea.addControl(this.actions);
    actionsArea.addControl(this.dangerActions);
    glass.addControl(actionsArea);
  }

  get openKey(): string | null {
    return this.key;
  }

  /** What the operation box and notice line say ("Stop · ✕ failed", then the detail), for tests; null when closed. */
  get operationText(): string | null {
    if (!this.key) return null;
    return [this.opTitle.text, this.opDetail.text, this.noticeText.text].filter((line) => line !== "").join("\n");
  }

  /** Its heading and value column as drawn ("—" where unknown), for tests; null when closed. */
  get fieldsText(): { title: string; subtitle: string; values: Record<string, string> } | null {
    if (!this.key) return null;
    return { title: this.title.text, subtitle: this.subtitle.text, values: Object.fromEntries([...this.values].map(([id, block]) => [id, block.text])) };
  }

  open(key: string, placement: PanelPlacement, estate: Estate, role: Role): void {
    this.key = key;
    this.estate = estate;
    this.role = role;
    this.notice = null;
    this.actionSignature = "";
    this.operationSignature = "";
    this.mesh.position.set(placement.x, placement.y, placement.z);
    // The plane's readable side is -z: with the camera's own rotation it faces the viewer.
    this.mesh.rotation.set(placement.pitch, placement.yaw, 0);
    this.facingYaw = placement.yaw;
    this.mesh.scaling.setAll(placement.scale ?? 1);
    this.mesh.setEnabled(true);
    this.openedAt = this.options.now();
    this.refresh();
  }

  close(): void {
    this.key = null;
    this.mesh.setEnabled(false);
  }

  setNotice(notice: { text: string; tone: "error" | "info" } | null): void {
    this.notice = notice;
    this.refresh();
  }

  get isAnimating(): boolean {
    return this.key !== null && motionProgress(motionFor("panelFlip", this.options.reducedMotion()), this.openedAt, this.options.now()) < 1;
  }

  /** Flips the panel open like the original RackCard (a fade only under reduced motion). Call every frame. */
  animate(): void {
    if (!this.key) return;
    const motion = motionFor("panelFlip", this.options.reducedMotion());
    const pose = panelFlipPose(motionProgress(motion, this.openedAt, this.options.now()), motion.moves);
    this.mesh.rotation.y = this.facingYaw + pose.turn;
    this.mesh.visibility = pose.opacity;
  }

  refresh(): void {
    const key = this.key;
    const estate = this.estate;
    if (!key || !estate) return;
    const guest = estate.guests.get(key);
    const t = this.theme;
    if (!guest) {
      // Deleted (here or elsewhere): no stale metrics, and the operation box says what removed it.
      this.title.text = "Guest removed";
      this.glyph.text = "✕";
      this.glyph.color = t.colors.textMuted;
      this.subtitle.text = `${key} · no longer in the cluster`;
      for (const block of this.values.values()) {
        block.text = "—";
        block.color = t.colors.textMuted;
      }
      for (const meter of this.meters.values()) meter.set(0);
      this.showOperation(key, "No recent operation", "");
      this.setActions([]);
      this.setOperations([], "");
      return;
    }
    const led = guestLedState(estate, key);
    const host = estate.hostOf(guest);
    const cluster = estate.clusters.get(guest.clusterId);
    const state = STATE_LINE[led];
    this.title.text = guest.name || `#${guest.vmid}`;
    this.glyph.text = state.glyph;
    this.glyph.color = { running: t.colors.ok, stopped: t.colors.idle, busy: t.colors.busy, error: t.colors.error, unknown: t.colors.idle, offline: t.colors.offline }[led];
    this.subtitle.text = `${guest.type === "lxc" ? "CT" : "VM"} ${guest.vmid} · ${guest.type} · ${guest.node}${cluster ? ` · ${cluster.name}` : ""}`;

    const value = (id: string, v: string, color?: string) => {
      const block = this.values.get(id)!;
      block.text = v;
      block.color = color ?? t.colors.text;
    };
    value("status", `${guest.status}${guest.lock ? ` · lock ${guest.lock}` : ""}${guest.template ? " · template" : ""}`, led === "running" ? t.colors.ok : undefined);
    value("uptime", formatUptime(uptimeSeconds(guest.bootedAt, Date.now())));
    value("cpu", `${formatPercent(guest.cpu)} of ${guest.cpus} vCPU`);
    value("mem", `${formatMiB(guest.memMiB)} / ${formatMiB(guest.maxMemMiB)}`);
    // PVE reports no disk usage for VMs without the guest agent: say so rather than show 0.
    const diskUnknown = guest.type === "qemu" && guest.diskMiB === 0;
    value("disk", `${diskUnknown ? "—" : formatMiB(guest.diskMiB)} / ${formatMiB(guest.maxDiskMiB)}`);
    value("net", `${formatKiB(guest.netInKiB)} / ${formatKiB(guest.netOutKiB)}`);
    value("tags", guest.tags.length ? guest.tags.join(" · ") : "—", guest.tags.length ? t.colors.accent : t.colors.textMuted);
    const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
    const load = (f: number) => (f > 0.9 ? t.colors.error : f > 0.75 ? t.colors.busy : t.colors.accent);
    const cpu = guest.cpu;
    this.meters.get("cpu")!.set(cpu, load(cpu));
    this.meters.get("mem")!.set(ratio(guest.memMiB, guest.maxMemMiB), load(ratio(guest.memMiB, guest.maxMemMiB)));
    this.meters.get("disk")!.set(ratio(guest.diskMiB, guest.maxDiskMiB), load(ratio(guest.diskMiB, guest.maxDiskMiB)));

    const unreachable = host?.status === "offline" || cluster?.status === "offline";
    this.showOperation(key, unreachable ? "Host unreachable" : "No recent operation", cluster?.error ?? "");
    this.setActions(guestActions(guest, led, this.role));
    this.setOperations(guestOperations(operationContext(estate, guest, this.role)), guest.appUrl);
  }

  /** The operation box (the guest's latest operation, or `idleTitle` and `idleDetail`) and the notice line. */
  private showOperation(key: string, idleTitle: string, idleDetail: string): void {
    const t = this.theme;
    const op = this.estate?.latestOperationOf(key);
    if (op) {
      const active = isActiveOperationState(op.state);
      const outcome = op.state === "succeeded" ? "✓ succeeded" : op.state === "failed" ? "✕ failed" : `${op.state} · ${formatPercent(op.progress)}`;
      this.opTitle.text = `${labelForOperation(op.kind)} · ${outcome}`;
      this.opTitle.color = op.state === "failed" ? t.colors.error : op.state === "succeeded" ? t.colors.ok : t.colors.busy;
      this.opBar.set(active ? op.progress : 1, op.state === "failed" ? t.colors.error : op.state === "succeeded" ? t.colors.ok : t.colors.busy);
      this.opDetail.text = op.state === "failed" ? op.error || "Failed without an error message." : `${op.summary ? `${op.summary}. ` : ""}${op.message || (active ? "Waiting for Proxmox…" : "")}${op.requestedBy ? `  — ${op.requestedBy}` : ""}`;
      this.opDetail.color = op.state === "failed" ? t.colors.text : t.colors.textMuted;
      this.opBox.alpha = 1;
    } else {
      this.opTitle.text = idleTitle;
      this.opTitle.color = t.colors.textMuted;
      this.opBar.set(0);
      this.opDetail.text = idleDetail;
      this.opBox.alpha = 0.7;
    }
    this.noticeText.text = this.notice?.text ?? "";
    this.noticeText.color = this.notice?.tone === "info" ? t.colors.textMuted : t.colors.error;
  }

  /** Canvas pixel of an action button's centre (for tests and the debug hook); null when not shown. */
  actionScreenPoint(command: CommandName): { x: number; y: number } | null {
    return this.screenPointOf(this.actionWorldPoint(command));
  }

  /** Canvas pixel of a management button's centre ("app" for the app link); null when not shown. */
  operationScreenPoint(operation: GuestOperationId | "app"): { x: number; y: number } | null {
    return this.screenPointOf(this.worldPointOf(this.operationButtons.get(operation)));
  }

  private screenPointOf(world: Vector3 | null): { x: number; y: number } | null {
    const camera = this.scene.activeCamera;
    if (!world || !camera) return null;
    const engine = this.scene.getEngine();
    const viewport = camera.viewport.toGlobal(engine.getRenderWidth(), engine.getRenderHeight());
    const p = Vector3.Project(world, Matrix.Identity(), this.scene.getTransformMatrix(), viewport);
    const scale = engine.getHardwareScalingLevel();
    return { x: p.x * scale, y: p.y * scale };
  }

  /** World position of an action button's centre (a headset controller aims at it); null when not shown. */
  actionWorldPoint(command: CommandName): Vector3 | null {
    return this.worldPointOf(this.buttons.get(command));
  }

  /** World position of a management button's centre; null when not shown. */
  operationWorldPoint(operation: GuestOperationId | "app"): Vector3 | null {
    return this.worldPointOf(this.operationButtons.get(operation));
  }

  private worldPointOf(button: Button | undefined): Vector3 | null {
    if (!button || !this.key || !button.isVisible) return null;
    return controlWorldPoint(button, this.mesh, PX, PANEL_SIZE);
  }

  dispose(): void {
    this.texture.dispose();
    this.mesh.dispose();
  }

  private divider(): Rectangle {
    const line = new Rectangle();
    line.height = "2px";
    line.thickness = 0;
    line.background = withAlpha(this.theme.colors.text, 0.1);
    line.paddingTop = "0px";
    const wrap = row(28);
    wrap.addControl(line);
    return wrap;
  }

  private setOperations(operations: GuestOperation[], appUrl: string): void {
    const signature = JSON.stringify([operations, appUrl]);
    if (signature === this.operationSignature) return;
    this.operationSignature = signature;
    for (const b of this.operationButtons.values()) b.dispose();
    this.operationButtons.clear();
    const entries: Array<{ id: GuestOperationId | "app"; label: string; destructive: boolean; disabled: boolean }> = operations.map((o) => ({
      id: o.id,
      label: o.label,
      destructive: o.destructive,
      disabled: o.disabledReason !== null,
    }));
    if (appUrl) entries.unshift({ id: "app", label: "Open app ↗", destructive: false, disabled: false });
    const perRow = Math.ceil(entries.length / 2);
    const width = Math.floor(INNER / Math.max(4, perRow));
    entries.forEach((entry, i) => {
      const button = actionButton(this.theme, entry.label, entry.destructive ? "destructive" : entry.id === "app" ? "primary" : "normal", width);
      button.height = "68px";
      button.fontSize = 24;
      button.paddingRight = "10px";
      button.paddingBottom = "8px";
      // A disabled operation still opens its tab, which explains why it cannot run.
      if (entry.disabled) button.alpha = 0.45;
      button.onPointerUpObservable.add(() => {
        const key = this.key;
        if (!key) return;
        if (entry.id === "app") this.callbacks.onOpenApp(appUrl);
        else this.callbacks.onOperation(key, entry.id);
      });
      this.opsRows[i < perRow ? 0 : 1].addControl(button);
      this.operationButtons.set(entry.id, button);
    });
  }

  private setActions(actions: GuestAction[]): void {
    const signature = JSON.stringify(actions);
    if (signature === this.actionSignature) return;
    this.actionSignature = signature;
    for (const b of this.buttons.values()) b.dispose();
    this.buttons.clear();
    const normal = actions.filter((a) => !a.destructive);
    const danger = actions.filter((a) => a.destructive);
    const width = Math.floor((INNER - 40) / Math.max(3, actions.length)) - 8;
    const place = (a: GuestAction, parent: StackPanel) => {
      const button = actionButton(this.theme, a.label, a.destructive ? "destructive" : a.primary ? "primary" : "normal", width);
      button.paddingRight = "12px";
      if (a.disabledReason) {
        button.isEnabled = false;
        button.alpha = 0.4;
      }
      button.onPointerUpObservable.add(() => {
        if (this.key && !a.disabledReason) this.callbacks.onAction(this.key, a.command);
      });
      parent.addControl(button);
      this.buttons.set(a.command, button);
    };
    for (const a of normal) place(a, this.actions);
    for (const a of danger) place(a, this.dangerActions);
    if (actions.length > 0 && actions.every((a) => a.disabledReason)) {
      this.noticeText.text = this.notice?.text ?? actions[0]!.disabledReason ?? "";
      this.noticeText.color = this.theme.colors.textMuted;
    }
  }
}
