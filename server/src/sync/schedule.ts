/**
 * Delay until the next cycle of a fixed-rate loop: cycles start every `intervalMs`, whatever each one
 * took, so a change waits at most one interval for the next read. A cycle that overran its interval
 * makes the loop skip the start times it missed (keeping its phase) instead of starting late ones
 * back to back.
 */
export function delayToNextStart(startedAt: number, now: number, intervalMs: number): number {
  const elapsed = Math.max(0, now - startedAt);
  return intervalMs - (elapsed % intervalMs);
}
