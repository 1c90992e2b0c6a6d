import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, run } from "../support/commands.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";

let app: TestProximity;

beforeAll(async () => {
  app = await startProximity({ simulator: { guests: 30 } });
});

afterAll(async () => {
  await app?.stop();
});

interface StorageBackup {
  volid: string;
  vmid: number | null;
  guestType: string | null;
  node: string;
  storage: string;
  sizeMiB: number;
  createdAt: number;
}

const listing = (node: string, storage: string) => `/api/clusters/${app.clusterId}/nodes/${node}/storages/${storage}/backups`;

async function status(path: string): Promise<{ status: number; body: { code?: string; message?: string } }> {
  const res = await app.api(path, { as: "viewer" });
  return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
}

describe("backups listed per storage", () => {
  it("keeps a deleted guest's backup in its storage's list, restorable as new and deletable", async () => {
    const guest = app.sim.model.listGuests().find((g) => g.status === "stopped" && g.type === "lxc" && !g.lock && !g.template)!;
    const target = { cluster: app.clusterId, vmid: guest.vmid };
    const backup = await run(app, "guest.backup", target, "operator");
    expect(backup.state, backup.error ?? "").toBe("succeeded");
    const { storages } = await getJson<{ storages: { node: string; storage: string }[] }>(app, `/api/clusters/${app.clusterId}/storages?content=backup&node=${guest.node}`, "viewer");
    const all = async () => (await Promise.all(storages.map(async (s) => (await getJson<{ backups: StorageBackup[] }>(app, listing(s.node, s.storage), "viewer")).backups))).flat();

    const before = (await all()).filter((b) => b.vmid === guest.vmid);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({ vmid: guest.vmid, guestType: "lxc", node: guest.node });
    expect(before[0]!.volid).toMatch(new RegExp(`vzdump-lxc-${guest.vmid}-`));
    const { volid } = before[0]!;

    const deleted = await run(app, "guest.delete", { ...target, confirmName: guest.name });
    expect(deleted.state, deleted.error ?? "").toBe("succeeded");
    await app.server.syncs.get(app.clusterId)!.runCycle();
    expect((await all()).map((b) => b.volid)).toContain(volid);

    const restored = await run(app, "backup.restoreAsNew", { ...target, volid, name: "back-from-backup" }, "operator");
    expect(restored.state, restored.error ?? "").toBe("succeeded");
    expect(app.sim.model.getGuest(restored.vmid)).toMatchObject({ type: "lxc" });

    const removed = await run(app, "backup.delete", { ...target, volid });
    expect(removed.state, removed.error ?? "").toBe("succeeded");
    expect((await all()).map((b) => b.volid)).not.toContain(volid);
  });

  it("names a bad storage or node, and passes Proxmox's refusal on", async () => {
    const badName = await status(listing("pve1", "no storage!"));
    expect(badName.status).toBe(400);
    expect(badName.body.message).toMatch(/storage/);
    const unknownStorage = await status(listing(app.sim.model.listNodes()[0]!.name, "nosuchstore"));
    expect(unknownStorage.status).toBeGreaterThanOrEqual(400);
    expect(unknownStorage.body.message).toMatch(/nosuchstore/);
  });
});
