/** Human formats for the panel, list and logs. Units follow the schema: MiB, KiB, seconds, fractions. */

/** Seconds since a boot time (ms since the epoch); 0 when not running. */
export function uptimeSeconds(bootedAt: number, nowMs: number): number {
  return bootedAt > 0 ? Math.max(0, (nowMs - bootedAt) / 1000) : 0;
}

export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return "—";
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${Math.floor(seconds % 60)}s`;
}

export function formatMiB(mib: number): string {
  if (!Number.isFinite(mib) || mib < 0) return "—";
  if (mib >= 1024 * 1024) return `${(mib / 1024 / 1024).toFixed(1)} TiB`;
  if (mib >= 1024) return `${(mib / 1024).toFixed(1)} GiB`;
  return `${Math.round(mib)} MiB`;
}

export function formatKiB(kib: number): string {
  return kib >= 1024 ? formatMiB(kib / 1024) : `${Math.round(kib)} KiB`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return "—";
  return `${Math.round(Math.max(0, fraction) * 100)}%`;
}

/** "3 s ago", "4 min ago", "2 h ago"; for the operations log. */
export function formatAge(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** A date and time in the user's locale, to the minute; "—" when unknown. */
export function formatDate(epochMs: number | null): string {
  if (epochMs === null || !Number.isFinite(epochMs)) return "—";
  return new Date(epochMs).toLocaleString(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
