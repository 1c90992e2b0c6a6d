import type { OperationKind, OperationState } from "../../../shared/src/protocol.ts";
import type { Sql } from "./sql.ts";

export interface OperationRecord {
  id: string;
  kind: OperationKind;
  clusterId: string;
  vmid: number;
  node: string;
  guestType: "lxc" | "qemu";
  requestedBy: string;
  state: OperationState;
  progress: number;
  message: string;
  error: string;
  upid: string | null;
  params: Record<string, unknown>;
  /** The guest it creates or restores into (deploy, clone, restore as new), null otherwise. */
  targetVmid: number | null;
  targetNode: string;
  summary: string;
  /** Completed steps of a multi-step operation, by name: the UPID of each step's task. */
  steps: Record<string, string>;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

interface OperationRow {
  id: string;
  kind: OperationKind;
  cluster_id: string;
  vmid: number;
  node: string;
  guest_type: "lxc" | "qemu";
  requested_by: string;
  state: OperationState;
  progress: number;
  message: string;
  error: string;
  upid: string | null;
  params: Record<string, unknown>;
  target_vmid: number | null;
  target_node: string;
  summary: string;
  steps: Record<string, string>;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS =
  "id, kind, cluster_id, vmid, node, guest_type, requested_by, state, progress, message, error, upid, params, " +
  "target_vmid, target_node, summary, steps, created_at, started_at, finished_at";

function fromRow(r: OperationRow): OperationRecord {
  return {
    id: r.id,
    kind: r.kind,
    clusterId: r.cluster_id,
    vmid: r.vmid,
    node: r.node,
    guestType: r.guest_type,
    requestedBy: r.requested_by,
    state: r.state,
    progress: r.progress,
    message: r.message,
    error: r.error,
    upid: r.upid,
    params: r.params,
    targetVmid: r.target_vmid,
    targetNode: r.target_node,
    summary: r.summary,
    steps: r.steps,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

export type NewOperation = Pick<
  OperationRecord,
  "id" | "kind" | "clusterId" | "vmid" | "node" | "guestType" | "requestedBy" | "params"
> &
  Partial<Pick<OperationRecord, "targetVmid" | "targetNode" | "summary">>;

/**
 * Inserts a queued operation; returns null when its guest, or the guest it targets, already has one in
 * flight (either partial unique index refuses it).
 */
export async function insertOperation(tx: Sql, op: NewOperation, now: Date): Promise<OperationRecord | null> {
  const { rows } = await tx.query<OperationRow>(
    `INSERT INTO operations (id, kind, cluster_id, vmid, node, guest_type, requested_by, state, params, created_at,
       target_vmid, target_node, summary)
     SELECT $1, $2, $3, $4, $5, $6, $7, 'queued', $8::jsonb, $9, $10, $11, $12
     WHERE NOT EXISTS (
       SELECT 1 FROM operations WHERE cluster_id = $3 AND state IN ('queued', 'running')
         AND (vmid = $4 OR target_vmid = $4 OR ($10::integer IS NOT NULL AND (vmid = $10 OR target_vmid = $10))))
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      op.id,
      op.kind,
      op.clusterId,
      op.vmid,
      op.node,
      op.guestType,
      op.requestedBy,
      JSON.stringify(op.params),
      now,
      op.targetVmid ?? null,
      op.targetNode ?? "",
      op.summary ?? "",
    ],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function getOperation(sql: Sql, id: string): Promise<OperationRecord | null> {
  const { rows } = await sql.query<OperationRow>(`SELECT ${COLUMNS} FROM operations WHERE id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The operation in flight on a guest, whether it acts on it or creates it. */
export async function findActiveOperation(sql: Sql, clusterId: string, vmid: number): Promise<OperationRecord | null> {
  const { rows } = await sql.query<OperationRow>(
    `SELECT ${COLUMNS} FROM operations WHERE cluster_id = $1 AND (vmid = $2 OR target_vmid = $2) AND state IN ('queued', 'running')
     LIMIT 1`,
    [clusterId, vmid],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** In-flight operations plus the most recent finished ones, newest first. */
export async function listRecentOperations(sql: Sql, finishedLimit: number): Promise<OperationRecord[]> {
  const { rows } = await sql.query<OperationRow>(
    `(SELECT ${COLUMNS} FROM operations WHERE state IN ('queued', 'running'))
     UNION ALL
     (SELECT ${COLUMNS} FROM operations WHERE state IN ('succeeded', 'failed') ORDER BY finished_at DESC LIMIT $1)`,
    [finishedLimit],
  );
  return rows.map(fromRow).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

export async function markRunning(sql: Sql, id: string, now: Date): Promise<OperationRecord | null> {
  const { rows } = await sql.query<OperationRow>(
    `UPDATE operations SET state = 'running', started_at = COALESCE(started_at, $2)
     WHERE id = $1 AND state IN ('queued', 'running') RETURNING ${COLUMNS}`,
    [id, now],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function recordUpid(sql: Sql, id: string, upid: string): Promise<void> {
  await sql.query("UPDATE operations SET upid = $2 WHERE id = $1", [id, upid]);
}

/**
 * Records the task a step of an operation started; it also becomes the operation's current task (`upid`),
 * the one the janitor checks. Returns the steps as stored now.
 */
export async function recordStep(sql: Sql, id: string, step: string, upid: string): Promise<Record<string, string>> {
  const { rows } = await sql.query<{ steps: Record<string, string> }>(
    "UPDATE operations SET steps = steps || jsonb_build_object($2::text, $3::text), upid = $3 WHERE id = $1 RETURNING steps",
    [id, step, upid],
  );
  return rows[0]?.steps ?? {};
}

export type Claim = "claimed" | "held" | "ended";

/**
 * Takes an operation for one runner: when nobody holds it, when this runner does, or when the holder
 * has not renewed its lease for `leaseMs`. "held": another live runner has it; "ended": nothing to do.
 */
export async function claimOperation(sql: Sql, id: string, runner: string, now: Date, leaseMs: number): Promise<Claim> {
  const { rows } = await sql.query<{ runner: string | null; state: OperationState }>(
    `UPDATE operations SET runner = $2, runner_seen = $3
     WHERE id = $1 AND state IN ('queued', 'running')
       AND (runner IS NULL OR runner = $2 OR runner_seen < $3::timestamptz - make_interval(secs => $4::double precision / 1000))
     RETURNING runner, state`,
    [id, runner, now, leaseMs],
  );
  if (rows.length > 0) return "claimed";
  const current = await sql.query<{ state: OperationState }>("SELECT state FROM operations WHERE id = $1", [id]);
  const state = current.rows[0]?.state;
  return state === "queued" || state === "running" ? "held" : "ended";
}

/** Renews a runner's lease; false when another runner took the operation over (or it ended). */
export async function renewClaim(sql: Sql, id: string, runner: string, now: Date): Promise<boolean> {
  const { rows } = await sql.query("UPDATE operations SET runner_seen = $3 WHERE id = $1 AND runner = $2 AND state IN ('queued', 'running') RETURNING id", [
    id,
    runner,
    now,
  ]);
  return rows.length > 0;
}

/** Lets go of an operation so the next attempt (a retry) can take it at once. */
export async function releaseClaim(sql: Sql, id: string, runner: string): Promise<void> {
  await sql.query("UPDATE operations SET runner = NULL, runner_seen = NULL WHERE id = $1 AND runner = $2", [id, runner]);
}

/** VMIDs reserved by operations in flight that will create them. */
export async function reservedTargetVmids(sql: Sql, clusterId: string): Promise<Set<number>> {
  const { rows } = await sql.query<{ target_vmid: number }>(
    "SELECT target_vmid FROM operations WHERE cluster_id = $1 AND state IN ('queued', 'running') AND target_vmid IS NOT NULL",
    [clusterId],
  );
  return new Set(rows.map((r) => r.target_vmid));
}

export async function recordProgress(sql: Sql, id: string, progress: number, message: string): Promise<OperationRecord | null> {
  const { rows } = await sql.query<OperationRow>(
    `UPDATE operations SET progress = $2, message = $3 WHERE id = $1 AND state = 'running' RETURNING ${COLUMNS}`,
    [id, progress, message],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Ends an operation once; a second call (a retried job) changes nothing and returns null. */
export async function finishOperation(
  sql: Sql,
  id: string,
  outcome: { state: "succeeded" | "failed"; message: string; error: string },
  now: Date,
): Promise<OperationRecord | null> {
  const { rows } = await sql.query<OperationRow>(
    `UPDATE operations SET state = $2, message = $3, error = $4, progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE progress END,
       finished_at = $5
     WHERE id = $1 AND state IN ('queued', 'running') RETURNING ${COLUMNS}`,
    [id, outcome.state, outcome.message, outcome.error, now],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Operations still queued or running that began before `before`: candidates for the janitor. */
export async function listStaleActiveOperations(sql: Sql, before: Date): Promise<OperationRecord[]> {
  const { rows } = await sql.query<OperationRow>(
    `SELECT ${COLUMNS} FROM operations WHERE state IN ('queued', 'running') AND COALESCE(started_at, created_at) < $1
     ORDER BY created_at`,
    [before],
  );
  return rows.map(fromRow);
}

export async function listActiveOperations(sql: Sql, clusterId: string): Promise<OperationRecord[]> {
  const { rows } = await sql.query<OperationRow>(
    `SELECT ${COLUMNS} FROM operations WHERE cluster_id = $1 AND state IN ('queued', 'running')`,
    [clusterId],
  );
  return rows.map(fromRow);
}

/** Which of these UPIDs other operations, or other steps of this one, already recorded as theirs. */
export async function upidsClaimedByOthers(sql: Sql, operationId: string, upids: string[]): Promise<Set<string>> {
  if (upids.length === 0) return new Set();
  const { rows } = await sql.query<{ upid: string }>(
    `SELECT upid FROM operations WHERE id <> $1 AND upid = ANY($2::text[])
     UNION SELECT s.value AS upid FROM operations o, jsonb_each_text(o.steps) s WHERE s.value = ANY($2::text[])`,
    [operationId, upids],
  );
  return new Set(rows.map((r) => r.upid));
}
