import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findGuest as findGuestRow } from "../../server/src/db/estate.ts";
import { getOperation, insertOperation } from "../../server/src/db/operations.ts";
import { runReconciler } from "../../server/src/healing/reconciler.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity();
  room = await joinWorld(app.wsUrl, app.users.admin.token);
  await app.server.syncs.get(app.clusterId)!.stop();
  // The server runs the reconciler once at start-up (a pg-boss job): let it finish, or on a busy machine it repairs
  // what the first test breaks before the test's own run does.
  await waitFor(room, (s) => [...s.events.values()].some((e) => e.kind === "maintenance" && e.message.startsWith("Reconciler:")));
});

afterAll(async () => {
  await room?.leave();
  await app?.stop();
});

const writes = () => Object.entries(app.sim.model.requestCounts()).filter(([k]) => !k.startsWith("GET")).reduce((n, [, v]) => n + v, 0);

describe("reconciler", () => {
  it("repairs Postgres from Proxmox, releases operations on vanished guests, raises and clears alerts, and never writes to Proxmox", async () => {
    const { sql } = app.server.db;
    const [lost, renamed, locked] = app.sim.model.listGuests().filter((g) => !g.lock);
    await sql.query("DELETE FROM guests WHERE cluster_id = $1 AND vmid = $2", [app.clusterId, lost!.vmid]);
    await sql.query("UPDATE guests SET name = 'stale-name' WHERE cluster_id = $1 AND vmid = $2", [app.clusterId, renamed!.vmid]);
    await sql.query(
      "INSERT INTO guests (cluster_id, vmid, node, type, name, status) VALUES ($1, 999999, $2, 'lxc', 'ghost', 'running')",
      [app.clusterId, lost!.node],
    );
    const stranded = (await insertOperation(
      sql,
      { id: randomUUID(), kind: "stop", clusterId: app.clusterId, vmid: 999999, node: lost!.node, guestType: "lxc", requestedBy: "operator", params: {} },
      new Date(),
    ))!;
    app.sim.model.lockGuest(locked!.vmid, "backup");
    app.sim.model.refreshStatusNow();
    const writesBefore = writes();

    const first = await runReconciler(app.server.operations);
    expect(first).toEqual({
      clusters: 1,
      unreachable: [],
      rowsAdded: 1,
      // the renamed guest, and the locked one (a lock is a fact Postgres keeps)
      rowsUpdated: 2,
      rowsPurged: 1,
      operationsReleased: 1,
      alertsRaised: 1,
      alertsCleared: 0,
    });
    expect(await findGuestRow(sql, app.clusterId, lost!.vmid)).toMatchObject({ name: lost!.name });
    expect(await findGuestRow(sql, app.clusterId, renamed!.vmid)).toMatchObject({ name: renamed!.name });
    expect(await findGuestRow(sql, app.clusterId, 999999)).toBeNull();
    expect(await getOperation(sql, stranded.id)).toMatchObject({ state: "failed", error: "guest 999999 not found" });
    await waitFor(room, (s) =>
      [...s.events.values()].some((e) => e.kind === "alert" && e.vmid === locked!.vmid && e.message.includes("unlock")),
    );

    const second = await runReconciler(app.server.operations);
    expect(second).toMatchObject({ rowsAdded: 0, rowsUpdated: 0, rowsPurged: 0, operationsReleased: 0, alertsRaised: 0, alertsCleared: 0 });

    app.sim.model.unlockGuest(locked!.vmid);
    app.sim.model.refreshStatusNow();
    expect(await runReconciler(app.server.operations)).toMatchObject({ rowsUpdated: 1, alertsRaised: 0, alertsCleared: 1 });
    await waitFor(room, (s) => ![...s.events.values()].some((e) => e.kind === "alert"));
    expect(writes()).toBe(writesBefore);
  });

  it("leaves alone an operation whose guest does not exist yet (a deploy), and the locks of guests under operation", async () => {
    const { sql } = app.server.db;
    const node = app.sim.model.listNodes()[0]!.name;
    const deploy = (await insertOperation(
      sql,
      { id: randomUUID(), kind: "deploy", clusterId: app.clusterId, vmid: 888888, targetVmid: 888888, node, guestType: "lxc", requestedBy: "operator", params: {} },
      new Date(),
    ))!;
    const busy = app.sim.model.listGuests().find((g) => !g.lock)!;
    const snapshot = (await insertOperation(
      sql,
      { id: randomUUID(), kind: "snapshot", clusterId: app.clusterId, vmid: busy.vmid, node: busy.node, guestType: busy.type, requestedBy: "operator", params: {} },
      new Date(),
    ))!;
    app.sim.model.lockGuest(busy.vmid, "snapshot");
    try {
      const report = await runReconciler(app.server.operations);
      expect(report).toMatchObject({ operationsReleased: 0, alertsRaised: 0 });
      expect(await getOperation(sql, deploy.id)).toMatchObject({ state: "queued" });
    } finally {
      app.sim.model.unlockGuest(busy.vmid);
      await sql.query("UPDATE operations SET state = 'failed', finished_at = now() WHERE id = ANY($1::text[])", [[deploy.id, snapshot.id]]);
      app.sim.model.refreshStatusNow();
      await runReconciler(app.server.operations);
    }
  });

  it("leaves the sync loop consistent with the rows it rewrote", async () => {
    const sync = app.server.syncs.get(app.clusterId)!;
    sync.start();
    const cycle = await sync.runCycle();
    expect(cycle.ok).toBe(true);
    expect(cycle.changes).toEqual({ newRacks: [], hostsUpserted: [], hostsRemoved: [], guestsUpserted: [], guestsRemoved: [] });
  });
});
