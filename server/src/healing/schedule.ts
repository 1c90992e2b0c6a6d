import type { OperationContext } from "../operations/context.ts";
import { runJanitor } from "./janitor.ts";
import { runReconciler } from "./reconciler.ts";

/** The self-healing controllers, each a pg-boss queue with its schedule. */
export const CONTROLLERS = {
  janitor: { queue: "healing.janitor", cron: "0 */6 * * *", run: runJanitor },
  reconciler: { queue: "healing.reconciler", cron: "0 * * * *", run: runReconciler },
} as const;
export type ControllerName = keyof typeof CONTROLLERS;

/**
 * Self-healing runs as pg-boss jobs so exactly one instance runs each controller however many
 * servers there are: on its cron schedule, once at start-up, and whenever an admin asks.
 */
export async function startHealing(ctx: OperationContext): Promise<void> {
  for (const [name, c] of Object.entries(CONTROLLERS) as [ControllerName, (typeof CONTROLLERS)[ControllerName]][]) {
    await ctx.boss.createQueue(c.queue, { policy: "singleton", retryLimit: 1, expireInSeconds: 600 });
    await ctx.boss.work(c.queue, { pollingIntervalSeconds: 2 }, async () => {
      await c.run(ctx);
    });
    await ctx.boss.schedule(c.queue, c.cron, {}, { tz: "UTC" });
    await requestHealing(ctx, name);
  }
}

export function requestHealing(ctx: OperationContext, name: ControllerName): Promise<string | null> {
  return ctx.boss.send(CONTROLLERS[name].queue, {});
}
