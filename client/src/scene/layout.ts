/**
 * Hall layout: a pure function from the estate's structure (clusters, hosts with their rack and slot, guests) to
 * positions in metres. Babylon's left-handed frame: x along the rows, y up, z across them.
 *
 * Rows come in pairs facing each other across a cold aisle (where you walk), back to back across a hot aisle. Each
 * cluster starts a new row so an estate reads cluster by cluster. Racks fill a row left to right in rack-id order;
 * hosts sit in their server-given slot (slot 0 at the top, eye level first); guests fill the chassis's drive bays in
 * VMID order, so a new guest (PVE hands out increasing VMIDs) never moves another one.
 */

export const RACK = { width: 0.9, depth: 1.1, height: 2.35, slots: 6, slotPitch: 0.32, topInner: 2.24 } as const;
export const CHASSIS = { width: 0.8, height: 0.3, depth: 0.9, inset: 0.03 } as const;
/** The chassis front: a host panel on the viewer's left, a grid of drive bays for the guests on the right. */
export const FRONT = {
  hostPanelLeft: -0.4,
  hostPanelRight: -0.2,
  baysLeft: -0.19,
  baysRight: 0.39,
  baysTop: 0.14,
  baysBottom: -0.14,
  columns: 3,
  minRows: 6,
  gapU: 0.008,
  gapV: 0.005,
} as const;
export const AISLE = { cold: 2.0, hot: 1.2, entrance: 4.0, back: 2.5, service: 1.6 } as const;
export const RACKS_PER_ROW = 10;
/** Short rows are completed with closed spare racks, so a small estate still reads as a hall. */
export const MIN_RACKS_PER_ROW = 4;

export interface LayoutInput {
  clusters: ReadonlyArray<{ id: string; name: string }>;
  hosts: ReadonlyArray<{ key: string; clusterId: string; node: string; rack: string; slot: number }>;
  guests: ReadonlyArray<{ key: string; hostKey: string; vmid: number }>;
}

export type Facing = 1 | -1;

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

export interface Rect {
  minX: number;
  maxX: number;
  minZ: number;
  maxZ: number;
}

export interface RowLayout {
  index: number;
  clusterId: string;
  /** Row centre line across the aisles. */
  z: number;
  /** +1: fronts face +z. */
  facing: Facing;
  xStart: number;
  xEnd: number;
  rackIds: readonly string[];
  /** Closed, empty racks after the real ones (up to MIN_RACKS_PER_ROW). */
  spares: number;
}

export interface RackLayout {
  id: string;
  label: string;
  clusterId: string;
  row: number;
  indexInRow: number;
  x: number;
  z: number;
  facing: Facing;
}

export interface HostLayout {
  key: string;
  rackId: string;
  row: number;
  slot: number;
  /** Centre of the chassis front face. */
  front: Vec3;
  facing: Facing;
  /** The drive-bay grid: FRONT.columns × FRONT.minRows unless the host has more guests than that. */
  bays: BayGrid;
}

export interface GuestLayout {
  key: string;
  hostKey: string;
  row: number;
  bay: number;
  /** Centre of the drive caddy's front face. */
  front: Vec3;
  width: number;
  height: number;
  facing: Facing;
}

