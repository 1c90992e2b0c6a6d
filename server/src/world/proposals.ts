import { randomUUID } from "node:crypto";
import type { Struct } from "superstruct";
import { commands, type CommandName } from "../../../shared/src/commands.ts";
import { DecideRequest, mayDecide, proposalRefusal, ProposeRequest, type ProposalClosedEvent } from "../../../shared/src/presence.ts";
import { guestKey, type Rejection } from "../../../shared/src/protocol.ts";
import { Proposal, type Guest, type WorldState } from "../../../shared/src/schema/world.ts";
import { appendAudit } from "../db/audit.ts";
import type { Actor } from "../operations/actor.ts";
import type { OperationContext } from "../operations/context.ts";
import { submitCommand } from "../operations/submit.ts";
import { validatePayload } from "../operations/validate.ts";

/** How long a proposal waits for an admin before it lapses. */
export const PROPOSAL_TTL_MS = 15 * 60_000;
/** Pending proposals one user may have open at once: enough for real work, too few to flood every admin's view. */
export const MAX_PENDING_PER_PROPOSER = 10;

export type DeskResult<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

/** A closed proposal and whom to tell. */
export interface ClosedProposal {
  proposerId: string;
  event: ProposalClosedEvent;
}

type GuestPayload = { cluster: string; vmid: number; confirmName?: string } & Record<string, unknown>;

const refuse = <T>(code: Rejection["code"], message: string): DeskResult<T> => ({ ok: false, rejection: { code, message } });

/**
 * Approve-in-place: an operator proposes a command above their role, an admin approves (the command then runs
 * through submitCommand as the admin) or rejects it. Proposals live in the room state only, so a server restart
 * drops them; every step is in the audit log.
 */
export class ProposalDesk {
  /** Proposal id → proposer's user id (not in the state: clients need the name, not the id). */
  readonly #proposerIds = new Map<string, string>();
  /** Proposals an admin is approving right now, so a second approval cannot run the command twice. */
  readonly #deciding = new Set<string>();

  constructor(
    private readonly state: WorldState,
    private readonly ctx: OperationContext,
  ) {}

