import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type GuestInfo, type Simulator } from "./index.ts";
import { call, data, waitForTask, type TaskStatus } from "./test-client.ts";
import { decodeUpid } from "./upid.ts";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, nodes: 3, guests: 12, taskSpeed: 0.05, authFailureDelayMs: 20 });
});
afterAll(() => sim?.close());
afterEach(() => sim.setFaults({}));

const base = (g: GuestInfo) => `/nodes/${g.node}/${g.type}/${g.vmid}`;
const act = (g: GuestInfo, action: string, form?: Record<string, string | number>) => call(sim, "POST", `${base(g)}/status/${action}`, { form });
const upidOf = async (g: GuestInfo, action: string, form?: Record<string, string | number>) => {
  const reply = await act(g, action, form);
  expect(reply.status, reply.body).toBe(200);
  return JSON.parse(reply.body).data as string;
};
const newGuest = (type: "lxc" | "qemu", status: "running" | "stopped" = "stopped", node = "pve1") =>
  sim.model.createGuest({ type, node, status });

describe("power actions and tasks", () => {
  it("starts a container: UPID, running task, TASK OK, live status at once, resources after the broadcast", async () => {
    const g = newGuest("lxc");
    sim.model.refreshStatusNow();
    const upid = await upidOf(g, "start");
    const parts = decodeUpid(upid)!;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:vzstart:\d+:root@pam!proximity:$/);
    expect(parts).toMatchObject({ node: "pve1", type: "vzstart", id: String(g.vmid), user: "root@pam!proximity" });

    const first = await data<TaskStatus & { pid: number; upid: string }>(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`);
    expect(first).toMatchObject({ status: "running", user: "root@pam", tokenid: "proximity", type: "vzstart", upid });
    expect(first.exitstatus).toBeUndefined();
    expect(await data(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`)).toEqual([{ n: 1, t: "no content" }]);

    const done = await waitForTask(sim, upid);
    expect(done).toMatchObject({ status: "stopped", exitstatus: "OK" });
    const log = await call(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log?start=0&limit=50`);
    expect(JSON.parse(log.body)).toEqual({ data: [{ n: 1, t: "TASK OK" }], total: 1 });

    const current = await data<{ status: string; pid: number; ha: unknown }>(sim, "GET", `${base(g)}/status/current`);
    expect(current).toMatchObject({ status: "running", ha: { managed: 0 } });
    expect(current.pid).toBeGreaterThan(0);
    const resource = async () => (await data<{ id: string; status: string }[]>(sim, "GET", "/cluster/resources?type=vm")).find((r) => r.id === `lxc/${g.vmid}`);
    expect((await resource())?.status).toBe("stopped");
    sim.model.refreshStatusNow();
    expect((await resource())?.status).toBe("running");
  });

  it("refuses LXC start/stop in the wrong state synchronously (500, no task)", async () => {
    const running = newGuest("lxc", "running");
    const stopped = newGuest("lxc");
    const tasksBefore = sim.model.listTasks().length;
    const again = await act(running, "start");
    expect([again.status, again.reason, JSON.parse(again.body).message]).toEqual([500, `CT ${running.vmid} already running`, `CT ${running.vmid} already running\n`]);
    expect((await act(stopped, "stop")).reason).toBe(`CT ${stopped.vmid} not running`);
    expect((await act(stopped, "shutdown")).reason).toBe(`CT ${stopped.vmid} not running`);
    expect((await act(stopped, "reboot")).reason).toBe(`VM ${stopped.vmid} not running`);
    expect(sim.model.listTasks().length).toBe(tasksBefore);
  });

  it("fails a locked container's start inside the task", async () => {
    const g = newGuest("lxc");
    sim.model.lockGuest(g.vmid, "backup");
    const upid = await upidOf(g, "start");
    expect(await waitForTask(sim, upid)).toMatchObject({ exitstatus: "CT is locked (backup)" });
    const log = await data<{ n: number; t: string }[]>(sim, "GET", `/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`);
    expect(log.at(-1)).toEqual({ n: log.length, t: "TASK ERROR: CT is locked (backup)" });
    expect(sim.model.getGuest(g.vmid)?.status).toBe("stopped");
    const resources = await data<{ id: string; lock?: string }[]>(sim, "GET", "/cluster/resources?type=vm");
    expect(resources.find((r) => r.id === `lxc/${g.vmid}`)?.lock).toBe("backup");
  });

  it("raises QEMU 'already running' and locks inside qmstart, and stops a stopped VM with OK", async () => {
    const vm = newGuest("qemu", "running");
    expect(await waitForTask(sim, await upidOf(vm, "start"))).toMatchObject({ type: "qmstart", exitstatus: `VM ${vm.vmid} already running` });
    const locked = newGuest("qemu");
    sim.model.lockGuest(locked.vmid, "snapshot");
    expect((await waitForTask(sim, await upidOf(locked, "start"))).exitstatus).toBe("VM is locked (snapshot)");
    sim.model.unlockGuest(locked.vmid);
    expect((await waitForTask(sim, await upidOf(locked, "stop"))).exitstatus).toBe("OK");
    expect((await waitForTask(sim, await upidOf(vm, "shutdown"))).exitstatus).toBe("OK");
    expect(sim.model.getGuest(vm.vmid)?.status).toBe("stopped");
  });

  it("returns a UPID for a missing CT and fails the task on its config file", async () => {
    const missing = await call(sim, "POST", "/nodes/pve1/lxc/999/status/start");
    const upid = JSON.parse(missing.body).data as string;
    expect((await waitForTask(sim, upid)).exitstatus).toBe("Configuration file 'nodes/pve1/lxc/999.conf' does not exist");
    const elsewhere = newGuest("lxc", "stopped", "pve2");
    const wrongNode = await call(sim, "POST", `/nodes/pve1/lxc/${elsewhere.vmid}/status/start`);
    expect((await waitForTask(sim, JSON.parse(wrongNode.body).data)).exitstatus).toBe(`Configuration file 'nodes/pve1/lxc/${elsewhere.vmid}.conf' does not exist`);
    const status = await call(sim, "GET", `/nodes/pve1/lxc/${elsewhere.vmid}/status/current`);
    expect([status.status, status.reason]).toEqual([500, `Configuration file 'nodes/pve1/lxc/${elsewhere.vmid}.conf' does not exist`]);
    const asQemu = await call(sim, "GET", `/nodes/pve2/qemu/${elsewhere.vmid}/config`);
    expect(asQemu.reason).toBe(`Configuration file 'nodes/pve2/qemu-server/${elsewhere.vmid}.conf' does not exist`);
  });

  it("serves the config with a digest that changes when the config does", async () => {
    const g = newGuest("lxc");
    const before = await data<{ digest: string; hostname: string; tags?: string }>(sim, "GET", `${base(g)}/config`);
    expect(before.hostname).toBe(g.name);
    expect(before.digest).toMatch(/^[0-9a-f]{40}$/);
    sim.model.setTags(g.vmid, ["prod", "web"]);
    const after = await data<{ digest: string; tags?: string }>(sim, "GET", `${base(g)}/config`);
    expect(after.tags).toBe("prod;web");
    expect(after.digest).not.toBe(before.digest);
  });

  it("ends a QEMU shutdown that times out with a warning when forced, an error otherwise", async () => {
    const forced = newGuest("qemu", "running");
    const warned = await waitForTask(sim, await upidOf(forced, "shutdown", { timeout: 0, forceStop: 1 }));
    expect(warned.exitstatus).toBe("WARNINGS: 1");
    expect(sim.model.getGuest(forced.vmid)?.status).toBe("stopped");
    const strict = newGuest("qemu", "running");
    expect((await waitForTask(sim, await upidOf(strict, "shutdown", { timeout: 0 }))).exitstatus).toBe("VM quit/powerdown failed - got timeout");
    expect(sim.model.getGuest(strict.vmid)?.status).toBe("running");
  });

  it("stops a running task via DELETE, leaving the guest unchanged", async () => {
    sim.setFaults({ slowTaskFactor: 50 });
    const g = newGuest("lxc");
    const upid = await upidOf(g, "start");
    const del = await call(sim, "DELETE", `/nodes/pve1/tasks/${encodeURIComponent(upid)}`);
    expect(JSON.parse(del.body)).toEqual({ data: null });
    expect(await waitForTask(sim, upid)).toMatchObject({ exitstatus: "received interrupt" });
    expect(sim.model.getGuest(g.vmid)?.status).toBe("stopped");
  });

  it("lists node tasks (archive by default, active on request) and cluster tasks", async () => {
    sim.setFaults({ slowTaskFactor: 50 });
    const g = newGuest("lxc");
    const upid = await upidOf(g, "start");
    const archive = await call(sim, "GET", "/nodes/pve1/tasks?limit=2");
    const page = JSON.parse(archive.body) as { data: { upid: string; status: string; endtime: number }[]; total: number };
    expect(page.data.length).toBeLessThanOrEqual(2);
    expect(page.total).toBeGreaterThanOrEqual(page.data.length);
    expect(page.data.some((t) => t.upid === upid)).toBe(false);
    const active = await data<{ upid: string; status: string }[]>(sim, "GET", "/nodes/pve1/tasks?source=active");
    expect(active.find((t) => t.upid === upid)?.status).toBe("RUNNING");
    const byVmid = await data<{ id: string }[]>(sim, "GET", `/nodes/pve1/tasks?source=all&vmid=${g.vmid}`);
    expect(byVmid.every((t) => t.id === String(g.vmid))).toBe(true);

    const cluster = await data<Record<string, unknown>[]>(sim, "GET", "/cluster/tasks");
    const mine = cluster.find((t) => t.upid === upid)!;
    expect(mine).toMatchObject({ node: "pve1", type: "vzstart", user: "root@pam", tokenid: "proximity" });
    expect(mine.pid).toBeTypeOf("number");
    expect(mine).not.toHaveProperty("pstart");
    expect(mine).not.toHaveProperty("status");
    const finished = cluster.find((t) => t.endtime !== undefined)!;
    expect(finished).not.toHaveProperty("pid");
    expect(finished.status).toBeTypeOf("string");

    const bad = await call(sim, "GET", "/nodes/pve1/tasks/UPID:bogus/status");
    expect(JSON.parse(bad.body).errors).toEqual({ upid: "unable to parse worker upid 'UPID:bogus'" });
    const otherNode = await call(sim, "GET", `/nodes/pve2/tasks/${encodeURIComponent(upid)}/status`);
    expect(JSON.parse(otherNode.body).errors).toEqual({ upid: "no such task" });
    await call(sim, "DELETE", `/nodes/pve1/tasks/${encodeURIComponent(upid)}`);
  });
});

describe("fault injection", () => {
  it("fails matching tasks with the given message, and random ones with a realistic one", async () => {
    const g = newGuest("lxc");
    sim.setFaults({ failTasks: [{ vmid: g.vmid, type: "vzstart", message: "startup for container 'x' failed" }] });
    expect((await waitForTask(sim, await upidOf(g, "start"))).exitstatus).toBe("startup for container 'x' failed");
    sim.setFaults({ taskFailureRate: 1 });
    expect((await waitForTask(sim, await upidOf(g, "start"))).exitstatus).toBe(`startup for container '${g.vmid}' failed`);
    expect(sim.model.getGuest(g.vmid)?.status).toBe("stopped");
  });

  it("answers 595 with an empty body for an unreachable node, which shows offline", async () => {
    sim.setFaults({ unreachableNodes: ["pve2"] });
    const reply = await call(sim, "GET", "/nodes/pve2/status");
    expect([reply.status, reply.reason, reply.body]).toEqual([595, "Connection refused", ""]);
    const resources = await data<{ type: string; node: string; status: string }[]>(sim, "GET", "/cluster/resources");
    expect(resources.find((r) => r.type === "node" && r.node === "pve2")?.status).toBe("offline");
    const guests = resources.filter((r) => (r.type === "lxc" || r.type === "qemu") && r.node === "pve2");
    expect(guests.length).toBeGreaterThan(0);
    expect(guests.every((r) => r.status === "unknown")).toBe(true);
    const status = await data<{ type: string; name: string; online: number }[]>(sim, "GET", "/cluster/status");
    expect(status.find((e) => e.name === "pve2")?.online).toBe(0);
    expect((await call(sim, "GET", "/nodes/pve9/status")).reason).toMatch(/^hostname lookup 'pve9' failed/);
  });

  it("refuses starts without quorum", async () => {
    const g = newGuest("lxc");
    sim.setFaults({ unreachableNodes: ["pve2", "pve3"] });
    const reply = await act(g, "start");
    expect([reply.status, reply.reason]).toEqual([500, "cluster not ready - no quorum?"]);
    const status = await data<{ type: string; quorate?: number }[]>(sim, "GET", "/cluster/status");
    expect(status.find((e) => e.type === "cluster")?.quorate).toBe(0);
  });

  it("treats a powered-off node the same way until it is back", async () => {
    sim.model.setNodeOnline("pve3", false);
    expect((await call(sim, "GET", "/nodes/pve3/lxc")).status).toBe(595);
    const nodes = await data<{ node: string; status: string }[]>(sim, "GET", "/nodes");
    expect(nodes.find((n) => n.node === "pve3")?.status).toBe("offline");
    sim.model.setNodeOnline("pve3", true);
    expect((await call(sim, "GET", "/nodes/pve3/lxc")).status).toBe(200);
  });

  it("answers a configured fraction of requests with a plausible 500", async () => {
    sim.setFaults({ serverErrorRate: 1 });
    const reply = await call(sim, "GET", "/cluster/resources");
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body).message).toBe(`${reply.reason}\n`);
  });

  it("adds latency to every request", async () => {
    sim.setFaults({ latencyMs: 150 });
    expect((await call(sim, "GET", "/version")).elapsedMs).toBeGreaterThanOrEqual(115);
  });
});
