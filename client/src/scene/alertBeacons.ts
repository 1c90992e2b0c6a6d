import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { CreateSphere } from "@babylonjs/core/Meshes/Builders/sphereBuilder";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import type { Estate } from "../model/estate.ts";
import { eventGuestKey, eventTone, isAlert, type EventTone } from "../model/events.ts";
import type { WorldEventRecord } from "../model/records.ts";
import type { Theme } from "../theme.ts";
import { color3 } from "./assets.ts";
import type { GuestLayout, Vec3 } from "./layout.ts";

/** How far in front of the caddy face and above its top edge a beacon floats, in metres. */
const STANDOFF = 0.06;
const LIFT = 0.03;
const DIAMETER = 0.035;
/** The pulse is slow: this many frames a second show it, like the LED rhythms, without drawing the hall at full rate. */
const PULSE_FPS = 24;

export interface BeaconPlacement {
  eventId: string;
  tone: EventTone;
  position: Vec3;
}

/** Where each open alert about a guest in the hall shows its beacon: just above the guest's caddy, out from the face. */
export function beaconPlacements(events: Iterable<WorldEventRecord>, guests: ReadonlyMap<string, GuestLayout>): BeaconPlacement[] {
  const placements: BeaconPlacement[] = [];
  for (const event of events) {
    if (!isAlert(event)) continue;
    const key = eventGuestKey(event);
    const guest = key ? guests.get(key) : undefined;
    if (!guest) continue;
    const { front, height, facing } = guest;
    placements.push({ eventId: event.id, tone: eventTone(event), position: { x: front.x, y: front.y + height / 2 + LIFT, z: front.z + facing * STANDOFF } });
  }
  return placements;
}

/**
 * Brightness of a beacon at `ms`: warnings pulse at 1 Hz, errors blink at 2 Hz, info glows steady (the deck's
 * rhythms, so colour is never the only cue); steady at full under reduced motion.
 */
export function beaconBrightness(tone: EventTone, ms: number, reducedMotion: boolean): number {
  if (reducedMotion || tone === "info") return 1;
  if (tone === "error") return Math.floor(ms / 250) % 2 === 0 ? 1 : 0.15;
  return 0.25 + 0.75 * (0.5 - 0.5 * Math.cos((2 * Math.PI * ms) / 1000));
}

/**
 * A small glowing bead above every guest with an open alert, so trouble can be found by walking the hall. Beads
 * follow the layout each frame (guests move when hosts are added) and go when the server clears the alert.
 */
export class AlertBeacons {
  private readonly beads = new Map<string, { mesh: Mesh; tone: EventTone }>();
  private readonly materials: Record<EventTone, StandardMaterial>;
  private readonly unsubscribe: () => void;
  private lastPulse = 0;
  /** A beacon came or went since the last frame: the hall must be drawn once even if none pulses now. */
  private changed = false;

  constructor(
    private readonly scene: Scene,
    theme: Theme,
    private readonly estate: Estate,
    private readonly guests: () => ReadonlyMap<string, GuestLayout>,
    private readonly options: { reducedMotion(): boolean; now(): number; addGlowing(meshes: Mesh[]): void; removeGlowing(meshes: Mesh[]): void },
  ) {
    const material = (tone: EventTone, hex: string) => {
      const m = new StandardMaterial(`alert-beacon-${tone}`, scene);
      m.disableLighting = true;
      m.emissiveColor = color3(hex);
      return m;
    };
    this.materials = { info: material("info", theme.colors.accent), warning: material("warning", theme.colors.busy), error: material("error", theme.colors.error) };
    this.unsubscribe = estate.subscribe((changes) => {
      if (changes.events.size > 0 || changes.structure) this.sync();
    });
  }

  /**
   * Places and pulses the beacons; call every frame before rendering. Returns whether the hall must be drawn for
   * the pulse (at most PULSE_FPS times a second, and not under reduced motion, where beacons hold steady) or
   * because a beacon came or went.
   */
  animate(): boolean {
    const now = this.options.now();
    const changed = this.changed;
    this.changed = false;
    if (this.beads.size === 0 || (!changed && now - this.lastPulse < 1000 / PULSE_FPS)) return changed;
    this.lastPulse = now;
    const reducedMotion = this.options.reducedMotion();
    for (const placement of beaconPlacements(this.estate.events.values(), this.guests())) {
      const bead = this.beads.get(placement.eventId);
      if (!bead) continue;
      bead.mesh.position.set(placement.position.x, placement.position.y, placement.position.z);
      bead.mesh.visibility = beaconBrightness(bead.tone, now, reducedMotion);
    }
    return changed || !reducedMotion;
  }

  private sync(): void {
    const wanted = new Map(beaconPlacements(this.estate.events.values(), this.guests()).map((p) => [p.eventId, p]));
    for (const [id, bead] of this.beads) {
      if (wanted.get(id)?.tone === bead.tone) continue;
      this.options.removeGlowing([bead.mesh]);
      bead.mesh.dispose();
      this.beads.delete(id);
      this.changed = true;
    }
    for (const [id, placement] of wanted) {
      if (this.beads.has(id)) continue;
      const mesh = CreateSphere(`alert-beacon:${id}`, { diameter: DIAMETER, segments: 8 }, this.scene);
      mesh.material = this.materials[placement.tone];
      mesh.isPickable = false;
      mesh.position.set(placement.position.x, placement.position.y, placement.position.z);
      this.options.addGlowing([mesh]);
      this.beads.set(id, { mesh, tone: placement.tone });
      this.changed = true;
    }
  }

  dispose(): void {
    this.unsubscribe();
    for (const bead of this.beads.values()) bead.mesh.dispose();
    this.beads.clear();
    for (const material of Object.values(this.materials)) material.dispose();
  }
}
