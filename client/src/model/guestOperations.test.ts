import { describe, expect, it } from "vitest";
import { guestOperations, listActionReason, type OperationContext } from "./guestOperations.ts";
import type { GuestRecord } from "./records.ts";

const guest = (extra: Partial<GuestRecord> = {}): GuestRecord => ({
  key: "c/100", clusterId: "c", node: "n1", vmid: 100, name: "web", type: "lxc", status: "running", cpu: 0, cpus: 1, memMiB: 0, maxMemMiB: 512,
  diskMiB: 0, maxDiskMiB: 8192, netInKiB: 0, netOutKiB: 0, bootedAt: 0, tags: [], lock: "", template: false, operationId: "", managed: true, app: "", appUrl: "", ...extra,
});
const ctx = (extra: Partial<OperationContext> = {}, g: Partial<GuestRecord> = {}): OperationContext => ({ guest: guest(g), led: "running", role: "admin", otherOnlineNodes: ["n2"], ...extra });
const reasons = (c: OperationContext) => Object.fromEntries(guestOperations(c).map((o) => [o.id, o.disabledReason]));

describe("guestOperations", () => {
  it("offers every management operation to an admin, adopt only for unmanaged guests", () => {
    expect(guestOperations(ctx()).map((o) => o.id)).toEqual(["clone", "backup", "backups", "snapshots", "resize", "migrate", "delete"]);
    expect(guestOperations(ctx({}, { managed: false })).map((o) => o.id)).toContain("adopt");
    expect(guestOperations(ctx()).filter((o) => o.destructive).map((o) => o.id)).toEqual(["delete"]);
  });

  it("explains the role each operation needs, from the shared command definitions", () => {
    const operator = reasons(ctx({ role: "operator" }, { status: "stopped" }));
    expect(operator.clone).toBeNull();
    expect(operator.migrate).toBe("Needs the admin role.");
    expect(operator.delete).toBe("Needs the admin role.");
    const viewer = reasons(ctx({ role: "viewer" }, { managed: false }));
    expect(viewer.clone).toBe("Needs the operator role.");
    expect(viewer.adopt).toBe("Needs the operator role.");
    // Browsing backups and snapshots needs no more than the viewer role.
    expect(viewer.backups).toBeNull();
    expect(viewer.snapshots).toBeNull();
  });

  it("puts the guest's state before the role: unreachable, busy, locked, running, template, no other node", () => {
    expect(reasons(ctx({ led: "offline" })).backups).toBe("Its host is unreachable.");
    expect(reasons(ctx({ led: "busy" })).clone).toBe("An operation is already in progress.");
    expect(reasons(ctx({ led: "busy" }, { lock: "backup" })).resize).toBe("Locked by Proxmox (backup).");
    expect(reasons(ctx({ role: "viewer" })).delete).toMatch(/Shut it down first/);
    expect(reasons(ctx({}, { status: "stopped" })).delete).toBeNull();
    expect(reasons(ctx({}, { template: true })).snapshots).toMatch(/Templates/);
    expect(reasons(ctx({ otherOnlineNodes: [] })).migrate).toBe("No other online node in this cluster.");
  });

  it("checks actions inside the lists with their own commands", () => {
    expect(listActionReason("guest.restore", ctx({ role: "operator" }))).toBe("Needs the admin role.");
    expect(listActionReason("backup.restoreAsNew", ctx({ role: "operator" }))).toBeNull();
    expect(listActionReason("snapshot.rollback", ctx({ led: "busy" }))).toMatch(/in progress/);
  });
});
