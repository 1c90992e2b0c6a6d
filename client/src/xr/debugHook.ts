export type Point = { x: number; y: number; z: number };

/** Where a headset session stands (Babylon's WebXRState, named). */
export type XrModeState = "ready" | "entering" | "in-xr" | "exiting";

/**
 * window.__proximityXr: a read-only view of headset mode for the browser tests and `npm run bench:client-xr`.
 * - state: "unsupported" | "ready" | "entering" | "in-xr" | "exiting"; reason: why VR is unavailable (else null).
 * - frames: XR frames drawn so far; frameTimeMs(): the scene's frame time (both eyes).
 * - pointerRay(hand): a controller's ray in world space, or null before that controller appears.
 * - guestPoint(key), panelActionPoint(command), panelOperationPoint(operation): world points to aim a ray at;
 *   guestFacing(key): the caddy faces +z (1) or -z (-1); headPosition(): where the headset is in the hall.
 * - confirmShown(): the in-world confirmation's words while one is asked (null otherwise): with a name to type, its
 *   prompt and what has been typed so far (both null when nothing needs typing); canConfirm: the action's button
 *   takes a press now. confirmButtonPoint(which): the world point of its Confirm (enabled or not) or Cancel button,
 *   null when not shown. confirmKeyPoint(key): the world point of the keyboard key that types `key` ("shift",
 *   "backspace" or a character; a capital's key is its letter's, to press after "shift"), null when no name is asked.
 * - formShown(): the management form's page while one is open (null otherwise): title, page/pages, status and rows,
 *   each with its actions and whether they can be used; formActionPoint(row, action): the world point of an action's
 *   button on the page shown, null when not shown; formFooterPoint(which): the world point of its "previous" or
 *   "next" page button (null with one page) or its "close" button.
 * - wristShown(): the wrist menu while it is worn (null otherwise): the search typed, whether its keyboard is up, the
 *   hits' guest keys and the operations log's lines; wristPoint(target): the world point of its search field, its
 *   Exit VR button, a key of its keyboard (by label) or a hit (by guest key), null when not shown.
 * - teleportTarget(): where the teleport ray last landed on the floor (its target mark), or null.
 * - viewerPosition(): where the hall places the user for presence, the audio listener and labels (the active camera).
 */
export interface ProximityXrDebug {
  readonly state: XrModeState | "unsupported";
  readonly reason: string | null;
  readonly frames: number;
  frameTimeMs(): number;
  pointerRay(hand: "left" | "right"): { origin: Point; direction: Point } | null;
  guestPoint(key: string): Point | null;
  guestFacing(key: string): 1 | -1 | null;
  headPosition(): Point | null;
  panelActionPoint(command: string): Point | null;
  panelOperationPoint(operation: string): Point | null;
  confirmShown(): ShownConfirmation | null;
  confirmButtonPoint(which: "confirm" | "cancel"): Point | null;
  confirmKeyPoint(key: string): Point | null;
  formShown(): ShownForm | null;
  formActionPoint(row: string, action: string): Point | null;
  formFooterPoint(which: "previous" | "next" | "close"): Point | null;
  wristShown(): ShownWristMenu | null;
  wristPoint(target: WristTarget): Point | null;
  teleportTarget(): Point | null;
  viewerPosition(): Point;
}

/** What the wrist menu shows. */
export interface ShownWristMenu {
  query: string;
  keyboard: boolean;
  results: string[];
  log: string[];
}

/** Something on the wrist menu a ray presses. */
export type WristTarget = { field: "search" | "exit" } | { key: string } | { hit: string };

/**
 * What the in-world confirmation asks. These shapes live here, not beside the panels that show them: the tests read
 * them and cannot import the panels' Babylon modules.
 */
export interface ShownConfirmation {
  title: string;
  message: string;
  /** The label of the name field, or null when nothing needs typing. */
  typedPrompt: string | null;
  /** What has been typed so far, or null when nothing needs typing. */
  typed: string | null;
  /** Whether the action's button accepts a press now (with a name to type, only once it is typed exactly). */
  canConfirm: boolean;
}

/** The page of a management form shown now. */
export interface ShownForm {
  title: string;
  page: number;
  pages: number;
  rows: { id: string; label: string; detail: string; actions: { id: string; label: string; usable: boolean }[] }[];
  status: string;
}

declare global {
  interface Window {
    __proximityXr?: ProximityXrDebug;
  }
}

