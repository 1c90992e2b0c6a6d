import type { AbstractMesh } from "@babylonjs/core/Meshes/abstractMesh";
import { guestKey } from "../../../shared/src/protocol.ts";
import { isActiveOperationState, type Estate, type EstateChanges } from "../model/estate.ts";
import { guestLedState } from "../model/ledState.ts";
import { hostKey } from "../model/records.ts";
import type { Theme } from "../theme.ts";
import type { HallAssets } from "./assets.ts";
import type { GlowMeshes } from "./hallScene.ts";
import { computeLayout, type GuestLayout, type HallLayout, type HostLayout, type LayoutInput } from "./layout.ts";
import { isAnimated } from "./ledColors.ts";
import { RowView, type GuestLook, type HostLook, type ProgressEntry } from "./rowView.ts";

const mergeGlowMeshes = (all: readonly GlowMeshes[]): GlowMeshes => ({
  glowing: all.flatMap((m) => m.glowing),
  occluding: all.flatMap((m) => m.occluding),
});

export function layoutInputOf(estate: Estate): LayoutInput {
  return {
    clusters: [...estate.clusters.values()].map((c) => ({ id: c.id, name: c.name })),
    hosts: [...estate.hosts.values()].map((h) => ({ key: h.key, clusterId: h.clusterId, node: h.node, rack: h.rack, slot: h.slot })),
    guests: [...estate.guests.values()].map((g) => ({ key: g.key, hostKey: hostKey(g.clusterId, g.node), vmid: g.vmid })),
  };
}

export interface HallViewEvents {
  /** The layout changed (hosts or guests appeared, moved or left). */
  onLayout?(layout: HallLayout): void;
  /** Rows were created or disposed: the glow layer must learn about their LEDs and what hides them. */
  onRowMeshes?(added: GlowMeshes, removed: GlowMeshes): void;
  /** Something visible changed (an LED, meter, cover, progress bar or the layout): a new frame is needed. */
  onVisualChange?(): void;
}

/**
 * The estate as a hall: owns one RowView per rack row (created when a row appears, rebuilt when its contents move,
 * disposed when it goes) and keeps every LED, meter, cover and progress bar in step with the estate's changes.
 */
export class HallView {
  layout: HallLayout = computeLayout({ clusters: [], hosts: [], guests: [] });
  private rows: RowView[] = [];
  private signatures: string[] = [];
  private readonly rowOfGuest = new Map<string, RowView>();
  private readonly rowOfHost = new Map<string, RowView>();
  private readonly animated = new Map<RowView, Set<string>>();
  private readonly progressRows = new Set<RowView>();
  private highlighted = new Set<string>();
  private readonly unsubscribe: () => void;
  private now = 0;

  constructor(
    private readonly assets: HallAssets,
    private readonly theme: Theme,
    private readonly estate: Estate,
    private readonly events: HallViewEvents = {},
  ) {
    this.unsubscribe = estate.subscribe((changes) => this.apply(changes));
  }

  get rowViews(): readonly RowView[] {
    return this.rows;
  }

  /** Applies one batch of estate changes (called from Estate.flush, once per frame). */
  apply(changes: EstateChanges): void {
    const touched = new Set<RowView>();
    const rebuilt = changes.structure ? this.relayout() : new Set<RowView>();
    for (const row of rebuilt) {
      touched.add(row);
      this.animated.get(row)?.clear();
    }
    for (const [key, row] of this.rowOfHost) {
      if ((rebuilt.has(row) || changes.hosts.has(key)) && row.applyHost(key, this.hostLook(key))) touched.add(row);
    }
    for (const [key, row] of this.rowOfGuest) {
      if ((rebuilt.has(row) || changes.guests.has(key)) && this.applyGuest(row, key)) touched.add(row);
    }
    if (changes.operations.size > 0 || changes.guests.size > 0 || rebuilt.size > 0) {
      for (const row of this.updateProgress()) touched.add(row);
    }
    for (const row of touched) row.commit();
    if (touched.size > 0 || changes.structure) this.events.onVisualChange?.();
  }

  /** Some LED pulses or blinks, so frames must keep coming even when nothing else moves. */
  get hasAnimatedLeds(): boolean {
    for (const keys of this.animated.values()) if (keys.size > 0) return true;
    return false;
  }

  /** Advances LED rhythms (pulse, blink); cheap when nothing is busy or failing. */
  tick(timeSec: number): void {
    this.now = timeSec;
    for (const [row, keys] of this.animated) {
      if (keys.size === 0) continue;
      row.animate(keys, timeSec);
      row.commit();
    }
  }

  /** Guests drawn with the accent tint (hover and selection). */
  setHighlighted(keys: Iterable<string>): void {
    const next = new Set(keys);
    const changed = [...this.highlighted, ...next].filter((k) => this.highlighted.has(k) !== next.has(k));
    this.highlighted = next;
    const touched = new Set<RowView>();
    for (const key of changed) {
      const row = this.rowOfGuest.get(key);
      if (row && this.applyGuest(row, key)) touched.add(row);
    }
    for (const row of touched) row.commit();
    if (touched.size > 0) this.events.onVisualChange?.();
  }

