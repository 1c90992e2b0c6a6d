import { array } from "superstruct";
import { describe, expect, it } from "vitest";
import { parseShape, ReplyShapeError } from "./coerce.ts";
import {
  ClusterResourceShape,
  ClusterStatusEntryShape,
  ContainerInterfaceShape,
  GuestConfigShape,
  GuestListEntryShape,
  NodeStatusShape,
  SnapshotShape,
  StorageEntryShape,
  StorageVolumeShape,
  TaskStatusShape,
} from "./shapes.ts";

describe("reply shapes", () => {
  it("reads snapshots with the 'current' pseudo-entry, volumes and container interfaces", () => {
    const snapshots = parseShape(array(SnapshotShape), [
      { name: "before", description: "", snaptime: "1767268800", vmstate: 0 },
      { name: "current", description: "You are here!", running: 1, parent: "before", digest: "ab12" },
      { name: 2026 },
    ]);
    expect(snapshots).toEqual([
      { name: "before", description: "", snaptime: 1767268800, vmstate: false },
      { name: "current", description: "You are here!", running: true, parent: "before" },
      { name: "2026", description: "" },
    ]);
    const [volume] = parseShape(array(StorageVolumeShape), [
      { volid: "local:backup/vzdump-lxc-100-2026_01_01-12_00_00.tar.zst", format: "tar.zst", size: "123", content: "backup", vmid: "100", protected: 1, notes: "web" },
    ]);
    expect(volume).toMatchObject({ size: 123, vmid: 100, protected: true, notes: "web" });
    const [lo] = parseShape(array(ContainerInterfaceShape), [{ name: "lo", hwaddr: "00:00:00:00:00:00", "hardware-address": "x", "ip-addresses": [], inet: "127.0.0.1/8" }]);
    expect(lo).toEqual({ name: "lo", hwaddr: "00:00:00:00:00:00", inet: "127.0.0.1/8" });
    expect(() => parseShape(array(SnapshotShape), [{ description: "no name" }])).toThrow(ReplyShapeError);
  });

  it("coerces legacy string numbers and 0/1 booleans and drops unknown keys", () => {
    const [guest] = parseShape(array(GuestListEntryShape), [
      { vmid: "106", status: "running", name: 1234, template: 1, maxmem: "536870912", cpu: 0.01, tags: "web;prod", x: 1 },
    ]);
    expect(guest).toEqual({
      vmid: 106,
      status: "running",
      name: "1234",
      template: true,
      maxmem: 536870912,
      cpu: 0.01,
      tags: ["web", "prod"],
    });
  });

  it("fills absent flags and lists with their PVE defaults", () => {
    const [guest] = parseShape(array(GuestListEntryShape), [{ vmid: 100, status: "stopped" }]);
    expect(guest).toEqual({ vmid: 100, status: "stopped", template: false, tags: [] });
  });

  it("dispatches cluster resources on type and keeps unknown types as other", () => {
    const resources = parseShape(array(ClusterResourceShape), [
      { id: "lxc/100", type: "lxc", vmid: "100", node: "pve1", status: "unknown", template: 0 },
      { id: "node/pve1", type: "node", node: "pve1", status: "online", maxcpu: 8, "cgroup-mode": 2 },
      { id: "storage/pve1/local", type: "storage", node: "pve1", storage: "local", status: "available", shared: 0, content: "iso,vztmpl,backup" },
      { id: "/pool/lab", type: "pool", pool: "lab" },
    ]);
    expect(resources).toEqual([
      { id: "lxc/100", type: "lxc", vmid: 100, node: "pve1", status: "unknown", template: false, tags: [] },
      { id: "node/pve1", type: "node", node: "pve1", status: "online", maxcpu: 8, "cgroup-mode": 2 },
      {
        id: "storage/pve1/local",
        type: "storage",
        node: "pve1",
        storage: "local",
        status: "available",
        shared: false,
        content: ["iso", "vztmpl", "backup"],
      },
      { id: "/pool/lab", type: "other", pveType: "pool" },
    ]);
  });

  it("tells cluster and node entries of /cluster/status apart", () => {
    const entries = parseShape(array(ClusterStatusEntryShape), [
      { type: "cluster", id: "cluster", name: "lab", nodes: 3, version: 5, quorate: 1 },
      { type: "node", id: "node/pve1", name: "pve1", nodeid: 1, local: 1, online: 1, ip: "10.0.0.1", level: "" },
    ]);
    expect(entries[0]).toEqual({ type: "cluster", id: "cluster", name: "lab", nodes: 3, version: 5, quorate: true });
    expect(entries[1]).toMatchObject({ type: "node", local: true, online: true });
  });

  it("turns the loadavg strings of node status into numbers", () => {
    const status = parseShape(NodeStatusShape, {
      uptime: 1000,
      cpu: 0.05,
      loadavg: ["0.10", "0.05", "0.01"],
      memory: { total: 100, used: 40, free: 60 },
      rootfs: { total: 10, used: 4, avail: 6, free: 6 },
      cpuinfo: { cpus: 8, model: "EPYC", mhz: "2400.000", flags: "fpu" },
      pveversion: "pve-manager/9.1.2/abc",
      "boot-info": { mode: "efi" },
    });
    expect(status.loadavg).toEqual([0.1, 0.05, 0.01]);
    expect(status.cpuinfo).toEqual({ cpus: 8, model: "EPYC", mhz: 2400 });
  });

  it("keeps guest config values raw and formats the lxc pairs", () => {
    const config = parseShape(GuestConfigShape, {
      digest: "abc",
      hostname: "web",
      memory: 512,
      net0: "name=eth0,bridge=vmbr0,ip=dhcp",
      lxc: [
        ["lxc.cgroup2.devices.allow", "c 10:200 rwm"],
        ["lxc.mount.entry", "/dev/net dev/net none bind,create=dir"],
      ],
    });
    expect(config).toEqual({
      digest: "abc",
      hostname: "web",
      memory: 512,
      net0: "name=eth0,bridge=vmbr0,ip=dhcp",
      lxc: "lxc.cgroup2.devices.allow: c 10:200 rwm\nlxc.mount.entry: /dev/net dev/net none bind,create=dir",
    });
  });

  it("splits storage content lists", () => {
    const [storage] = parseShape(array(StorageEntryShape), [
      { storage: "local", type: "dir", content: "vztmpl,iso", active: 1, enabled: 1, shared: 0, total: "100" },
    ]);
    expect(storage).toEqual({ storage: "local", type: "dir", content: ["vztmpl", "iso"], active: true, enabled: true, shared: false, total: 100 });
  });

  it.each([
    [GuestConfigShape, { hostname: "x" }, /^at digest: Expected a string/],
    [GuestConfigShape, { digest: "a", nested: { a: 1 } }, /^at nested: /],
    [TaskStatusShape, { upid: "u", node: "n", type: "t", id: "1", user: "u", starttime: 1, pid: 1, pstart: 1, status: "paused" }, /^at status: Expected one of/],
    [array(GuestListEntryShape), [{ vmid: "abc", status: "running" }], /^at 0\.vmid: Expected an integer, but received: "abc"/],
    [array(GuestListEntryShape), { data: [] }, /Expected an array/],
    [NodeStatusShape, { uptime: 1, cpu: 0, loadavg: ["1"], memory: {}, rootfs: {}, cpuinfo: {}, pveversion: "x" }, /^at loadavg/],
  ])("reports malformed replies with the offending path (%#)", (shape, value, message) => {
    expect(() => parseShape(shape as never, value)).toThrow(ReplyShapeError);
    expect(() => parseShape(shape as never, value)).toThrow(message);
  });

  it("leaves values out of the message when asked to redact", () => {
    expect(() => parseShape(GuestConfigShape, { digest: 12345678 }, { redact: true })).toThrow("at digest: expected string");
  });
});
