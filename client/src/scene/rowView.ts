import { Matrix } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { LedState } from "../model/ledState.ts";
import { hexToRgb, type Theme } from "../theme.ts";
import type { HallAssets } from "./assets.ts";
import type { GlowMeshes } from "./hallScene.ts";
import { placeMatrix } from "./frontMatrix.ts";
import { InstanceBatch } from "./instanceBatch.ts";
import { CHASSIS, frontToWorldX, RACK, type GuestLayout, type HostLayout, type RackLayout, type RowLayout } from "./layout.ts";
import { ledColor, type Rgb } from "./ledColors.ts";

export interface GuestLook {
  led: LedState;
  type: string;
  template: boolean;
  highlighted: boolean;
}

export interface HostLook {
  /** No light, hatched cover: the host or its whole cluster is unreachable. */
  offline: boolean;
  unknown: boolean;
  cpu: number;
}

export interface ProgressEntry {
  key: string;
  progress: number;
  failed: boolean;
}

export const LOAD_SEGMENTS = 8;
const LED = { width: 0.008, height: 0.016, depth: 0.003, inset: 0.013 } as const;
const POWER_LED = { u: -0.385, v: -0.012, size: 0.011 } as const;
const METER = { u0: -0.362, step: 0.0198, v: -0.012, width: 0.016, height: 0.024 } as const;

/** Load-meter segments lit for a host: none when dark, at least one for any measurable load. */
function litSegments(look: HostLook): number {
  if (look.offline || look.cpu <= 0.005) return 0;
  return Math.max(1, Math.round(Math.min(1, look.cpu) * LOAD_SEGMENTS));
}

/** LED outline per state: a second cue besides colour and rhythm. */
function ledShape(state: LedState): { sx: number; sy: number } {
  switch (state) {
    case "running":
    case "busy":
      return { sx: 1, sy: 1 };
    case "error":
      return { sx: 0.6, sy: 1.5 };
    case "stopped":
    case "unknown":
    case "offline":
      return { sx: 1.3, sy: 0.35 };
  }
}

/**
 * One rack row: its racks, chassis, drive caddies, LEDs, offline covers and progress bars, each a single mesh of thin
 * instances so the row is a handful of draw calls whatever its guest count, and is frustum-culled as a whole.
 * Instance indices are positions in this row's arrays; `guestKeyAt` maps a picked caddy back to its guest.
 */
export class RowView {
  private readonly racks: InstanceBatch;
  private readonly doors: InstanceBatch;
  private readonly chassis: InstanceBatch;
  private readonly caddies: InstanceBatch;
  /** Guest LEDs first, then per host a power LED and the load meter segments. */
  private readonly leds: InstanceBatch;
  private readonly hatches: InstanceBatch;
  private readonly progress: InstanceBatch;

  private guestLayouts: GuestLayout[] = [];
  private readonly guestIndex = new Map<string, number>();
  private hostLayouts: HostLayout[] = [];
  private readonly hostIndex = new Map<string, number>();
  private readonly ledStates: LedState[] = [];
  /** What each guest and host currently shows, so unchanged looks (most metric patches) cost nothing. */
  private guestLooks: string[] = [];
  private hostLooks: string[] = [];
  private progressLook = "";
  private readonly offlineHosts = new Set<string>();
  private hatchesDirty = false;
  private readonly m = new Matrix();
  private readonly rgb: { ok: Rgb; busy: Rgb; error: Rgb; idle: Rgb; qemu: Rgb; lxc: Rgb; accent: Rgb };

