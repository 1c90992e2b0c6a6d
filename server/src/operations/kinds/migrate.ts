import type { OperationOutcome } from "../outcome.ts";
import { runGuestTask, type StepEnv } from "../task-step.ts";

/**
 * Containers cannot move while running: they restart on the target (restart=1). Running VMs move online.
 * A stopped guest migrates offline either way.
 */
export async function runMigrate(env: StepEnv): Promise<OperationOutcome> {
  const { client, op } = env;
  const target = op.targetNode;
  const running = op.params.wasRunning === true;
  const params = op.guestType === "lxc" ? { target, restart: running } : { target, online: running };
  await runGuestTask(env, {
    name: "migrate",
    task: "migrate",
    start: () => client.migrateGuest(op.node, op.guestType, op.vmid, params),
    expectedSeconds: 20,
    span: [0, 1],
  });
  return { state: "succeeded", message: `Moved to ${target}.`, error: "" };
}
