import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../server/src/db/audit.ts";
import { redelivered } from "../support/commands.ts";
import { until } from "../support/until.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let alice: WorldRoomClient;
let bob: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity();
  [alice, bob] = await Promise.all([joinWorld(app.wsUrl, app.users.operator.token), joinWorld(app.wsUrl, app.users.admin.token)]);
});

afterAll(async () => {
  await Promise.all([alice?.leave(), bob?.leave()]);
  await app?.stop();
});

function pickGuest(status: "running" | "stopped", type?: "lxc" | "qemu"): number {
  const guest = app.sim.model
    .listGuests()
    .find((g) => g.status === status && !g.lock && !g.template && (!type || g.type === type));
  if (!guest) throw new Error(`no ${status} guest in the seeded estate`);
  return guest.vmid;
}

describe("lifecycle operations through the room", () => {
  it("stops a running guest: acknowledged at once, progresses, ends; Proxmox, every client and the audit log agree", async () => {
    const vmid = pickGuest("running", "lxc");
    await waitFor(alice, (s) => findGuest(s, app.clusterId, vmid)?.status === "running");

    const reply = (await alice.request("guest.stop", { cluster: app.clusterId, vmid })) as { operationId: string };
    expect(reply.operationId).toMatch(/^[0-9a-f-]{36}$/);

    // Both clients see the operation on the guest while it runs, then its end.
    await waitFor(bob, (s) => findGuest(s, app.clusterId, vmid)?.operationId === reply.operationId);
    await waitFor(bob, (s) => s.operations.get(reply.operationId)?.state === "succeeded");
    expect(app.sim.model.getGuest(vmid)?.status).toBe("stopped");
    await Promise.all(
      [alice, bob].map((room) =>
        waitFor(room, (s) => {
          const g = findGuest(s, app.clusterId, vmid);
          return g?.status === "stopped" && g.operationId === "";
        }),
      ),
    );
    const op = bob.state.operations.get(reply.operationId)!;
    expect(op).toMatchObject({ kind: "stop", requestedBy: "operator", vmid, progress: 1 });

    const audit = await listAudit(app.server.db.sql, { target: `${app.clusterId}/${vmid}`, limit: 10 });
    expect(audit.map((a) => [a.actor, a.action, a.outcome])).toEqual([
      ["operator", "guest.stop", "succeeded"],
      ["operator", "guest.stop", "requested"],
    ]);
  });

  it("starts a stopped VM and reports it over HTTP too", async () => {
    const vmid = pickGuest("stopped", "qemu");
    const res = await app.api(`/api/guests/${app.clusterId}/${vmid}/actions/start`, { method: "POST", as: "operator" });
    expect(res.status).toBe(202);
    const { operationId } = (await res.json()) as { operationId: string };
    expect(res.headers.get("location")).toBe(`/api/operations/${operationId}`);
    await waitFor(alice, (s) => s.operations.get(operationId)?.state === "succeeded");
    const final = await (await app.api(`/api/operations/${operationId}`, { as: "viewer" })).json();
    expect(final).toMatchObject({ id: operationId, kind: "start", vmid, state: "succeeded", error: null, requestedBy: "operator" });
    expect(app.sim.model.getGuest(vmid)?.status).toBe("running");
  });

  it("refuses a second operation on a busy guest, naming the one in progress", async () => {
    const vmid = pickGuest("running");
    app.sim.setFaults({ slowTaskFactor: 8 });
    try {
      const first = (await alice.request("guest.reboot", { cluster: app.clusterId, vmid })) as { operationId: string };
      await expect(bob.request("guest.shutdown", { cluster: app.clusterId, vmid })).rejects.toMatchObject({
        reason: { code: "busy", operationId: first.operationId },
      });
      await waitFor(alice, (s) => s.operations.get(first.operationId)?.state === "succeeded", 20_000);
    } finally {
      app.sim.setFaults({});
    }
  });

  it("surfaces Proxmox's own error text when the task fails inside Proxmox", async () => {
    const vmid = pickGuest("stopped", "lxc");
    app.sim.model.lockGuest(vmid, "backup");
    await app.server.syncs.get(app.clusterId)!.runCycle();
    try {
      const { operationId } = (await alice.request("guest.start", { cluster: app.clusterId, vmid })) as { operationId: string };
      await waitFor(alice, (s) => s.operations.get(operationId)?.state === "failed");
      expect(alice.state.operations.get(operationId)!.error).toBe("CT is locked (backup)");
      expect(app.sim.model.getGuest(vmid)?.status).toBe("stopped");
    } finally {
      app.sim.model.unlockGuest(vmid);
    }
  });

  it("a job that takes over from a silent worker follows its Proxmox task instead of acting twice", async () => {
    const { runOperationJob } = await import("../../server/src/operations/runner.ts");
    const { getOperation } = await import("../../server/src/db/operations.ts");
    const { LEASE_MS } = await import("../../server/src/operations/lease.ts");
    // As the next worker sees it: the first one has not renewed its lease for longer than the lease lasts.
    const later = { ...app.server.operations, now: () => new Date(Date.now() + LEASE_MS + 1_000) };
    const vmid = pickGuest("running", "lxc");
    app.sim.setFaults({ slowTaskFactor: 40 });
    try {
      const { operationId } = (await alice.request("guest.stop", { cluster: app.clusterId, vmid })) as { operationId: string };
      await until(async () => Boolean((await getOperation(app.server.db.sql, operationId))?.upid));
      // What pg-boss does when it believes the first worker died: the same job, again.
      await runOperationJob(later, redelivered("operation.stop", operationId));
      await waitFor(alice, (s) => s.operations.get(operationId)?.state === "succeeded");
      const stops = app.sim.model.listTasks().filter((t) => t.id === String(vmid) && t.type === "vzstop");
      expect(stops).toHaveLength(1);
      const audit = await listAudit(app.server.db.sql, { target: `${app.clusterId}/${vmid}`, limit: 10 });
      expect(audit.filter((a) => a.outcome === "succeeded")).toHaveLength(1);
    } finally {
      app.sim.setFaults({});
    }
  });
});
