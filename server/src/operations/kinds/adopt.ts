import { recordApp } from "../../db/apps.ts";
import type { OperationOutcome } from "../outcome.ts";
import type { StepEnv } from "../task-step.ts";

/** Config keys that describe the moment, not the guest. */
const TRANSIENT_KEYS = new Set(["digest", "lock"]);

/** Takes a guest Proximity did not create under management, recording its configuration as found. */
export async function runAdopt(env: StepEnv): Promise<OperationOutcome> {
  const { ctx, client, op } = env;
  const config = (await client.guestConfig(op.node, op.guestType, op.vmid)) as Record<string, unknown>;
  const recorded = Object.fromEntries(Object.entries(config).filter(([key]) => !TRANSIENT_KEYS.has(key)));
  const appId = typeof op.params.app === "string" ? op.params.app : "";
  const app = { clusterId: op.clusterId, vmid: op.vmid, appId, origin: "adopted" as const, config: recorded, url: "" };
  await recordApp(ctx.sql, app, ctx.now());
  ctx.feed.publish({ type: "app", clusterId: op.clusterId, vmid: op.vmid, app });
  await env.report(1, "configuration recorded");
  return { state: "succeeded", message: `Adopted ${op.vmid}${appId ? ` as ${appId}` : ""}.`, error: "" };
}
