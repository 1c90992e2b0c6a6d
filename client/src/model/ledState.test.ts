import { describe, expect, it } from "vitest";
import { ledStateOf, type LedInputs } from "./ledState.ts";
import type { GuestRecord, OperationRecord } from "./records.ts";

const guest = (extra: Partial<GuestRecord> = {}): GuestRecord => ({
  key: "c/100", clusterId: "c", node: "n", vmid: 100, name: "web", type: "lxc", status: "running", cpu: 0, cpus: 1, memMiB: 0, maxMemMiB: 0,
  diskMiB: 0, maxDiskMiB: 0, netInKiB: 0, netOutKiB: 0, bootedAt: 0, tags: [], lock: "", template: false, operationId: "", managed: false, app: "", appUrl: "", ...extra,
});
const op = (state: string): OperationRecord => ({
  id: "op", kind: "stop", clusterId: "c", vmid: 100, node: "n", requestedBy: "ada", state, progress: 0.5, message: "", error: "", createdAt: 1, finishedAt: 0, targetVmid: 0, targetNode: "", summary: "",
});
const online = { key: "c/n", clusterId: "c", node: "n", status: "online", cpu: 0, maxCpu: 1, memMiB: 0, maxMemMiB: 0, bootedAt: 0, rack: "A", slot: 0 };
const cluster = { id: "c", name: "c", status: "online", error: "", lastSyncAt: 0 };
const inputs = (extra: Partial<LedInputs>): LedInputs => ({ guest: guest(), host: online, cluster, operation: undefined, failureUnacknowledged: false, pending: false, ...extra });

describe("ledStateOf", () => {
  it("follows the PVE power state when nothing else is going on", () => {
    expect(ledStateOf(inputs({}))).toBe("running");
    expect(ledStateOf(inputs({ guest: guest({ status: "stopped" }) }))).toBe("stopped");
    expect(ledStateOf(inputs({ guest: guest({ status: "unknown" }) }))).toBe("unknown");
  });

  it("is busy while an operation is queued or running, a command is pending, or PVE holds a lock", () => {
    expect(ledStateOf(inputs({ operation: op("queued") }))).toBe("busy");
    expect(ledStateOf(inputs({ operation: op("running") }))).toBe("busy");
    expect(ledStateOf(inputs({ pending: true }))).toBe("busy");
    expect(ledStateOf(inputs({ guest: guest({ lock: "backup" }) }))).toBe("busy");
  });

  it("shows an error for a failed operation until the user has seen it", () => {
    expect(ledStateOf(inputs({ operation: op("failed"), failureUnacknowledged: true }))).toBe("error");
    expect(ledStateOf(inputs({ operation: op("failed"), failureUnacknowledged: false }))).toBe("running");
    expect(ledStateOf(inputs({ operation: op("succeeded"), failureUnacknowledged: true }))).toBe("running");
  });

  it("is dark when the host or the whole cluster is unreachable, whatever else is true", () => {
    expect(ledStateOf(inputs({ host: { ...online, status: "offline" }, operation: op("running") }))).toBe("offline");
    expect(ledStateOf(inputs({ cluster: { ...cluster, status: "offline" } }))).toBe("offline");
    expect(ledStateOf(inputs({ cluster: { ...cluster, status: "connecting" } }))).toBe("unknown");
  });
});
