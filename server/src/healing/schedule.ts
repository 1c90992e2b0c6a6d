import type { OperationContext } from "../operations/context.ts";
import { runJanitor } from "./janitor.ts";

export const JANITOR_QUEUE = "healing.janitor";
/** Every 6 hours, as the original design's StuckTaskJanitor. */
export const JANITOR_CRON = "0 */6 * * *";

/**
 * Self-healing runs as pg-boss jobs so exactly one instance runs it however many servers there are:
 * on a cron schedule, once at start-up, and whenever an admin asks.
 */
export async function startHealing(ctx: OperationContext, cron = JANITOR_CRON): Promise<void> {
  await ctx.boss.createQueue(JANITOR_QUEUE, { policy: "singleton", retryLimit: 1, expireInSeconds: 600 });
  await ctx.boss.work(JANITOR_QUEUE, { pollingIntervalSeconds: 2 }, async () => {
    await runJanitor(ctx);
  });
  await ctx.boss.schedule(JANITOR_QUEUE, cron, {}, { tz: "UTC" });
  await requestJanitor(ctx);
}

export async function requestJanitor(ctx: OperationContext): Promise<string | null> {
  return ctx.boss.send(JANITOR_QUEUE, {});
}