export interface HallLayout {
  rows: readonly RowLayout[];
  racks: ReadonlyMap<string, RackLayout>;
  hosts: ReadonlyMap<string, HostLayout>;
  guests: ReadonlyMap<string, GuestLayout>;
  /** Interior of the hall walls. */
  bounds: Rect;
  /** Rack-row footprints you cannot walk through. */
  obstacles: readonly Rect[];
  spawn: { x: number; z: number; yaw: number };
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
const compare = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

/** Row z and facing: pairs of rows face each other across a cold aisle. */
export function rowPlacement(index: number): { z: number; facing: Facing } {
  const pairPitch = 2 * RACK.depth + AISLE.cold + AISLE.hot;
  const pair = Math.floor(index / 2);
  const second = index % 2 === 1;
  return { z: pair * pairPitch + (second ? RACK.depth + AISLE.cold : 0), facing: second ? -1 : 1 };
}

/** Centre line of the cold aisle in front of a row. */
export function aisleZ(row: { z: number; facing: Facing }): number {
  return row.z + row.facing * (RACK.depth / 2 + AISLE.cold / 2);
}

/** Vertical centre of a slot: slot 0 is the top one. */
export function slotCenterY(slot: number): number {
  return RACK.topInner - (slot + 0.5) * RACK.slotPitch;
}

/**
 * Converts a position on a front face ("u" to the right as seen by someone facing the rack, "v" up) to world x.
 * Someone facing a +z-facing rack looks toward -z, and in Babylon's left-handed frame their right is -x.
 */
export function frontToWorldX(centerX: number, u: number, facing: Facing): number {
  return centerX - facing * u;
}

export interface BayGrid {
  columns: number;
  rows: number;
}

/** Rows per column of the standard grid: the drive-caddy shape every grid keeps. */
const BAY_ROWS_PER_COLUMN = FRONT.minRows / FRONT.columns;

/**
 * The bay grid for a host's guests. Up to FRONT.columns × FRONT.minRows it is the standard grid; a fuller host gets
 * more columns as well as more rows, in the standard grid's proportion, so its caddies shrink evenly and keep their
 * drive-caddy shape instead of thinning into slivers (200 guests: 10 × 20 bays of 5 × 1 cm, not 3 × 67 of 19 cm × 2 mm).
 */
export function bayGridFor(guestCount: number): BayGrid {
  if (guestCount <= FRONT.columns * FRONT.minRows) return { columns: FRONT.columns, rows: FRONT.minRows };
  const columns = Math.ceil(Math.sqrt(guestCount / BAY_ROWS_PER_COLUMN));
  return { columns, rows: Math.ceil(guestCount / columns) };
}

/** Centre (u, v) and size of bay `bay` in `grid`, relative to the chassis front centre. */
export function bayGeometry(bay: number, grid: BayGrid): { u: number; v: number; width: number; height: number } {
  const pitchU = (FRONT.baysRight - FRONT.baysLeft) / grid.columns;
  const pitchV = (FRONT.baysTop - FRONT.baysBottom) / grid.rows;
  const column = bay % grid.columns;
  const row = Math.floor(bay / grid.columns);
  return {
    u: FRONT.baysLeft + (column + 0.5) * pitchU,
    v: FRONT.baysTop - (row + 0.5) * pitchV,
    width: pitchU - FRONT.gapU,
    height: pitchV - FRONT.gapV,
  };
}

interface RackPlan {
  id: string;
  label: string;
  clusterId: string;
  hosts: Map<number, string>;
}

/** Puts each host in its rack slot; hosts whose slot is out of range or taken get the first free one, then overflow racks. */
function planRacks(input: LayoutInput): RackPlan[] {
  const byRack = new Map<string, LayoutInput["hosts"][number][]>();
  for (const host of input.hosts) {
    const id = host.rack.trim() === "" ? `~unracked/${host.clusterId}` : host.rack;
    let list = byRack.get(id);
    if (!list) byRack.set(id, (list = []));
    list.push(host);
  }
  const plans: RackPlan[] = [];
  for (const [id, hosts] of [...byRack.entries()].sort(([a], [b]) => compare(a, b))) {
    hosts.sort((a, b) => a.slot - b.slot || compare(a.clusterId, b.clusterId) || compare(a.node, b.node));
    const clusterId = [...hosts].sort((a, b) => compare(a.clusterId, b.clusterId))[0]!.clusterId;
    const label = id.startsWith("~unracked/") ? "unracked" : id;
    const chain: RackPlan[] = [{ id, label, clusterId, hosts: new Map() }];
    const homeless: string[] = [];
    for (const host of hosts) {
      const first = chain[0]!;
      const valid = Number.isInteger(host.slot) && host.slot >= 0 && host.slot < RACK.slots;
      if (valid && !first.hosts.has(host.slot)) first.hosts.set(host.slot, host.key);
      else homeless.push(host.key);
    }
    for (const key of homeless) {
      let target = chain.find((plan) => plan.hosts.size < RACK.slots);
      if (!target) {
        target = { id: `${id}~${chain.length + 1}`, label: `${label} (${chain.length + 1})`, clusterId, hosts: new Map() };
        chain.push(target);
      }
      let slot = 0;
      while (target.hosts.has(slot)) slot++;
      target.hosts.set(slot, key);
    }
    plans.push(...chain);
  }
  return plans;
}

export function computeLayout(input: LayoutInput): HallLayout {
  const plans = planRacks(input);
  const clusterIds = [...new Set([...input.clusters.map((c) => c.id), ...plans.map((p) => p.clusterId)])].sort(compare);

  const rows: RowLayout[] = [];
  const racks = new Map<string, RackLayout>();
  const hosts = new Map<string, HostLayout>();
  const hostRack = new Map<string, { plan: RackPlan; slot: number }>();
  for (const plan of plans) for (const [slot, key] of plan.hosts) hostRack.set(key, { plan, slot });

  for (const clusterId of clusterIds) {
    const clusterRacks = plans.filter((p) => p.clusterId === clusterId);
    const chunks: RackPlan[][] = [];
    for (let i = 0; i < clusterRacks.length; i += RACKS_PER_ROW) chunks.push(clusterRacks.slice(i, i + RACKS_PER_ROW));
    // A cluster with no hosts yet (connecting, or unreachable from the start) still gets its row and sign.
    if (chunks.length === 0) chunks.push([]);
    for (const chunk of chunks) {
      const index = rows.length;
      const { z, facing } = rowPlacement(index);
      const spares = Math.max(0, MIN_RACKS_PER_ROW - chunk.length);
      rows.push({
        index,
        clusterId,
        z,
        facing,
        xStart: 0,
        xEnd: (chunk.length + spares) * RACK.width,
        rackIds: chunk.map((p) => p.id),
        spares,
      });
      chunk.forEach((plan, indexInRow) => {
        racks.set(plan.id, {
          id: plan.id,
          label: plan.label,
          clusterId,
          row: index,
          indexInRow,
          x: (indexInRow + 0.5) * RACK.width,
          z,
          facing,
        });
      });
    }
  }

  const guestsByHost = new Map<string, LayoutInput["guests"][number][]>();
  for (const guest of input.guests) {
    let list = guestsByHost.get(guest.hostKey);
    if (!list) guestsByHost.set(guest.hostKey, (list = []));
    list.push(guest);
  }

  const guests = new Map<string, GuestLayout>();
  for (const host of input.hosts) {
    const place = hostRack.get(host.key);
    const rack = place && racks.get(place.plan.id);
    if (!place || !rack) continue;
    const hostGuests = (guestsByHost.get(host.key) ?? []).sort((a, b) => a.vmid - b.vmid || compare(a.key, b.key));
    const bays = bayGridFor(hostGuests.length);
    const front: Vec3 = {
      x: rack.x,
      y: slotCenterY(place.slot),
      z: rack.z + rack.facing * (RACK.depth / 2 - CHASSIS.inset),
    };
    hosts.set(host.key, { key: host.key, rackId: rack.id, row: rack.row, slot: place.slot, front, facing: rack.facing, bays });
    hostGuests.forEach((guest, bay) => {
      const g = bayGeometry(bay, bays);
      guests.set(guest.key, {
        key: guest.key,
        hostKey: host.key,
        row: rack.row,
        bay,
        front: { x: frontToWorldX(front.x, g.u, rack.facing), y: front.y + g.v, z: front.z + rack.facing * 0.012 },
        width: g.width,
        height: g.height,
        facing: rack.facing,
      });
    });
  }

  const obstacles: Rect[] = rows.map((row) => ({ minX: row.xStart, maxX: row.xEnd, minZ: row.z - RACK.depth / 2, maxZ: row.z + RACK.depth / 2 }));

  const longest = Math.max(MIN_RACKS_PER_ROW * RACK.width * 1.5, ...rows.map((r) => r.xEnd));
  const last = rows[rows.length - 1] ?? { z: 0, facing: 1 as Facing };
  const bounds: Rect = {
    minX: -AISLE.entrance,
    maxX: longest + AISLE.back,
    minZ: -RACK.depth / 2 - AISLE.service,
    maxZ: last.z + RACK.depth / 2 + (last.facing === 1 ? AISLE.cold : AISLE.service),
  };

  const firstRow = rows[0] ?? { z: 0, facing: 1 as Facing, xEnd: MIN_RACKS_PER_ROW * RACK.width };
  // Stand at the head of the first cold aisle, off its centre line, looking down the row's fronts at an angle.
  const spawnX = -1.2;
  const spawnZ = aisleZ(firstRow) + firstRow.facing * AISLE.cold * 0.3;
  const target = { x: Math.min(firstRow.xEnd, RACKS_PER_ROW * RACK.width * 0.6) * 0.5, z: firstRow.z + firstRow.facing * (RACK.depth / 2) };
  const spawn = { x: spawnX, z: spawnZ, yaw: Math.atan2(target.x - spawnX, target.z - spawnZ) };

  return { rows, racks, hosts, guests, bounds, obstacles, spawn };
}
