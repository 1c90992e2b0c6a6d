import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findApp } from "../../server/src/db/apps.ts";
import { getOperation } from "../../server/src/db/operations.ts";
import { runOperationJob } from "../../server/src/operations/runner.ts";
import { ended, getJson, redelivered, run, submit } from "../support/commands.ts";
import { until } from "../support/until.ts";
import { untouchedGuests } from "../support/guests.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity({ simulator: { guests: 80 } });
  room = await joinWorld(app.wsUrl, app.users.admin.token);
});

afterAll(async () => {
  await room?.leave();
  await app?.stop();
});

beforeEach(() => app.sim.setFaults({}));

/** A guest no other test has touched, in the given state. */
const freshGuest = untouchedGuests(() => app);

async function synced(): Promise<void> {
  await app.server.syncs.get(app.clusterId)!.runCycle();
}

interface Snapshots {
  snapshots: { name: string }[];
}
interface Backups {
  backups: { volid: string; storage: string }[];
}

describe("clone", () => {
  it("clones a running container without stopping it; the temporary snapshot is gone afterwards", async () => {
    const source = freshGuest("running");
    const op = await run(app, "guest.clone", { cluster: app.clusterId, vmid: source.vmid, name: "web-copy", full: true }, "operator");
    expect(op, op.error ?? "").toMatchObject({ state: "succeeded", kind: "clone" });
    const copy = app.sim.model.getGuest(op.targetVmid!);
    expect(copy).toMatchObject({ name: "web-copy", type: "lxc" });
    expect(app.sim.model.getGuest(source.vmid)?.status).toBe("running");
    const { snapshots } = await getJson<Snapshots>(app, `/api/clusters/${app.clusterId}/guests/${source.vmid}/snapshots`);
    expect(snapshots.filter((s) => s.name.startsWith("proximity-clone"))).toEqual([]);
    expect(await findApp(app.server.db.sql, app.clusterId, op.targetVmid!)).toMatchObject({ origin: "cloned" });
    await synced();
    await waitFor(room, (s) => findGuest(s, app.clusterId, op.targetVmid!)?.managed === true);
  });

  it("refuses a linked clone of a guest that is not a template, before asking Proxmox", async () => {
    const source = freshGuest("running");
    const refused = await submit(app, "guest.clone", { cluster: app.clusterId, vmid: source.vmid, name: "linked", full: false });
    expect(refused).toMatchObject({ status: 400, code: "invalid_payload" });
    expect(refused.fields).toHaveProperty("full");
  });

  it("a clone that fails in Proxmox leaves neither the partial target nor the snapshot behind", async () => {
    const source = freshGuest("running");
    app.sim.setFaults({ failTasks: [{ type: "vzclone", message: "clone failed: disk quota exceeded" }] });
    const op = await run(app, "guest.clone", { cluster: app.clusterId, vmid: source.vmid, name: "doomed", full: true });
    expect(op.state).toBe("failed");
    expect(op.error).toBe("clone failed: disk quota exceeded");
    expect(app.sim.model.getGuest(op.targetVmid!)).toBeUndefined();
    const { snapshots } = await getJson<Snapshots>(app, `/api/clusters/${app.clusterId}/guests/${source.vmid}/snapshots`);
    expect(snapshots.filter((s) => s.name.startsWith("proximity-clone"))).toEqual([]);
  });

  it("a clone job redelivered while its first worker lives stands back: one clone, once", async () => {
    const source = freshGuest("running");
    app.sim.setFaults({ slowTaskFactor: 8 });
    const submitted = await submit(app, "guest.clone", { cluster: app.clusterId, vmid: source.vmid, name: "once", full: true });
    const operationId = submitted.operationId!;
    await until(async () => Boolean((await getOperation(app.server.db.sql, operationId))?.steps.clone));
    // What pg-boss does when it wrongly believes the first worker died: the same job, again.
    await runOperationJob(app.server.operations, redelivered("operation.clone", operationId));
    const op = await ended(app, operationId);
    expect(op.state).toBe("succeeded");
    const clones = app.sim.model.listTasks().filter((t) => t.type === "vzclone" && t.id === String(source.vmid));
    expect(clones).toHaveLength(1);
    expect(app.sim.model.listGuests().filter((g) => g.name === "once")).toHaveLength(1);
  }, 90_000);
});