  constructor(
    readonly index: number,
    assets: HallAssets,
    private readonly theme: Theme,
  ) {
    const clone = (template: Mesh, part: string) => {
      const mesh = template.clone(`row${index}-${part}`, null, true);
      // Thin-instance buffers live on the geometry, so each row needs its own copy of the (small) template geometry.
      mesh.makeGeometryUnique();
      mesh.isPickable = false;
      mesh.doNotSyncBoundingInfo = false;
      return mesh;
    };
    this.racks = new InstanceBatch(clone(assets.rack, "racks"), { colors: false, staticMatrices: true });
    this.doors = new InstanceBatch(clone(assets.door, "doors"), { colors: false, staticMatrices: true });
    this.chassis = new InstanceBatch(clone(assets.chassis, "chassis"), { colors: true, staticMatrices: true });
    this.caddies = new InstanceBatch(clone(assets.caddy, "caddies"), { colors: true, staticMatrices: true });
    this.leds = new InstanceBatch(clone(assets.led, "leds"), { colors: true, staticMatrices: false });
    this.hatches = new InstanceBatch(clone(assets.hatch, "hatches"), { colors: false, staticMatrices: true });
    this.progress = new InstanceBatch(clone(assets.led, "progress"), { colors: true, staticMatrices: true });
    this.caddies.mesh.isPickable = true;
    this.caddies.mesh.thinInstanceEnablePicking = true;
    const c = theme.colors;
    this.rgb = {
      ok: hexToRgb(c.ok),
      busy: hexToRgb(c.busy),
      error: hexToRgb(c.error),
      idle: hexToRgb(c.idle),
      qemu: hexToRgb(c.qemu),
      lxc: hexToRgb(c.lxc),
      accent: hexToRgb(c.accent),
    };
  }

  /** What the glow layer draws: LEDs with their own material (per-instance colours), and what can stand in front of them. */
  get glowMeshes(): GlowMeshes {
    return { glowing: [this.leds.mesh, this.progress.mesh], occluding: [this.racks.mesh, this.doors.mesh, this.chassis.mesh] };
  }

  get pickMesh(): Mesh {
    return this.caddies.mesh;
  }

  get meshes(): Mesh[] {
    return [this.racks, this.doors, this.chassis, this.caddies, this.leds, this.hatches, this.progress].map((b) => b.mesh);
  }

  get guestCount(): number {
    return this.guestLayouts.length;
  }

  guestKeyAt(instance: number): string | undefined {
    return this.guestLayouts[instance]?.key;
  }

  hasGuest(key: string): boolean {
    return this.guestIndex.has(key);
  }

  hasHost(key: string): boolean {
    return this.hostIndex.has(key);
  }

  /** Rebuilds every instance from the row's layout. Every guest's look must be applied afterwards. */
  build(row: RowLayout, racks: readonly RackLayout[], hosts: readonly HostLayout[], guests: readonly GuestLayout[]): void {
    this.racks.resize(racks.length + row.spares);
    racks.forEach((rack, i) => this.racks.setMatrix(i, placeMatrix(this.m, rack.x, 0, rack.z, rack.facing)));
    this.doors.resize(row.spares);
    for (let s = 0; s < row.spares; s++) {
      const x = row.xStart + (racks.length + s + 0.5) * RACK.width;
      this.racks.setMatrix(racks.length + s, placeMatrix(this.m, x, 0, row.z, row.facing));
      this.doors.setMatrix(s, placeMatrix(this.m, x, 0, row.z, row.facing));
    }

    this.hostLayouts = [...hosts];
    this.hostIndex.clear();
    this.chassis.resize(hosts.length);
    hosts.forEach((host, i) => {
      this.hostIndex.set(host.key, i);
      this.chassis.setMatrix(i, placeMatrix(this.m, host.front.x, host.front.y, host.front.z, host.facing));
      this.chassis.setColor(i, 1, 1, 1);
    });

    this.guestLayouts = [...guests];
    this.guestIndex.clear();
    this.caddies.resize(guests.length);
    guests.forEach((guest, i) => {
      this.guestIndex.set(guest.key, i);
      this.caddies.setMatrix(i, placeMatrix(this.m, guest.front.x, guest.front.y, guest.front.z, guest.facing, guest.width, guest.height, 1));
      this.caddies.setColor(i, 1, 1, 1);
    });

    this.ledStates.length = guests.length;
    this.guestLooks = guests.map(() => "");
    this.hostLooks = hosts.map(() => "");
    this.progressLook = "";
    this.leds.resize(guests.length + hosts.length * (1 + LOAD_SEGMENTS));
    // Guest LEDs are written by the applyGuest calls that follow every build.
    this.ledStates.fill("offline");
    hosts.forEach((_, i) => this.writeHostLeds(i, { offline: true, unknown: false, cpu: 0 }));

    this.offlineHosts.clear();
    this.hatchesDirty = true;
    this.progress.resize(0);
  }

