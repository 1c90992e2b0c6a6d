import { describe, expect, it } from "vitest";
import { kindForFailureText, kindForStatus, ProxmoxError, TaskFailedError } from "./errors.ts";

describe("kindForStatus", () => {
  it.each([
    [401, "Authentication failed!", "auth"],
    [403, "Permission check failed (/vms/100, VM.PowerMgmt)", "permission"],
    [400, "Parameter verification failed.", "validation"],
    [500, "CT is locked (backup)", "locked"],
    [500, "Configuration file 'nodes/pve1/lxc/999.conf' does not exist", "not_found"],
    [500, "no such cluster node 'x'", "not_found"],
    [500, "CT 100 already running", "conflict"],
    [500, "CT 100 not running", "conflict"],
    [500, "detected modified configuration - file changed by other user? Try again.", "conflict"],
    [500, "got timeout", "server"],
    [501, "Method 'GET /nodes/pve1/foo' not implemented", "protocol"],
    [502, "Bad Gateway", "server"],
    [595, "Connection refused", "unreachable"],
    [596, "Connection timed out", "unreachable"],
    [302, "Found", "protocol"],
  ] as const)("%i %s → %s", (status, text, kind) => {
    expect(kindForStatus(status, text)).toBe(kind);
  });

  it("classifies task exit texts the same way", () => {
    expect(kindForFailureText("migration aborted")).toBe("server");
    expect(kindForFailureText("VM is locked (snapshot)")).toBe("locked");
  });
});

describe("ProxmoxError", () => {
  it("words the message from status, method, path and PVE's text", () => {
    const error = new ProxmoxError({
      kind: "conflict",
      status: 500,
      method: "POST",
      path: "/nodes/pve1/lxc/100/status/start",
      reason: "CT 100 already running",
      pveMessage: "CT 100 already running",
    });
    expect(error.message).toBe("PVE 500 POST /nodes/pve1/lxc/100/status/start: CT 100 already running");
    expect(error.retriable).toBe(false);
  });

  it("lists parameter errors", () => {
    const error = new ProxmoxError({
      kind: "validation",
      status: 400,
      method: "POST",
      path: "/nodes/pve1/lxc",
      pveMessage: "Parameter verification failed.",
      errors: { vmid: "type check ('integer') failed - got 'abc'" },
    });
    expect(error.message).toBe(
      "PVE 400 POST /nodes/pve1/lxc: Parameter verification failed. (vmid: type check ('integer') failed - got 'abc')",
    );
  });

  it("is retriable only for transient failures of GETs", () => {
    const make = (method: "GET" | "POST", kind: "timeout" | "unreachable" | "server" | "auth") =>
      new ProxmoxError({ kind, status: 0, method, path: "/x", detail: "d" });
    expect(make("GET", "timeout").retriable).toBe(true);
    expect(make("GET", "unreachable").retriable).toBe(true);
    expect(make("GET", "server").retriable).toBe(true);
    expect(make("GET", "auth").retriable).toBe(false);
    expect(make("POST", "timeout").retriable).toBe(false);
    expect(make("POST", "server").retriable).toBe(false);
    expect(make("GET", "timeout").message).toBe("PVE GET /x: d");
  });

  it("has a task flavour carrying the exit status and log tail", () => {
    const error = new TaskFailedError({
      upid: "UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam:",
      node: "pve1",
      taskType: "vzstart",
      taskId: "100",
      exitstatus: "CT is locked (backup)",
      logTail: ["TASK ERROR: CT is locked (backup)"],
      path: "/nodes/pve1/tasks/x/status",
    });
    expect(error).toBeInstanceOf(ProxmoxError);
    expect(error.kind).toBe("locked");
    expect(error.message).toBe("PVE task vzstart 100 on pve1 failed: CT is locked (backup)");
    expect(error.name).toBe("TaskFailedError");
  });
});
