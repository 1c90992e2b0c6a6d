import { randomUUID } from "node:crypto";
import { claimOperation, releaseClaim, renewClaim, type Claim } from "../db/operations.ts";
import type { OperationContext } from "./context.ts";

/** A runner silent this long is taken for dead; longer than pg-boss' heartbeat so a live one is never overtaken. */
export const LEASE_MS = 30_000;
const RENEW_EVERY_MS = 5_000;

/** Refused, to be retried later: another live worker is running this operation. */
export class OperationHeldError extends Error {
  constructor(operationId: string) {
    super(`Operation ${operationId} is being run by another worker.`);
    this.name = "OperationHeldError";
  }
}

export interface Lease {
  /** Aborts when the job is cancelled or another worker took the operation over. */
  signal: AbortSignal;
  /** True once another worker took over: this one must stop without ending the operation. */
  lost(): boolean;
  /** Stops renewing and frees the operation for the next attempt; a lease lost to another worker stays theirs. */
  release(): Promise<void>;
}

/**
 * Holds an operation for this worker while it runs, renewing the lease; "held" and "ended" say why not.
 * Two workers never act on one operation at once, even when pg-boss redelivers a job whose first
 * worker is slow rather than dead.
 */
export async function holdOperation(ctx: OperationContext, operationId: string, jobSignal: AbortSignal): Promise<Lease | Exclude<Claim, "claimed">> {
  const runner = randomUUID();
  const claim = await claimOperation(ctx.sql, operationId, runner, ctx.now(), LEASE_MS);
  if (claim !== "claimed") return claim;
  const takenOver = new AbortController();
  const standDown = () => {
    if (!takenOver.signal.aborted) takenOver.abort(new OperationHeldError(operationId));
  };
  let renewedAt = Date.now();
  const timer = setInterval(() => {
    renewClaim(ctx.sql, operationId, runner, ctx.now()).then(
      (held) => {
        if (held) renewedAt = Date.now();
        else standDown();
      },
      (error: unknown) => {
        ctx.log.warn({ operationId, err: (error as Error).message }, "could not renew an operation's lease");
        // Cut off from the database as long as a lease lasts: another worker may have taken over by now.
        if (Date.now() - renewedAt > LEASE_MS - RENEW_EVERY_MS) standDown();
      },
    );
  }, RENEW_EVERY_MS);
  timer.unref();
  return {
    signal: AbortSignal.any([jobSignal, takenOver.signal]),
    lost: () => takenOver.signal.aborted,
    release: async () => {
      clearInterval(timer);
      await releaseClaim(ctx.sql, operationId, runner);
    },
  };
}