  /** Shows a guest's look; returns whether anything visible changed. */
  applyGuest(key: string, look: GuestLook, timeSec: number): boolean {
    const i = this.guestIndex.get(key);
    if (i === undefined) return false;
    const signature = `${look.led}|${look.type}|${look.template}|${look.highlighted}`;
    if (this.guestLooks[i] === signature) return false;
    this.guestLooks[i] = signature;
    this.ledStates[i] = look.led;
    this.writeGuestLed(i, look.led, timeSec);
    const tint = look.highlighted ? this.rgb.accent : look.type === "lxc" ? this.rgb.lxc : this.rgb.qemu;
    const k = look.highlighted ? 1.6 : look.template ? 1.6 : 4.2;
    this.caddies.setColor(i, Math.min(1.4, tint[0] * k), Math.min(1.4, tint[1] * k), Math.min(1.4, tint[2] * k));
    return true;
  }

  /** Shows a host's look; returns whether anything visible changed. */
  applyHost(key: string, look: HostLook): boolean {
    const i = this.hostIndex.get(key);
    if (i === undefined) return false;
    const signature = `${look.offline}|${look.unknown}|${litSegments(look)}`;
    if (this.hostLooks[i] === signature) return false;
    this.hostLooks[i] = signature;
    this.writeHostLeds(i, look);
    const wasOffline = this.offlineHosts.has(key);
    if (look.offline !== wasOffline) {
      if (look.offline) this.offlineHosts.add(key);
      else this.offlineHosts.delete(key);
      this.hatchesDirty = true;
    }
    const shade = look.offline ? 0.45 : 1;
    this.chassis.setColor(i, shade, shade, shade);
    return true;
  }

  /** Re-colours the LEDs whose brightness follows a rhythm. */
  animate(keys: Iterable<string>, timeSec: number): void {
    for (const key of keys) {
      const i = this.guestIndex.get(key);
      if (i === undefined) continue;
      const state = this.ledStates[i]!;
      const [r, g, b] = ledColor(state, timeSec, this.theme);
      this.leds.setColor(i, r, g, b);
    }
  }

  /** Shows a progress bar along the bottom edge of each guest with an operation in flight. */
  setProgress(entries: readonly ProgressEntry[]): boolean {
    const visible = entries.filter((e) => this.guestIndex.has(e.key));
    const signature = visible.map((e) => `${e.key}:${Math.round(e.progress * 200)}:${e.failed}`).join(",");
    if (signature === this.progressLook) return false;
    this.progressLook = signature;
    this.progress.resize(visible.length * 2);
    visible.forEach((entry, n) => {
      const guest = this.guestLayouts[this.guestIndex.get(entry.key)!]!;
      const full = guest.width * 0.86;
      const fraction = Math.max(0.03, Math.min(1, entry.progress));
      const y = guest.front.y - guest.height / 2 + 0.0022;
      const z = guest.front.z;
      const left = -full / 2;
      this.progress.setMatrix(2 * n, placeMatrix(this.m, guest.front.x, y, z, guest.facing, full, 0.0026, 0.002));
      this.progress.setColor(2 * n, 0.05, 0.05, 0.06);
      const fillU = left + (full * fraction) / 2;
      this.progress.setMatrix(
        2 * n + 1,
        placeMatrix(this.m, frontToWorldX(guest.front.x, fillU, guest.facing), y, z, guest.facing, full * fraction, 0.003, 0.003),
      );
      const [r, g, b] = entry.failed ? this.rgb.error : this.rgb.busy;
      const k = this.theme.materials.ledIntensity;
      this.progress.setColor(2 * n + 1, r * k, g * k, b * k);
    });
    return true;
  }