  /** Maps a picked caddy instance back to its guest. */
  guestAt(mesh: AbstractMesh | null | undefined, thinInstanceIndex: number): string | undefined {
    if (!mesh || thinInstanceIndex < 0) return undefined;
    const row = this.rows.find((r) => r.pickMesh === mesh);
    return row?.guestKeyAt(thinInstanceIndex);
  }

  isPickable(mesh: AbstractMesh): boolean {
    return this.rows.some((r) => r.pickMesh === mesh);
  }

  ledColorOf(key: string): [number, number, number, number] | undefined {
    return this.rowOfGuest.get(key)?.ledColorOf(key);
  }

  dispose(): void {
    this.unsubscribe();
    this.events.onRowMeshes?.(mergeGlowMeshes([]), mergeGlowMeshes(this.rows.map((r) => r.glowMeshes)));
    for (const row of this.rows) row.dispose();
    this.rows = [];
    this.rowOfGuest.clear();
    this.rowOfHost.clear();
    this.animated.clear();
  }

  private applyGuest(row: RowView, key: string): boolean {
    const guest = this.estate.guests.get(key);
    if (!guest) return false;
    const look: GuestLook = {
      led: guestLedState(this.estate, key),
      type: guest.type,
      template: guest.template,
      highlighted: this.highlighted.has(key),
    };
    let set = this.animated.get(row);
    if (!set) this.animated.set(row, (set = new Set()));
    if (isAnimated(look.led)) set.add(key);
    else set.delete(key);
    return row.applyGuest(key, look, this.now);
  }

  private hostLook(key: string): HostLook {
    const host = this.estate.hosts.get(key);
    const cluster = host && this.estate.clusters.get(host.clusterId);
    return {
      offline: !host || host.status === "offline" || cluster?.status === "offline",
      unknown: host?.status === "unknown" || cluster?.status === "connecting",
      cpu: host?.cpu ?? 0,
    };
  }

  /** Recomputes the layout; rebuilds only rows whose contents or place changed. Returns the rebuilt rows. */
  private relayout(): Set<RowView> {
    const layout = computeLayout(layoutInputOf(this.estate));
    this.layout = layout;
    const hostsByRow = layout.rows.map((): HostLayout[] => []);
    const guestsByRow = layout.rows.map((): GuestLayout[] => []);
    for (const h of layout.hosts.values()) hostsByRow[h.row]!.push(h);
    for (const g of layout.guests.values()) guestsByRow[g.row]!.push(g);

    const rebuilt = new Set<RowView>();
    const added: GlowMeshes[] = [];
    const removed: GlowMeshes[] = [];
    for (const extra of this.rows.splice(layout.rows.length)) {
      removed.push(extra.glowMeshes);
      this.animated.delete(extra);
      this.progressRows.delete(extra);
      extra.dispose();
    }
    this.signatures.length = this.rows.length;

    this.rowOfGuest.clear();
    this.rowOfHost.clear();
    layout.rows.forEach((rowLayout, i) => {
      let row = this.rows[i];
      if (!row) {
        row = new RowView(i, this.assets, this.theme);
        this.rows[i] = row;
        added.push(row.glowMeshes);
      }
      const racks = rowLayout.rackIds.map((id) => layout.racks.get(id)!);
      const hosts = hostsByRow[i]!.sort((a, b) => (a.key < b.key ? -1 : 1));
      const guests = guestsByRow[i]!.sort((a, b) => (a.key < b.key ? -1 : 1));
      // Positions follow from these fields, so equal signatures mean an identical row (and no rebuild).
      const signature = [
        `${rowLayout.z}|${rowLayout.facing}|${rowLayout.xEnd}|${rowLayout.spares}|${rowLayout.rackIds.join(",")}`,
        hosts.map((h) => `${h.key}@${h.rackId}:${h.slot}:${h.bays.columns}x${h.bays.rows}`).join(","),
        guests.map((g) => `${g.key}@${g.hostKey}:${g.bay}`).join(","),
      ].join("\n");
      if (signature !== this.signatures[i]) {
        row.build(rowLayout, racks, hosts, guests);
        this.signatures[i] = signature;
        rebuilt.add(row);
      }
      for (const h of hosts) this.rowOfHost.set(h.key, row);
      for (const g of guests) this.rowOfGuest.set(g.key, row);
    });
    if (added.length || removed.length) this.events.onRowMeshes?.(mergeGlowMeshes(added), mergeGlowMeshes(removed));
    this.events.onLayout?.(layout);
    return rebuilt;
  }

  private updateProgress(): Set<RowView> {
    const byRow = new Map<RowView, ProgressEntry[]>();
    for (const op of this.estate.operations.values()) {
      if (!isActiveOperationState(op.state)) continue;
      const key = guestKey(op.clusterId, op.vmid);
      const row = this.rowOfGuest.get(key);
      if (!row) continue;
      let list = byRow.get(row);
      if (!list) byRow.set(row, (list = []));
      list.push({ key, progress: op.progress, failed: false });
    }
    const touched = new Set<RowView>();
    for (const row of new Set([...this.progressRows, ...byRow.keys()])) {
      if (row.setProgress(byRow.get(row) ?? [])) touched.add(row);
    }
    this.progressRows.clear();
    for (const row of byRow.keys()) this.progressRows.add(row);
    return touched;
  }
}
