/**
 * window.__together: a read-only view of the other people in the hall as this client draws them, for browser tests
 * (the same pattern as window.__proximity in app/debugHook.ts). Free of Babylon imports so Node tests can import it.
 *
 * - snapshot().avatars: every other user with their shown (interpolated) position, their selection ("" for none) and
 *   whether they are connected (false while the server holds their place for a reconnection).
 * - snapshot().following: the session id this user follows, or null.
 * - snapshot().pings: how many pings this client has shown (its own and others').
 */
export interface TogetherSnapshot {
  avatars: { name: string; color: string; connected: boolean; x: number; z: number; selection: string }[];
  following: string | null;
  /** Pings shown so far (one's own and others'). */
  pings: number;
}

declare global {
  interface Window {
    __together?: { snapshot(): TogetherSnapshot };
  }
}

export function installTogetherDebugHook(source: { snapshot(): TogetherSnapshot }): void {
  Object.defineProperty(window, "__together", { value: Object.freeze({ snapshot: () => source.snapshot() }), configurable: true });
}
