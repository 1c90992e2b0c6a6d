import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../server/src/db/audit.ts";
import { PROPOSAL_TTL_MS, ProposalDesk } from "../../server/src/world/proposals.ts";
import { Cluster, Guest, Host, WorldState } from "../../shared/src/schema/world.ts";
import { PRESENCE_EVENTS, PRESENCE_MESSAGES, type PingEvent, type ProposalClosedEvent, type SummonEvent } from "../../shared/src/presence.ts";
import { guestKey } from "../../shared/src/protocol.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let operator: WorldRoomClient;
let admin: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity();
  [operator, admin] = await Promise.all([joinWorld(app.wsUrl, app.users.operator.token), joinWorld(app.wsUrl, app.users.admin.token)]);
});

afterAll(async () => {
  await Promise.all([operator?.leave(), admin?.leave()]);
  await app?.stop();
});

const standing = (x: number, selection = "") => ({ x, y: 1.6, z: -4, yaw: 0.25, pitch: -0.1, selection });

function nextMessage<T>(room: WorldRoomClient, type: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const off = room.onMessage(type, (message: T) => {
      clearTimeout(timer);
      off();
      resolve(message);
    });
  });
}

function runningGuest(type: "lxc" | "qemu"): { vmid: number; node: string } {
  const guest = app.sim.model.listGuests().find((g) => g.status === "running" && g.type === type && !g.lock && !g.template);
  if (!guest) throw new Error(`no running ${type} guest in the seeded estate`);
  return { vmid: guest.vmid, node: guest.node };
}

