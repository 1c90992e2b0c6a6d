/** One line of the audit log as `GET /api/audit` returns it (newest first). */
export interface AuditRecord {
  id: number;
  /** ISO 8601 time, server clock. */
  at: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  /** Part of the target ("lab/101", "user/ada"), any case; "" keeps all. */
  target: string;
  /** Part of the actor's name, any case; "" keeps all. */
  actor: string;
}

/** Entries whose target and actor contain the filter's text (case-insensitive), in the server's order. */
export function filterAudit(entries: readonly AuditRecord[], filter: AuditFilter): AuditRecord[] {
  const target = filter.target.trim().toLowerCase();
  const actor = filter.actor.trim().toLowerCase();
  return entries.filter((e) => (!target || e.target.toLowerCase().includes(target)) && (!actor || e.actor.toLowerCase().includes(actor)));
}

export type AuditTone = "ok" | "error" | "info";

/** Success green, refusal or failure red, anything else (requested, pending) neutral. */
export function auditTone(outcome: string): AuditTone {
  if (outcome === "succeeded") return "ok";
  if (outcome === "failed" || outcome === "refused" || outcome === "denied") return "error";
  return "info";
}

const DETAIL_LENGTH = 120;

/** The detail object as one short line ("ip: 127.0.0.1 · demo: true"); nested values are written as JSON. */
export function auditDetailSummary(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail).map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  const line = parts.join(" · ");
  return line.length > DETAIL_LENGTH ? `${line.slice(0, DETAIL_LENGTH - 1)}…` : line;
}

/** When an entry was recorded, to the second (the order of a sign-in and what followed matters); "—" if unreadable. */
export function auditTime(at: string): string {
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) return "—";
  return new Date(ms).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
