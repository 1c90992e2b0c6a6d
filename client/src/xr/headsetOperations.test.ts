import { describe, expect, it } from "vitest";
import type { OperationContext } from "../model/guestOperations.ts";
import type { GuestRecord } from "../model/records.ts";
import { headsetForm, headsetOperation } from "./headsetOperations.ts";

const guest = (extra: Partial<GuestRecord> = {}): GuestRecord => ({
  key: "c/100", clusterId: "c", node: "n1", vmid: 100, name: "web", type: "lxc", status: "running", cpu: 0, cpus: 2, memMiB: 0, maxMemMiB: 1024,
  diskMiB: 0, maxDiskMiB: 8192, netInKiB: 0, netOutKiB: 0, bootedAt: 0, tags: [], lock: "", template: false, operationId: "", managed: true, app: "", appUrl: "", ...extra,
});
const ctx = (extra: Partial<OperationContext> = {}, g: Partial<GuestRecord> = {}): OperationContext => ({ guest: guest(g), led: "running", role: "admin", otherOnlineNodes: ["n2", "n3"], ...extra });
const NOW = Date.UTC(2026, 10, 26, 9, 5, 7);

describe("management operations in the headset", () => {
  it("runs a backup, which needs no answers, and a delete, which needs only its confirmation", () => {
    expect(headsetOperation("backup")).toEqual({ kind: "send", command: "guest.backup" });
    expect(headsetOperation("delete")).toEqual({ kind: "send", command: "guest.delete" });
  });

  it("opens a form for the others, loading the list it shows first", () => {
    expect(headsetOperation("clone")).toEqual({ kind: "form", operation: "clone", needs: null });
    expect(headsetOperation("snapshots")).toEqual({ kind: "form", operation: "snapshots", needs: "snapshots" });
    expect(headsetOperation("backups")).toEqual({ kind: "form", operation: "backups", needs: "backups" });
    expect(headsetOperation("adopt")).toEqual({ kind: "form", operation: "adopt", needs: "apps" });
  });
});