describe("being together in the hall", () => {
  it("each user sees the other's avatar, where they stand and what they have selected", async () => {
    await Promise.all([operator, admin].map((room) => waitFor(room, (s) => s.users.size === 2)));
    const key = guestKey(app.clusterId, runningGuest("lxc").vmid);
    operator.send(PRESENCE_MESSAGES.update, standing(3.5, key));
    admin.send(PRESENCE_MESSAGES.update, standing(-2));
    await waitFor(admin, (s) => s.users.get(operator.sessionId)?.selection === key);
    await waitFor(operator, (s) => Math.abs((s.users.get(admin.sessionId)?.x ?? 0) + 2) < 1e-6);
    const seen = admin.state.users.get(operator.sessionId)!;
    expect(seen).toMatchObject({ name: "operator", role: "operator", x: 3.5, connected: true });
    expect(seen.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(seen.color).not.toBe(operator.state.users.get(admin.sessionId)!.color);
  });

  it("refuses a bad presence message with a clear reply and keeps the connection", async () => {
    const refused = nextMessage<{ command: string; code: string; message: string }>(operator, "command.rejected");
    operator.send(PRESENCE_MESSAGES.update, { ...standing(1), x: "far away" });
    expect(await refused).toMatchObject({ command: PRESENCE_MESSAGES.update, code: "invalid_payload", message: expect.stringMatching(/^Invalid payload: x:/) });
    await expect(operator.request(PRESENCE_MESSAGES.update, { ...standing(1), selection: "../../etc/passwd" })).rejects.toMatchObject({
      reason: { code: "invalid_payload", fields: { selection: expect.any(String) } },
    });
    operator.send(PRESENCE_MESSAGES.update, standing(7));
    await waitFor(admin, (s) => s.users.get(operator.sessionId)?.x === 7);
  });

  it("a ping is seen by everyone at its position; only an admin brings everyone to them", async () => {
    const pinged = nextMessage<PingEvent>(operator, PRESENCE_EVENTS.pinged);
    admin.send(PRESENCE_MESSAGES.ping, { x: 1, y: 1.2, z: -3 });
    expect(await pinged).toMatchObject({ name: "admin", y: 1.2, z: -3, sessionId: admin.sessionId });

    await expect(operator.request(PRESENCE_MESSAGES.summon, {})).rejects.toMatchObject({ reason: { code: "forbidden" } });
    const summoned = nextMessage<SummonEvent>(operator, PRESENCE_EVENTS.summoned);
    await admin.request(PRESENCE_MESSAGES.summon, {});
    expect(await summoned).toMatchObject({ by: "admin", x: -2, z: -4 });
  });

  it("a user who leaves disappears for the others at once", async () => {
    const viewer = await joinWorld(app.wsUrl, app.users.viewer.token);
    await waitFor(admin, (s) => s.users.has(viewer.sessionId));
    await viewer.leave();
    await waitFor(admin, (s) => !s.users.has(viewer.sessionId), 3_000);
  });

  it("a dropped connection keeps its avatar and place, and gets them back on reconnection", async () => {
    const viewer = await joinWorld(app.wsUrl, app.users.viewer.token);
    viewer.reconnection.minUptime = 0;
    viewer.send(PRESENCE_MESSAGES.update, standing(12, guestKey(app.clusterId, runningGuest("qemu").vmid)));
    await waitFor(admin, (s) => s.users.get(viewer.sessionId)?.x === 12);
    const reconnected = new Promise<void>((resolve) => viewer.onReconnect(() => resolve()));
    viewer.connection.close(4010, "network blip");
    await waitFor(admin, (s) => s.users.get(viewer.sessionId)?.connected === false);
    await reconnected;
    await waitFor(admin, (s) => s.users.get(viewer.sessionId)?.connected === true);
    expect(admin.state.users.get(viewer.sessionId)).toMatchObject({ name: "viewer", x: 12 });
    await viewer.leave();
  });
});

describe("approve in place", () => {
  it("a viewer cannot propose, an operator cannot decide", async () => {
    const viewer = await joinWorld(app.wsUrl, app.users.viewer.token);
    const { vmid, node } = runningGuest("qemu");
    const target = app.sim.model.listNodes().find((n) => n.name !== node)!.name;
    await expect(
      viewer.request(PRESENCE_MESSAGES.propose, { command: "guest.migrate", payload: { cluster: app.clusterId, vmid, node: target } }),
    ).rejects.toMatchObject({ reason: { code: "forbidden", message: expect.stringMatching(/Viewers cannot propose/) } });
    await viewer.leave();
    await expect(operator.request(PRESENCE_MESSAGES.approve, { id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      reason: { code: "forbidden" },
    });
    await expect(operator.request(PRESENCE_MESSAGES.propose, { command: "guest.stop", payload: { cluster: app.clusterId, vmid } })).rejects.toMatchObject({
      reason: { code: "invalid_payload", message: expect.stringMatching(/run Stop yourself/) },
    });
  });

  it("an operator proposes a migration, an admin approves it, and it runs as the admin with both names audited", async () => {
    const { vmid, node } = runningGuest("qemu");
    const target = app.sim.model.listNodes().find((n) => n.name !== node && n.reachable)!.name;
    const { proposalId } = (await operator.request(PRESENCE_MESSAGES.propose, {
      command: "guest.migrate",
      payload: { cluster: app.clusterId, vmid, node: target },
    })) as { proposalId: string };
    await waitFor(admin, (s) => s.proposals.has(proposalId));
    const proposal = admin.state.proposals.get(proposalId)!;
    expect(proposal).toMatchObject({ command: "guest.migrate", proposer: "operator", clusterId: app.clusterId, vmid });
    expect(proposal.summary).toMatch(new RegExp(`^Migrate .+ \\(${vmid}\\) → ${target}$`));
    expect(proposal.expiresAt).toBeGreaterThan(proposal.createdAt);
    expect(findGuest(admin.state, app.clusterId, vmid)?.operationId).toBe("");

    const { operationId } = (await admin.request(PRESENCE_MESSAGES.approve, { id: proposalId })) as { operationId: string };
    await waitFor(operator, (s) => !s.proposals.has(proposalId) && s.operations.get(operationId)?.requestedBy === "admin");
    await waitFor(operator, (s) => ["succeeded", "failed"].includes(s.operations.get(operationId)?.state ?? ""), 20_000);
    expect(operator.state.operations.get(operationId)!.toJSON()).toMatchObject({ state: "succeeded" });
    expect(app.sim.model.getGuest(vmid)?.node).toBe(target);

    const audit = await listAudit(app.server.db.sql, { target: guestKey(app.clusterId, vmid), limit: 10 });
    const steps = audit.filter((a) => a.detail?.proposalId === proposalId).map((a) => [a.actor, a.outcome]);
    expect(steps).toEqual([
      ["admin", "approved"],
      ["operator", "proposed"],
    ]);
    expect(audit.find((a) => a.outcome === "approved")!.detail).toMatchObject({ proposer: "operator", approver: "admin", operationId });
  });

  it("a rejected proposal runs nothing and the proposer is told why", async () => {
    const { vmid, node } = runningGuest("lxc");
    const guestName = findGuest(admin.state, app.clusterId, vmid)!.name;
    const { proposalId } = (await operator.request(PRESENCE_MESSAGES.propose, {
      command: "guest.delete",
      payload: { cluster: app.clusterId, vmid, confirmName: guestName },
    })) as { proposalId: string };
    await waitFor(admin, (s) => s.proposals.has(proposalId));
    await expect(
      operator.request(PRESENCE_MESSAGES.propose, { command: "guest.delete", payload: { cluster: app.clusterId, vmid, confirmName: guestName } }),
    ).rejects.toMatchObject({ reason: { code: "busy" } });

    const told = nextMessage<ProposalClosedEvent>(operator, PRESENCE_EVENTS.proposalClosed);
    await admin.request(PRESENCE_MESSAGES.reject, { id: proposalId, reason: "That one serves the wiki." });
    expect(await told).toMatchObject({ id: proposalId, outcome: "rejected", by: "admin", reason: "That one serves the wiki." });
    await waitFor(operator, (s) => !s.proposals.has(proposalId));
    await expect(admin.request(PRESENCE_MESSAGES.approve, { id: proposalId })).rejects.toMatchObject({ reason: { code: "not_found" } });

    expect([...operator.state.operations.values()].filter((op) => op.vmid === vmid && op.kind === "delete")).toEqual([]);
    expect(app.sim.model.getGuest(vmid)).toMatchObject({ node, status: "running" });
    const audit = await listAudit(app.server.db.sql, { target: guestKey(app.clusterId, vmid), limit: 10 });
    expect(audit.find((a) => a.outcome === "rejected")).toMatchObject({
      actor: "admin",
      action: "guest.delete",
      detail: { proposalId, proposer: "operator", rejectedBy: "admin", reason: "That one serves the wiki." },
    });
  });

  it("a proposal for a delete must name the guest, like the delete itself", async () => {
    const { vmid } = runningGuest("lxc");
    await expect(
      operator.request(PRESENCE_MESSAGES.propose, { command: "guest.delete", payload: { cluster: app.clusterId, vmid, confirmName: "not-its-name" } }),
    ).rejects.toMatchObject({ reason: { code: "invalid_payload", message: expect.stringMatching(/Type the guest's name/) } });
  });

  it("a proposal nobody decides on expires, is audited, and tells its proposer", async () => {
    let clock = Date.parse("2026-01-01T09:00:00Z");
    const state = new WorldState();
    const host = new Host({ node: "pve1", status: "online" });
    host.guests.set("4242", new Guest({ vmid: 4242, name: "old-wiki", type: "lxc", status: "running" }));
    const cluster = new Cluster({ id: "far", name: "Far" });
    cluster.hosts.set("pve1", host);
    state.clusters.set("far", cluster);
    const desk = new ProposalDesk(state, { ...app.server.operations, now: () => new Date(clock) });
    const proposer = { id: "user-ops", name: "ops-on-call", role: "operator" as const };

    const proposed = await desk.propose(proposer, { command: "guest.migrate", payload: { cluster: "far", vmid: 4242, node: "pve2" } });
    expect(proposed.ok).toBe(true);
    clock += PROPOSAL_TTL_MS - 1;
    expect(await desk.expire()).toEqual([]);
    clock += 1;
    const [closed] = await desk.expire();
    expect(closed).toMatchObject({ proposerId: "user-ops", event: { outcome: "expired", summary: "Migrate old-wiki (4242) → pve2" } });
    expect(state.proposals.size).toBe(0);
    const audit = await listAudit(app.server.db.sql, { target: "far/4242", limit: 5 });
    expect(audit.map((a) => [a.actor, a.outcome])).toEqual([
      ["proximity", "expired"],
      ["ops-on-call", "proposed"],
    ]);
  });
});
