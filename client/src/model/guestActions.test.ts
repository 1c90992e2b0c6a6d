import { describe, expect, it } from "vitest";
import { guestActions, labelForOperation } from "./guestActions.ts";
import type { GuestRecord } from "./records.ts";

const guest = (status: string, extra: Partial<GuestRecord> = {}): GuestRecord => ({
  key: "c/100", clusterId: "c", node: "n", vmid: 100, name: "web", type: "lxc", status, cpu: 0, cpus: 1, memMiB: 0, maxMemMiB: 0,
  diskMiB: 0, maxDiskMiB: 0, netInKiB: 0, netOutKiB: 0, bootedAt: 0, tags: [], lock: "", template: false, operationId: "", managed: false, app: "", appUrl: "", ...extra,
});

describe("guestActions", () => {
  it("offers start for a stopped guest and shutdown/reboot/stop for a running one", () => {
    expect(guestActions(guest("stopped"), "stopped", "operator").map((a) => a.command)).toEqual(["guest.start"]);
    const running = guestActions(guest("running"), "running", "operator");
    expect(running.map((a) => a.command).sort()).toEqual(["guest.reboot", "guest.shutdown", "guest.stop"]);
    expect(running.find((a) => a.primary)?.command).toBe("guest.shutdown");
    expect(running.filter((a) => a.needsConfirm).map((a) => a.command).sort()).toEqual(["guest.reboot", "guest.stop"]);
  });

  it("disables actions with a reason while busy, offline, or beyond the user's role", () => {
    expect(guestActions(guest("running"), "busy", "admin")[0]!.disabledReason).toMatch(/in progress/);
    expect(guestActions(guest("running"), "offline", "admin")[0]!.disabledReason).toMatch(/unreachable/);
    expect(guestActions(guest("stopped"), "stopped", "viewer")[0]!.disabledReason).toMatch(/operator/);
    expect(guestActions(guest("stopped"), "stopped", "operator")[0]!.disabledReason).toBeNull();
  });

  it("offers nothing for an unknown power state", () => {
    expect(guestActions(guest("unknown"), "unknown", "admin")).toEqual([]);
  });

  it("names operations with the command labels", () => {
    expect(labelForOperation("shutdown")).toBe("Shut down");
    expect(labelForOperation("migrate")).toBe("Migrate");
    expect(labelForOperation("frobnicate")).toBe("frobnicate");
  });
});