describe("headset forms", () => {
  it("clones to the guest's own node or another online one, as a full copy named after it", () => {
    const form = headsetForm("clone", ctx(), {}, NOW);
    expect(form.rows.map((r) => r.id)).toEqual(["n1", "n2", "n3"]);
    expect(form.rows[0]!.actions.map((a) => a.id)).toEqual(["full"]);
    expect(form.rows[0]!.actions[0]!.request).toEqual({ name: "guest.clone", payload: { cluster: "c", vmid: 100, name: "web-clone", full: true } });
    expect(form.rows[1]!.actions[0]!.request).toEqual({ name: "guest.clone", payload: { cluster: "c", vmid: 100, name: "web-clone", node: "n2", full: true } });
    // A template can also be cloned linked.
    const linked = headsetForm("clone", ctx({}, { template: true }), {}, NOW).rows[1]!.actions[1]!;
    expect(linked.request).toEqual({ name: "guest.clone", payload: { cluster: "c", vmid: 100, name: "web-clone", node: "n2", full: false } });
  });

  it("migrates to each other online node, and says so when there is none", () => {
    const form = headsetForm("migrate", ctx(), {}, NOW);
    expect(form.rows.map((r) => r.actions[0]!.request)).toEqual([
      { name: "guest.migrate", payload: { cluster: "c", vmid: 100, node: "n2" } },
      { name: "guest.migrate", payload: { cluster: "c", vmid: 100, node: "n3" } },
    ]);
    const none = headsetForm("migrate", ctx({ otherOnlineNodes: [] }), {}, NOW);
    expect(none.rows).toEqual([]);
    expect(none.empty).toBe("No other online node in this cluster.");
  });

  it("resizes one thing per button, never below one core or 64 MiB, and grows disks only", () => {
    const rows = Object.fromEntries(headsetForm("resize", ctx(), {}, NOW).rows.map((r) => [r.id, r]));
    expect(rows.cores!.actions.map((a) => a.label)).toEqual(["1 core", "3 cores"]);
    expect(rows.cores!.actions.map((a) => a.request?.payload)).toEqual([{ cluster: "c", vmid: 100, cores: 1 }, { cluster: "c", vmid: 100, cores: 3 }]);
    expect(rows.memory!.actions.map((a) => a.label)).toEqual(["512 MiB", "2.0 GiB"]);
    expect(rows.disk!.actions.map((a) => a.request?.payload)).toEqual([{ cluster: "c", vmid: 100, diskGiB: 16 }, { cluster: "c", vmid: 100, diskGiB: 40 }]);
    const smallest = Object.fromEntries(headsetForm("resize", ctx({}, { cpus: 1, maxMemMiB: 100 }), {}, NOW).rows.map((r) => [r.id, r]));
    expect(smallest.cores!.actions[0]!).toMatchObject({ request: null, disabledReason: "One core is the least." });
    expect(smallest.memory!.actions[0]!).toMatchObject({ request: null, disabledReason: "64 MiB is the least." });
  });

  it("takes a snapshot named from the time, and rolls back or deletes the others, newest first", () => {
    const snapshots = [
      { name: "current", description: "", createdAt: null },
      { name: "old", description: "", createdAt: 1000 },
      { name: "newer", description: "", createdAt: 2000 },
    ];
    const form = headsetForm("snapshots", ctx(), { snapshots }, NOW);
    expect(form.rows.map((r) => r.id)).toEqual(["new", "newer", "old"]);
    expect(form.rows[0]!.actions[0]!.request).toEqual({ name: "guest.snapshot", payload: { cluster: "c", vmid: 100, snapname: "vr-20261126-090507" } });
    expect(form.rows[1]!.actions.map((a) => a.request?.name)).toEqual(["snapshot.rollback", "snapshot.delete"]);
    // A viewer sees the list but cannot act on it.
    const viewer = headsetForm("snapshots", ctx({ role: "viewer" }), { snapshots }, NOW);
    const reasons = viewer.rows.flatMap((r) => r.actions.map((a) => [a.id, a.disabledReason, a.request]));
    expect(reasons).toEqual([
      ["take", "Needs the operator role.", null],
      ["rollback", "Needs the admin role.", null],
      ["delete", "Needs the admin role.", null],
      ["rollback", "Needs the admin role.", null],
      ["delete", "Needs the admin role.", null],
    ]);
  });

  it("restores a backup as new, over the guest only once it is stopped, and never deletes a protected one", () => {
    const backups = [{ volid: "local:backup/vzdump-lxc-100-1.tar.zst", storage: "local", sizeMiB: 300, createdAt: 1, notes: "", protected: true }];
    const [running] = headsetForm("backups", ctx(), { backups }, NOW).rows;
    const byId = Object.fromEntries(running!.actions.map((a) => [a.id, a]));
    expect(byId["restore-new"]!.request).toEqual({ name: "backup.restoreAsNew", payload: { cluster: "c", vmid: 100, volid: backups[0]!.volid } });
    expect(byId.restore!.disabledReason).toMatch(/Shut it down first/);
    expect(byId.delete!.disabledReason).toBe("Protected backups cannot be deleted.");
    const [stopped] = headsetForm("backups", ctx({}, { status: "stopped" }), { backups }, NOW).rows;
    expect(stopped!.actions.find((a) => a.id === "restore")!.request?.name).toBe("guest.restore");
    expect(headsetForm("backups", ctx(), { backups: [] }, NOW).empty).toBe("No backups of this guest yet.");
  });

  it("adopts with no app or with a catalog app", () => {
    const apps = [{ id: "nginx", name: "Nginx" }] as never;
    const form = headsetForm("adopt", ctx({}, { managed: false }), { apps }, NOW);
    expect(form.rows.map((r) => [r.label, r.actions[0]!.request?.payload])).toEqual([
      ["No catalog app", { cluster: "c", vmid: 100 }],
      ["Nginx", { cluster: "c", vmid: 100, app: "nginx" }],
    ]);
  });
});