describe("backup and restore", () => {
  it("backs up, lists, restores over the stopped guest, restores as new, and deletes the backup", async () => {
    const guest = freshGuest("running");
    const target = { cluster: app.clusterId, vmid: guest.vmid };
    const backupsOf = async () => (await getJson<Backups>(app, `/api/clusters/${app.clusterId}/guests/${guest.vmid}/backups`)).backups;
    const before = await backupsOf();
    const backup = await run(app, "guest.backup", target, "operator");
    expect(backup.state, backup.error ?? "").toBe("succeeded");
    const backups = await backupsOf();
    expect(backups).toHaveLength(before.length + 1);
    // Newest first: the one just made.
    const volid = backups[0]!.volid;
    expect(before.map((b) => b.volid)).not.toContain(volid);
    expect(volid).toMatch(new RegExp(`vzdump-lxc-${guest.vmid}-`));

    const whileRunning = await submit(app, "guest.restore", { ...target, volid });
    expect(whileRunning).toMatchObject({ status: 409, code: "invalid_state" });
    expect((await submit(app, "guest.restore", { ...target, volid }, "operator")).status).toBe(403);

    expect((await run(app, "guest.stop", target)).state).toBe("succeeded");
    await synced();
    const restored = await run(app, "guest.restore", { ...target, volid });
    expect(restored.state, restored.error ?? "").toBe("succeeded");
    expect(app.sim.model.listTasks().some((t) => t.type === "vzrestore" && t.id === String(guest.vmid))).toBe(true);

    const asNew = await run(app, "backup.restoreAsNew", { ...target, volid, name: "restored-copy" }, "operator");
    expect(asNew.state, asNew.error ?? "").toBe("succeeded");
    expect(app.sim.model.getGuest(asNew.vmid)).toMatchObject({ type: "lxc" });
    expect(asNew.vmid).not.toBe(guest.vmid);

    const deleted = await run(app, "backup.delete", { ...target, volid });
    expect(deleted.state, deleted.error ?? "").toBe("succeeded");
    expect((await backupsOf()).map((b) => b.volid)).toEqual(before.map((b) => b.volid));
  });
});

describe("migrate, resize, snapshots", () => {
  it("migrates a running container by restarting it on the target node", async () => {
    const guest = freshGuest("running");
    const target = app.sim.model.listNodes().find((n) => n.name !== guest.node && n.reachable)!.name;
    expect((await submit(app, "guest.migrate", { cluster: app.clusterId, vmid: guest.vmid, node: guest.node })).status).toBe(400);
    const op = await run(app, "guest.migrate", { cluster: app.clusterId, vmid: guest.vmid, node: target });
    expect(op.state, op.error ?? "").toBe("succeeded");
    expect(app.sim.model.getGuest(guest.vmid)).toMatchObject({ node: target, status: "running" });
    await synced();
    await waitFor(room, (s) => s.clusters.get(app.clusterId)?.hosts.get(target)?.guests.has(String(guest.vmid)) === true);
  });

  it("migrates a running VM online", async () => {
    const guest = freshGuest("running", "qemu");
    const target = app.sim.model.listNodes().find((n) => n.name !== guest.node && n.reachable)!.name;
    const op = await run(app, "guest.migrate", { cluster: app.clusterId, vmid: guest.vmid, node: target });
    expect(op.state, op.error ?? "").toBe("succeeded");
    expect(app.sim.model.getGuest(guest.vmid)).toMatchObject({ node: target, status: "running" });
  });

  it("resizes CPU and memory, grows the disk, and refuses to shrink it", async () => {
    const guest = freshGuest("running");
    const diskGiB = Math.ceil(guest.maxdiskBytes / 1024 ** 3);
    const shrink = await submit(app, "guest.resize", { cluster: app.clusterId, vmid: guest.vmid, diskGiB: Math.max(1, diskGiB - 1) });
    expect(shrink).toMatchObject({ status: 400, code: "invalid_payload" });
    const op = await run(app, "guest.resize", { cluster: app.clusterId, vmid: guest.vmid, cores: 3, memoryMiB: 1536, diskGiB: diskGiB + 2 }, "operator");
    expect(op.state, op.error ?? "").toBe("succeeded");
    const after = app.sim.model.getGuest(guest.vmid)!;
    expect(after).toMatchObject({ cores: 3, memoryMiB: 1536 });
    expect(after.maxdiskBytes).toBe((diskGiB + 2) * 1024 ** 3);
  });

  it("takes, lists, rolls back to and deletes a snapshot", async () => {
    const guest = freshGuest("stopped");
    const target = { cluster: app.clusterId, vmid: guest.vmid };
    expect((await run(app, "guest.snapshot", { ...target, snapname: "before-upgrade", description: "test" }, "operator")).state).toBe("succeeded");
    const listed = await getJson<Snapshots>(app, `/api/clusters/${app.clusterId}/guests/${guest.vmid}/snapshots`, "viewer");
    expect(listed.snapshots.map((s) => s.name)).toContain("before-upgrade");
    expect((await submit(app, "snapshot.rollback", { ...target, snapname: "before-upgrade" }, "operator")).status).toBe(403);
    expect((await run(app, "snapshot.rollback", { ...target, snapname: "before-upgrade" })).state).toBe("succeeded");
    expect((await run(app, "snapshot.delete", { ...target, snapname: "before-upgrade" })).state).toBe("succeeded");
    const after = await getJson<Snapshots>(app, `/api/clusters/${app.clusterId}/guests/${guest.vmid}/snapshots`);
    expect(after.snapshots.map((s) => s.name)).not.toContain("before-upgrade");
  });
});

