import type { CommandName } from "../../../../shared/src/commands.ts";
import type { OperationKind, Rejection } from "../../../../shared/src/protocol.ts";
import type { ClusterRow } from "../../db/clusters.ts";
import type { DeploymentSecrets } from "../../db/deployment-secrets.ts";
import type { ProxmoxClient } from "../../proxmox/index.ts";
import type { GuestFacts } from "../../sync/model.ts";
import type { OperationContext } from "../context.ts";

/** What an accepted command becomes: the operation row's facts, decided before anything is queued. */
export interface OperationPlan {
  kind: OperationKind;
  vmid: number;
  node: string;
  guestType: "lxc" | "qemu";
  targetVmid?: number;
  targetNode?: string;
  summary: string;
  params: Record<string, unknown>;
  /** Sealed apart from the row (deploy only). */
  secrets?: DeploymentSecrets;
}

export type PlanResult = { ok: true; plan: OperationPlan } | { ok: false; rejection: Rejection };

export interface PlanInput {
  ctx: OperationContext;
  client: ProxmoxClient;
  cluster: ClusterRow;
  command: CommandName;
  /** The validated payload. */
  payload: any;
  /** The guest the payload names, when it exists. */
  guest: GuestFacts | null;
}

export const refuse = (code: Rejection["code"], message: string, fields?: Record<string, string>): PlanResult => ({
  ok: false,
  rejection: { code, message, ...(fields ? { fields } : {}) },
});

export const named = (g: GuestFacts): string => `${g.name} (${g.vmid})`;
