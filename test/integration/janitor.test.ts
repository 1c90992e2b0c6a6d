import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOperation, insertOperation, markRunning, recordUpid } from "../../server/src/db/operations.ts";
import { runJanitor, STUCK_AFTER_MS } from "../../server/src/healing/janitor.ts";
import type { OperationContext } from "../../server/src/operations/context.ts";
import { followTask } from "../../server/src/proxmox/index.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;
let later: OperationContext;

beforeAll(async () => {
  app = await startProximity();
  room = await joinWorld(app.wsUrl, app.users.admin.token);
  // The janitor's view of time: well past every deadline.
  later = { ...app.server.operations, now: () => new Date(Date.now() + STUCK_AFTER_MS + 60_000) };
});

afterAll(async () => {
  await room?.leave();
  await app?.stop();
});

/** An operation left "running" by a worker that died, as the database would hold it. */
async function strandedOperation(kind: "start" | "stop", status: "running" | "stopped") {
  const guest = app.sim.model.listGuests().find((g) => g.status === status && !g.lock && !g.template && !used.has(g.vmid))!;
  used.add(guest.vmid);
  const op = (await insertOperation(
    app.server.db.sql,
    { id: randomUUID(), kind, clusterId: app.clusterId, vmid: guest.vmid, node: guest.node, guestType: guest.type, requestedBy: "operator", params: {} },
    new Date(),
  ))!;
  await markRunning(app.server.db.sql, op.id, new Date());
  return { op, guest };
}
const used = new Set<number>();
const client = () => app.server.operations.clusters.get(app.clusterId)!;

describe("stuck-operation janitor", () => {
  it("gives stranded operations their true outcome, frees the guests, and changes nothing when run again", async () => {
    // 1. Its Proxmox task finished after the worker died.
    const done = await strandedOperation("stop", "running");
    const doneUpid = await client().guestPowerAction(done.guest.node, done.guest.type, done.guest.vmid, "stop");
    await recordUpid(app.server.db.sql, done.op.id, doneUpid);
    await followTask(client(), doneUpid, { intervalMs: 50 });
    // 2. The worker died before anything reached Proxmox.
    const abandoned = await strandedOperation("start", "stopped");
    // 3. Its task is still running: leave it alone.
    app.sim.setFaults({ slowTaskFactor: 400 });
    const slow = await strandedOperation("stop", "running");
    await recordUpid(app.server.db.sql, slow.op.id, await client().guestPowerAction(slow.guest.node, slow.guest.type, slow.guest.vmid, "stop"));
    // 4. Not stuck yet: too recent for the janitor at the present time.
    expect(await runJanitor(app.server.operations)).toMatchObject({ checked: 0 });

    const first = await runJanitor(later);
    expect(first).toEqual({ checked: 3, succeeded: 1, failed: 1, left: 1, resumed: 0 });
    expect(await getOperation(app.server.db.sql, done.op.id)).toMatchObject({ state: "succeeded" });
    expect(await getOperation(app.server.db.sql, abandoned.op.id)).toMatchObject({
      state: "failed",
      error: "no Proxmox task was started",
    });
    expect(await getOperation(app.server.db.sql, slow.op.id)).toMatchObject({ state: "running" });

    const second = await runJanitor(later);
    expect(second).toEqual({ checked: 1, succeeded: 0, failed: 0, left: 1, resumed: 0 });
    app.sim.setFaults({});

    // The freed guest takes a new command at once.
    const { operationId } = (await room.request("guest.start", { cluster: app.clusterId, vmid: abandoned.guest.vmid })) as { operationId: string };
    await waitFor(room, (s) => s.operations.get(operationId)?.state === "succeeded");
    // Self-healing is visible in the world.
    await waitFor(room, (s) => [...s.events.values()].some((e) => e.source === "janitor" && /3 stuck operation/.test(e.message)));
  });

  it("hands a stranded multi-step operation to a fresh job, which finishes it without repeating a step", async () => {
    const guest = app.sim.model.listGuests().find((g) => g.status === "stopped" && !g.lock && !g.template && !used.has(g.vmid))!;
    used.add(guest.vmid);
    const op = (await insertOperation(
      app.server.db.sql,
      {
        id: randomUUID(),
        kind: "snapshot",
        clusterId: app.clusterId,
        vmid: guest.vmid,
        node: guest.node,
        guestType: guest.type,
        requestedBy: "operator",
        params: { snapname: "stranded", command: "guest.snapshot" },
      },
      new Date(),
    ))!;
    await markRunning(app.server.db.sql, op.id, new Date());
    const report = await runJanitor(later);
    expect(report).toMatchObject({ resumed: 1 });
    await waitFor(room, (s) => s.operations.get(op.id)?.state === "succeeded").catch(async (error: Error) => {
      // Seen once in CI and never again: say whether the database or only the room lagged.
      const stored = await getOperation(app.server.db.sql, op.id);
      throw new Error(`${error.message}; the database holds ${JSON.stringify(stored)}; the room shows ${room.state.operations.get(op.id)?.state}`);
    });
    const snapshots = await client().listSnapshots(guest.node, guest.type, guest.vmid);
    expect(snapshots.filter((snap) => snap.name === "stranded")).toHaveLength(1);
    expect(await runJanitor(later)).toMatchObject({ resumed: 0 });
  });

  it("runs as a scheduled job that an admin can also trigger", async () => {
    const res = await app.api("/api/healing/janitor", { method: "POST" });
    expect(res.status).toBe(202);
    expect((await res.json()) as { jobId: string }).toMatchObject({ jobId: expect.any(String) });
    const schedules = await app.server.operations.boss.getSchedules();
    expect(schedules.map((s) => [s.name, s.cron])).toContainEqual(["healing.janitor", "0 */6 * * *"]);
  });
});