describe("delete and adopt", () => {
  it("asks for the guest's typed name, refuses a running guest, and surfaces a protected guest's refusal", async () => {
    const guest = freshGuest("stopped");
    const target = { cluster: app.clusterId, vmid: guest.vmid };
    const wrongName = await submit(app, "guest.delete", { ...target, confirmName: `${guest.name}x` });
    expect(wrongName).toMatchObject({ status: 400, code: "invalid_payload" });
    expect(wrongName.fields).toHaveProperty("confirmName");
    expect((await submit(app, "guest.delete", { ...target, confirmName: guest.name }, "operator")).status).toBe(403);

    const client = app.server.operations.clusters.get(app.clusterId)!;
    await client.updateGuestConfig(guest.node, guest.type, guest.vmid, { protection: 1 });
    const refused = await run(app, "guest.delete", { ...target, confirmName: guest.name });
    expect(refused.state).toBe("failed");
    expect(refused.error).toMatch(/protection/i);
    expect(app.sim.model.getGuest(guest.vmid)).toBeDefined();

    await client.updateGuestConfig(guest.node, guest.type, guest.vmid, { protection: 0 });
    const deleted = await run(app, "guest.delete", { ...target, confirmName: guest.name });
    expect(deleted.state, deleted.error ?? "").toBe("succeeded");
    expect(app.sim.model.getGuest(guest.vmid)).toBeUndefined();

    const running = freshGuest("running");
    const whileRunning = await submit(app, "guest.delete", { cluster: app.clusterId, vmid: running.vmid, confirmName: running.name });
    expect(whileRunning).toMatchObject({ status: 409, code: "invalid_state" });
  });

  it("adopts an unmanaged guest once, recording its configuration", async () => {
    const guest = freshGuest("running");
    await waitFor(room, (s) => findGuest(s, app.clusterId, guest.vmid)?.managed === false);
    const op = await run(app, "guest.adopt", { cluster: app.clusterId, vmid: guest.vmid, app: "nginx" }, "operator");
    expect(op.state, op.error ?? "").toBe("succeeded");
    const recorded = await findApp(app.server.db.sql, app.clusterId, guest.vmid);
    expect(recorded).toMatchObject({ origin: "adopted", appId: "nginx" });
    expect(recorded!.config).toHaveProperty("hostname");
    await waitFor(room, (s) => findGuest(s, app.clusterId, guest.vmid)?.app === "nginx");
    expect(await submit(app, "guest.adopt", { cluster: app.clusterId, vmid: guest.vmid })).toMatchObject({ status: 409, code: "invalid_state" });
  });
});
