import type { CelebrationRecord } from "../scene/motion.ts";

/**
 * window.__proximity: a small view of the running client for browser tests and `npm run bench:client`; it only reads,
 * except standAt, which moves you as a walk would (to look at the hall from where no search leads, e.g. a hot aisle).
 *
 * - ready: true once the hall has drawn the first frame of live state.
 * - connection: "connecting" | "online" | "reconnecting" | "offline" | "signed-out".
 * - guestCount: guests in the client's mirror of the room state.
 * - firstFrameMs: ms from navigation start to that first frame (null until then).
 * - drawCalls(), frameTimeMs(): draw calls and frame time of the last frame.
 * - ledColorOf(key) / ledStateOf(key): a guest's LED colour [r,g,b,a] in the instance buffer, and its state word.
 * - screenPositionOf(key): CSS pixel of a guest's caddy centre on the canvas, or null when off-screen or behind you.
 * - panelActionPosition(command): CSS pixel of an action button on the open guest panel, or null.
 * - panelOperationPosition(operation): the same for a management button ("clone", "backups", …, "app").
 * - terminalScreenPosition(): CSS pixel of the catalog terminal's screen, or null when off-screen.
 * - hostScreenPosition(hostKey): CSS pixel of a host chassis front ("cluster/node"), or null when off-screen.
 * - panelOperationText(): the open panel's operation outcome and notice lines as drawn, or null when it is closed;
 *   panelFields(): its title, subtitle and values (status, uptime, cpu, mem, disk, net, tags) as drawn, or null.
 * - cameraPose(): where you stand and look (x, y, z in metres; yaw, pitch in radians); standAt(pose): stand there
 *   (kept out of racks and walls, as walking is) and draw.
 * - selectedKey, openPanelKey, hoveredKey: current selection state (guest keys "cluster/vmid").
 * - guestKeys(): every guest key.
 * - lastCelebration(): the latest deploy celebration (its motion's length and kind, start and end frame times in ms,
 *   how far its light travelled), or null before the first.
 * Keys are guestKey(clusterId, vmid) from shared/src/protocol.ts.
 */
export interface ProximityDebug {
  readonly ready: boolean;
  readonly connection: string;
  readonly guestCount: number;
  readonly firstFrameMs: number | null;
  drawCalls(): number;
  frameTimeMs(): number;
  ledColorOf(key: string): [number, number, number, number] | null;
  ledStateOf(key: string): string | null;
  screenPositionOf(key: string): { x: number; y: number } | null;
  panelActionPosition(command: string): { x: number; y: number } | null;
  panelOperationPosition(operation: string): { x: number; y: number } | null;
  terminalScreenPosition(): { x: number; y: number } | null;
  hostScreenPosition(hostKey: string): { x: number; y: number } | null;
  panelOperationText(): string | null;
  panelFields(): { title: string; subtitle: string; values: Record<string, string> } | null;
  cameraPose(): { x: number; y: number; z: number; yaw: number; pitch: number };
  standAt(pose: { x: number; y: number; z: number; yaw: number; pitch: number }): void;
  readonly selectedKey: string | null;
  readonly openPanelKey: string | null;
  readonly hoveredKey: string | null;
  guestKeys(): string[];
  lastCelebration(): CelebrationRecord | null;
}

declare global {
  interface Window {
    __proximity?: ProximityDebug;
  }
}

export function installDebugHook(hook: ProximityDebug): void {
  Object.defineProperty(window, "__proximity", { value: Object.freeze(hook), configurable: true });
}
