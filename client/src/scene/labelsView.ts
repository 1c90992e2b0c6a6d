import type { Scene } from "@babylonjs/core/scene";
import type { Estate } from "../model/estate.ts";
import { guestLedState } from "../model/ledState.ts";
import type { Theme } from "../theme.ts";
import { AtlasLabels, type PlacedLabel } from "./atlasLabels.ts";
import { frontToWorldX, type GuestLayout, type HallLayout, type HostLayout } from "./layout.ts";
import { guestLabel, hostLabel } from "./labelPainters.ts";
import { fadeWithDistance, nearestInView, type Point3 } from "./nearest.ts";

const GUEST_LABELS = 48;
const HOST_LABELS = 16;
const GUEST_FULL = 1.4;
const GUEST_NONE = 2.6;
const HOST_FULL = 2.6;
const HOST_NONE = 4.5;
const FACE_OFFSET = 0.0016;

const GUEST_SLOT = { slotWidth: 256, slotHeight: 68 } as const;
const HOST_SLOT = { slotWidth: 288, slotHeight: 144 } as const;

/**
 * Where the caddy's label strip is: after the LED, before the latch handle. The plane keeps the atlas slot's aspect
 * (text is never stretched); it shrinks with the caddy when a host packs more guests.
 */
function guestStrip(g: GuestLayout): { x: number; y: number; z: number; width: number; height: number } {
  const left = -g.width / 2 + 0.022;
  const maxWidth = g.width * 0.34 - left;
  const aspect = GUEST_SLOT.slotWidth / GUEST_SLOT.slotHeight;
  const height = Math.min(g.height * 0.8, maxWidth / aspect);
  const width = height * aspect;
  return {
    x: frontToWorldX(g.front.x, left + width / 2, g.facing),
    y: g.front.y,
    z: g.front.z + g.facing * FACE_OFFSET,
    width,
    height,
  };
}

/** The host name plate above the load meter. */
function hostPlate(h: HostLayout): { x: number; y: number; z: number; width: number; height: number } {
  return { x: frontToWorldX(h.front.x, -0.3, h.facing), y: h.front.y + 0.07, z: h.front.z + h.facing * FACE_OFFSET, width: 0.18, height: (0.18 * HOST_SLOT.slotHeight) / HOST_SLOT.slotWidth };
}

const yawFor = (facing: 1 | -1) => (facing === 1 ? Math.PI : 0);

/**
 * Names and VMIDs appear on the caddies nearest to you, and host plates on nearby chassis, fading in as you
 * approach: a fixed pool of labels (two draw calls) reassigned a few times a second, never one per guest.
 */
export class LabelsView {
  private readonly guests: AtlasLabels;
  private readonly hosts: AtlasLabels;
  private layout: HallLayout | null = null;
  private guestPoints: Array<[string, { position: Point3; layout: GuestLayout }]> = [];
  private hostPoints: Array<[string, { position: Point3; layout: HostLayout }]> = [];
  private readonly showing = new Set<string>();

  constructor(
    scene: Scene,
    private readonly estate: Estate,
    private readonly theme: Theme,
  ) {
    this.guests = new AtlasLabels(scene, "guest-labels", { ...GUEST_SLOT, columns: 4, capacity: GUEST_LABELS });
    this.hosts = new AtlasLabels(scene, "host-labels", { ...HOST_SLOT, columns: 2, capacity: HOST_LABELS });
  }

  setLayout(layout: HallLayout): void {
    this.layout = layout;
    this.guestPoints = [...layout.guests].map(([k, g]) => [k, { position: g.front, layout: g }]);
    this.hostPoints = [...layout.hosts].map(([k, h]) => [k, { position: h.front, layout: h }]);
  }

  /** Reassigns labels for the current eye position to what is in view; `focus` guests (hovered, selected) always get one. */
  update(eye: Point3, forward: Point3, focus: readonly string[], inView: (p: Point3) => boolean): void {
    if (!this.layout) return;
    const near = nearestInView(this.guestPoints, eye, forward, { maxDistance: GUEST_NONE, limit: GUEST_LABELS, minCos: 0.2, inView });
    const chosen = new Map(near.map((n) => [n.key, n.distance]));
    for (const key of focus) {
      if (!chosen.has(key) && this.layout.guests.has(key)) chosen.set(key, 0);
    }
    const guestLabels: PlacedLabel[] = [];
    for (const [key, distance] of [...chosen].sort((a, b) => a[1] - b[1])) {
      const guest = this.estate.guests.get(key);
      const layout = this.layout.guests.get(key);
      if (!guest || !layout) continue;
      const alpha = focus.includes(key) ? 1 : fadeWithDistance(distance, GUEST_FULL, GUEST_NONE);
      if (alpha <= 0.02) continue;
      guestLabels.push({ content: guestLabel(guest, guestLedState(this.estate, key), this.theme), ...guestStrip(layout), yaw: yawFor(layout.facing), alpha });
    }
    this.guests.show(guestLabels.slice(0, GUEST_LABELS));
    this.showing.clear();
    for (const label of guestLabels.slice(0, GUEST_LABELS)) this.showing.add(label.content.id);

    const nearHosts = nearestInView(this.hostPoints, eye, forward, { maxDistance: HOST_NONE, limit: HOST_LABELS, minCos: 0.1, inView });
    const hostLabels: PlacedLabel[] = [];
    for (const n of nearHosts) {
      const host = this.estate.hosts.get(n.key);
      if (!host) continue;
      const cluster = this.estate.clusters.get(host.clusterId);
      const offline = host.status === "offline" || cluster?.status === "offline";
      const content = hostLabel(host, offline, this.estate.guestKeysOfHost(n.key).size, this.theme);
      hostLabels.push({ content, ...hostPlate(n.item.layout), yaw: yawFor(n.item.layout.facing), alpha: fadeWithDistance(n.distance, HOST_FULL, HOST_NONE) });
    }
    this.hosts.show(hostLabels);
    for (const label of hostLabels) this.showing.add(label.content.id);
  }

  /** Whether a guest or host key currently carries a label (its changes then need a redraw). */
  isShowing(key: string): boolean {
    return this.showing.has(key);
  }

  dispose(): void {
    this.guests.dispose();
    this.hosts.dispose();
  }
}
