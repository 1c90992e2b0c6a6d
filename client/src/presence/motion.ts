import { PRESENCE_RATE_HZ, type PresenceUpdate } from "../../../shared/src/presence.ts";
import { shortestAngle as angleDelta, type Pose } from "../controls/glide.ts";

export type { Pose };

/** Updates arrive every 50 ms: closing most of the gap in about that time hides the steps without lagging behind. */
const SMOOTHING_S = 0.06;
/** A jump this long (metres) is a teleport (summon, glide cut, rejoin): snap instead of sliding through racks. */
const SNAP_METRES = 8;
const SETTLED = 1e-3;

/**
 * Moves a remote avatar's shown pose toward its latest reported pose (exponential smoothing, frame-rate independent;
 * angles turn the short way). Returns the new pose and whether it is still moving.
 */
export function approach(shown: Pose, target: Pose, dtSeconds: number): { pose: Pose; moving: boolean } {
  if (Math.hypot(target.x - shown.x, target.y - shown.y, target.z - shown.z) > SNAP_METRES) return { pose: { ...target }, moving: false };
  const k = 1 - Math.exp(-Math.max(0, dtSeconds) / SMOOTHING_S);
  const pose = {
    x: shown.x + (target.x - shown.x) * k,
    y: shown.y + (target.y - shown.y) * k,
    z: shown.z + (target.z - shown.z) * k,
    yaw: shown.yaw + angleDelta(shown.yaw, target.yaw) * k,
    pitch: shown.pitch + (target.pitch - shown.pitch) * k,
  };
  const left = Math.abs(target.x - pose.x) + Math.abs(target.y - pose.y) + Math.abs(target.z - pose.z) + Math.abs(angleDelta(pose.yaw, target.yaw));
  return { pose: left < SETTLED ? { ...target } : pose, moving: left >= SETTLED };
}

/** Below these, a change is not worth a message: a centimetre, half a degree. */
const MOVE_METRES = 0.01;
const TURN_RADIANS = (0.5 * Math.PI) / 180;

/**
 * Decides when to tell the room where I am: at most PRESENCE_RATE_HZ times a second, only when something visible
 * changed, and a selection change right away (it is what others watch for).
 */
export class PresenceOutbox {
  private last: PresenceUpdate | null = null;
  private lastAt = -Infinity;

  next(pose: Pose, selection: string, nowMs: number): PresenceUpdate | null {
    const update: PresenceUpdate = { ...round(pose), selection };
    const last = this.last;
    const selectionChanged = last !== null && last.selection !== selection;
    if (!selectionChanged && nowMs - this.lastAt < 1000 / PRESENCE_RATE_HZ) return null;
    if (last && !selectionChanged && !movedEnough(last, update)) return null;
    this.last = update;
    this.lastAt = nowMs;
    return update;
  }

  /** After a rejoin the room knows nothing: send the next pose whatever it is. */
  reset(): void {
    this.last = null;
    this.lastAt = -Infinity;
  }
}

function movedEnough(a: PresenceUpdate, b: PresenceUpdate): boolean {
  return (
    Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z) >= MOVE_METRES ||
    Math.abs(angleDelta(a.yaw, b.yaw)) >= TURN_RADIANS ||
    Math.abs(a.pitch - b.pitch) >= TURN_RADIANS
  );
}

/** Millimetres and milliradians are plenty, and keep messages short. */
function round(p: Pose): Pose {
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { x: r(p.x), y: r(p.y), z: r(p.z), yaw: r(p.yaw), pitch: r(p.pitch) };
}

/**
 * Where a follower stands: behind the leader and a little to the right, turned toward the spot the leader looks at
 * (seen from where the follower actually is, which walls and racks may have pushed closer), so the leader stays in
 * view without filling it.
 */
export function followPose(leader: Pose, follower: { x: number; z: number }, back = 1.4, right = 0.7): Pose {
  const sin = Math.sin(leader.yaw);
  const cos = Math.cos(leader.yaw);
  const focus = { x: leader.x + sin * FOLLOW_FOCUS_METRES, z: leader.z + cos * FOLLOW_FOCUS_METRES };
  return {
    x: leader.x - sin * back + cos * right,
    y: leader.y,
    z: leader.z - cos * back - sin * right,
    yaw: Math.atan2(focus.x - follower.x, focus.z - follower.z),
    pitch: 0,
  };
}

/** How far ahead of the leader the follower looks. */
const FOLLOW_FOCUS_METRES = 2;

/**
 * Where the n-th summoned user stands: beside the admin, alternating right and left along the line they stand on,
 * looking the same way, so everyone sees what the admin sees and nobody lands inside a rack the admin faces
 * (Babylon yaw: forward is (sin yaw, cos yaw), right is (cos yaw, -sin yaw)).
 */
export function summonPose(summoner: Pose, index: number): Pose {
  const spacing = 0.9;
  const side = index % 2 === 0 ? 1 : -1;
  const offset = side * (Math.floor(index / 2) + 1) * spacing;
  return {
    x: summoner.x + Math.cos(summoner.yaw) * offset,
    y: summoner.y,
    z: summoner.z - Math.sin(summoner.yaw) * offset,
    yaw: summoner.yaw,
    pitch: summoner.pitch,
  };
}