  commit(): void {
    if (this.hatchesDirty) {
      const offline = this.hostLayouts.filter((h) => this.offlineHosts.has(h.key));
      this.hatches.resize(offline.length);
      offline.forEach((h, i) =>
        this.hatches.setMatrix(i, placeMatrix(this.m, h.front.x, h.front.y, h.front.z + h.facing * 0.022, h.facing, CHASSIS.width, CHASSIS.height, 1)),
      );
      this.hatchesDirty = false;
    }
    for (const batch of [this.racks, this.doors, this.chassis, this.caddies, this.leds, this.hatches, this.progress]) batch.commit();
  }

  /** The LED colour currently in the buffer (for tests and the debug hook). */
  ledColorOf(key: string): [number, number, number, number] | undefined {
    const i = this.guestIndex.get(key);
    return i === undefined ? undefined : this.leds.colorAt(i);
  }

  ledStateOf(key: string): LedState | undefined {
    const i = this.guestIndex.get(key);
    return i === undefined ? undefined : this.ledStates[i];
  }

  instanceCounts(): { racks: number; chassis: number; caddies: number; leds: number; hatches: number; progress: number } {
    return {
      racks: this.racks.count,
      chassis: this.chassis.count,
      caddies: this.caddies.count,
      leds: this.leds.count,
      hatches: this.hatches.count,
      progress: this.progress.count,
    };
  }

  dispose(): void {
    for (const batch of [this.racks, this.doors, this.chassis, this.caddies, this.leds, this.hatches, this.progress]) batch.dispose();
    this.guestIndex.clear();
    this.hostIndex.clear();
  }

  private writeGuestLed(i: number, state: LedState, timeSec: number): void {
    const guest = this.guestLayouts[i]!;
    const shape = ledShape(state);
    const height = Math.min(LED.height, guest.height * 0.55) * shape.sy;
    const u = -guest.width / 2 + LED.inset;
    this.leds.setMatrix(
      i,
      placeMatrix(this.m, frontToWorldX(guest.front.x, u, guest.facing), guest.front.y, guest.front.z, guest.facing, LED.width * shape.sx, height, LED.depth),
    );
    const [r, g, b] = ledColor(state, timeSec, this.theme);
    this.leds.setColor(i, r, g, b);
  }

  private writeHostLeds(hostIndex: number, look: HostLook): void {
    const host = this.hostLayouts[hostIndex]!;
    const base = this.guestLayouts.length + hostIndex * (1 + LOAD_SEGMENTS);
    const at = (u: number, v: number) => ({ x: frontToWorldX(host.front.x, u, host.facing), y: host.front.y + v });
    const power = at(POWER_LED.u, POWER_LED.v);
    this.leds.setMatrix(base, placeMatrix(this.m, power.x, power.y, host.front.z, host.facing, POWER_LED.size, POWER_LED.size, LED.depth));
    const intensity = this.theme.materials.ledIntensity;
    const powerRgb = look.offline ? ([0, 0, 0] as const) : look.unknown ? this.rgb.idle : this.rgb.ok;
    const pk = look.unknown ? 0.8 : intensity * 0.7;
    this.leds.setColor(base, powerRgb[0] * pk, powerRgb[1] * pk, powerRgb[2] * pk);

    const lit = litSegments(look);
    for (let s = 0; s < LOAD_SEGMENTS; s++) {
      const p = at(METER.u0 + s * METER.step, METER.v);
      this.leds.setMatrix(base + 1 + s, placeMatrix(this.m, p.x, p.y, host.front.z, host.facing, METER.width, METER.height, LED.depth));
      if (s < lit) {
        const hue = s >= LOAD_SEGMENTS - 1 ? this.rgb.error : s >= LOAD_SEGMENTS - 3 ? this.rgb.busy : this.rgb.ok;
        this.leds.setColor(base + 1 + s, hue[0] * intensity, hue[1] * intensity, hue[2] * intensity);
      } else {
        const off = look.offline ? 0 : 0.045;
        this.leds.setColor(base + 1 + s, off, off, off * 1.15);
      }
    }
  }
}
