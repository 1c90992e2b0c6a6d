import { GUEST_PLANNERS } from "./guest-plans.ts";
import { planBackupDeleteWithoutGuest, planDeploy, planRestoreAsNew } from "./new-guest-plans.ts";
import { named, refuse, type PlanInput, type PlanResult } from "./types.ts";

export type { OperationPlan, PlanResult } from "./types.ts";

/** Commands that may name a guest that no longer exists (or, for deploy, none at all). */
const WITHOUT_GUEST: Record<string, (input: PlanInput) => Promise<PlanResult>> = {
  "app.deploy": planDeploy,
  "backup.restoreAsNew": planRestoreAsNew,
  "backup.delete": planBackupDeleteWithoutGuest,
};

/** Turns a validated, authorized command into an operation plan, or refuses it with the reason. */
export async function planCommand(input: PlanInput): Promise<PlanResult> {
  const { command, guest, cluster, payload } = input;
  const planner = GUEST_PLANNERS[command];
  if (!guest || !planner) {
    const withoutGuest = WITHOUT_GUEST[command];
    if (withoutGuest) return withoutGuest(input);
    return refuse("not_found", `No guest ${payload.vmid} in cluster ${cluster.name}.`);
  }
  if (guest.status === "unknown" && command !== "backup.delete") {
    return refuse("invalid_state", `The state of ${named(guest)} is unknown (its node may be offline); try again once it reports.`);
  }
  return planner(input, guest);
}