  async propose(actor: Actor, raw: unknown): Promise<DeskResult<Proposal>> {
    const request = validatePayload(ProposeRequest, raw);
    if (!request.ok) return request;
    const { command, payload } = request.value;
    const refusal = proposalRefusal(actor.role, command);
    if (refusal) return refuse(actor.role === "viewer" ? "forbidden" : "invalid_payload", refusal);
    const name = command as CommandName;
    const definition = commands[name];
    // The payload's type depends on the command named at run time; every proposable command targets a guest.
    const valid = validatePayload(definition.payload as Struct<GuestPayload, unknown>, payload);
    if (!valid.ok) return valid;
    const { cluster, vmid } = valid.value;
    const guest = findGuestIn(this.state, cluster, vmid);
    if (!guest) return refuse("not_found", `No guest ${vmid} in cluster ${cluster}.`);
    if (definition.typeNameToConfirm && valid.value.confirmName !== guest.name) {
      return refuse("invalid_payload", `Type the guest's name (${guest.name}) to confirm.`);
    }
    const pending = [...this.state.proposals.values()];
    if (pending.some((p) => p.command === name && p.clusterId === cluster && p.vmid === vmid)) {
      return refuse("busy", `${definition.label} of ${guest.name} is already proposed and waiting for an admin.`);
    }
    if (pending.filter((p) => this.#proposerIds.get(p.id) === actor.id).length >= MAX_PENDING_PER_PROPOSER) {
      return refuse("busy", `You have ${MAX_PENDING_PER_PROPOSER} proposals waiting; wait for an admin to decide on them.`);
    }
    const now = this.ctx.now();
    const proposal = new Proposal({
      id: randomUUID(),
      command: name,
      payload: JSON.stringify(valid.value),
      summary: summarize(definition.label, guest, valid.value),
      proposer: actor.name,
      clusterId: cluster,
      vmid,
      createdAt: now.getTime(),
      expiresAt: now.getTime() + PROPOSAL_TTL_MS,
    });
    await this.#audit(actor.name, proposal, "proposed", { role: actor.role }, now);
    this.state.proposals.set(proposal.id, proposal);
    this.#proposerIds.set(proposal.id, actor.id);
    return { ok: true, value: proposal };
  }

  /** Runs the proposal as the approving admin; on refusal (busy, wrong state) it stays pending for another try. */
  async approve(admin: Actor, raw: unknown): Promise<DeskResult<{ operationId: string }>> {
    const found = this.#decidable(admin, raw);
    if (!found.ok) return found;
    const { proposal } = found.value;
    this.#deciding.add(proposal.id);
    try {
      const result = await submitCommand(this.ctx, admin, proposal.command, JSON.parse(proposal.payload));
      if (!result.ok) return result;
      this.#close(proposal.id);
      await this.#audit(admin.name, proposal, "approved", { proposer: proposal.proposer, approver: admin.name, operationId: result.operationId }, this.ctx.now());
      return { ok: true, value: { operationId: result.operationId } };
    } finally {
      this.#deciding.delete(proposal.id);
    }
  }

  async reject(admin: Actor, raw: unknown): Promise<DeskResult<ClosedProposal>> {
    const found = this.#decidable(admin, raw);
    if (!found.ok) return found;
    const { proposal } = found.value;
    const reason = found.value.reason?.trim() || "No reason given.";
    const proposerId = this.#close(proposal.id);
    await this.#audit(admin.name, proposal, "rejected", { proposer: proposal.proposer, rejectedBy: admin.name, reason }, this.ctx.now());
    return { ok: true, value: { proposerId, event: { id: proposal.id, summary: proposal.summary, outcome: "rejected", by: admin.name, reason } } };
  }

  /** Drops proposals past their time; call it periodically. */
  async expire(): Promise<ClosedProposal[]> {
    const now = this.ctx.now();
    const lapsed = [...this.state.proposals.values()].filter((p) => p.expiresAt <= now.getTime() && !this.#deciding.has(p.id));
    const closed: ClosedProposal[] = [];
    for (const proposal of lapsed) {
      const proposerId = this.#close(proposal.id);
      const reason = "No admin decided in time.";
      await this.#audit("proximity", proposal, "expired", { proposer: proposal.proposer, reason }, now);
      closed.push({ proposerId, event: { id: proposal.id, summary: proposal.summary, outcome: "expired", by: "proximity", reason } });
    }
    return closed;
  }

  #decidable(admin: Actor, raw: unknown): DeskResult<{ proposal: Proposal; reason: string | undefined }> {
    const request = validatePayload(DecideRequest, raw);
    if (!request.ok) return request;
    if (!mayDecide(admin.role)) return refuse("forbidden", `Deciding on proposals needs the admin role; you are ${admin.role}.`);
    const proposal = this.state.proposals.get(request.value.id);
    if (!proposal) return refuse("not_found", "That proposal is no longer pending (decided, withdrawn or expired).");
    if (this.#deciding.has(proposal.id)) return refuse("busy", "Another admin is deciding on this proposal right now.");
    return { ok: true, value: { proposal, reason: request.value.reason } };
  }

  #close(id: string): string {
    const proposerId = this.#proposerIds.get(id) ?? "";
    this.state.proposals.delete(id);
    this.#proposerIds.delete(id);
    return proposerId;
  }

  async #audit(actor: string, proposal: Proposal, outcome: string, detail: Record<string, unknown>, at: Date): Promise<void> {
    await appendAudit(
      this.ctx.sql,
      { actor, action: proposal.command, target: guestKey(proposal.clusterId, proposal.vmid), outcome, detail: { proposalId: proposal.id, ...detail } },
      at,
    );
  }
}

/** "Migrate web-1 (101) → pve2": the label, the guest, and the one parameter that tells proposals apart. */
export function summarize(label: string, guest: Pick<Guest, "name" | "vmid">, payload: Record<string, unknown>): string {
  const base = `${label} ${guest.name} (${guest.vmid})`;
  if (typeof payload.node === "string") return `${base} → ${payload.node}`;
  if (typeof payload.volid === "string") return `${base} from ${payload.volid}`;
  if (typeof payload.snapname === "string") return `${base}: ${payload.snapname}`;
  return base;
}

function findGuestIn(state: WorldState, clusterId: string, vmid: number): Guest | undefined {
  for (const host of state.clusters.get(clusterId)?.hosts.values() ?? []) {
    const guest = host.guests.get(String(vmid));
    if (guest) return guest;
  }
  return undefined;
}
