import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "../simulator/index.ts";
import { ProxmoxClient } from "./client.ts";
import { ProxmoxError, TaskFailedError } from "./errors.ts";
import { followTask } from "./follow-task.ts";
import { isGuestResource, type ClusterGuestResource } from "./shapes.ts";
import { sleep } from "./sleep.ts";
import { InvalidUpidError } from "./upid.ts";

let sim: Simulator;
let client: ProxmoxClient;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, taskSpeed: 0.05, authFailureDelayMs: 20, statusRefreshMs: 200 });
  client = new ProxmoxClient(
    { baseUrl: sim.url, auth: { kind: "token", ...sim.adminToken }, tls: { fingerprint: sim.fingerprint } },
    { retryDelaysMs: [10] },
  );
});
afterEach(() => sim.setFaults({}));
afterAll(async () => {
  await client.close();
  await sim.close();
});

async function guestWhere(predicate: (guest: ClusterGuestResource) => boolean): Promise<ClusterGuestResource> {
  const online = new Set((await client.nodes()).filter((n) => n.status === "online").map((n) => n.node));
  const guest = (await client.clusterResources("vm"))
    .filter(isGuestResource)
    .find((g) => online.has(g.node) && !g.template && !g.lock && predicate(g));
  if (!guest) throw new Error("the seeded estate has no such guest");
  return guest;
}

async function settledStatus(guest: ClusterGuestResource) {
  return (await client.guestStatus(guest.node, guest.type, guest.vmid)).status;
}

describe("followTask", () => {
  it("turns a failed task into TaskFailedError with the exit status and log tail", async () => {
    const guest = await guestWhere((g) => g.type === "lxc" && g.status === "stopped");
    sim.setFaults({ failTasks: [{ vmid: guest.vmid, type: "vzstart", message: "CT is locked (backup)" }] });
    const upid = await client.guestPowerAction(guest.node, "lxc", guest.vmid, "start");
    const error = await followTask(client, upid, { intervalMs: 20 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toBeInstanceOf(ProxmoxError);
    expect(error).toMatchObject({
      upid,
      node: guest.node,
      taskType: "vzstart",
      taskId: String(guest.vmid),
      exitstatus: "CT is locked (backup)",
      kind: "locked",
      retriable: false,
    });
    const failed = error as TaskFailedError;
    expect(failed.logTail.at(-1)).toBe("TASK ERROR: CT is locked (backup)");
    expect(failed.message).toBe(`PVE task vzstart ${guest.vmid} on ${guest.node} failed: CT is locked (backup)`);
  });

  it("resolves WARNINGS: n as success with a warning count", async () => {
    const guest = await guestWhere((g) => g.type === "qemu" && g.status === "running");
    const upid = await client.guestPowerAction(guest.node, "qemu", guest.vmid, "shutdown", { timeout: 1, forceStop: true });
    const lines: string[] = [];
    const outcome = await followTask(client, upid, { intervalMs: 20, onLog: (batch) => lines.push(...batch) });
    expect(outcome).toMatchObject({ exitstatus: "WARNINGS: 1", warnings: 1 });
    expect(lines.at(-1)).toBe("TASK WARNINGS: 1");
    expect(await settledStatus(guest)).toBe("stopped");
  });

  it("reports a task stopped through the API as failed", async () => {
    const guest = await guestWhere((g) => g.type === "lxc" && g.status === "stopped");
    sim.setFaults({ slowTaskFactor: 1_000 });
    const upid = await client.guestPowerAction(guest.node, "lxc", guest.vmid, "start");
    const following = followTask(client, upid, { intervalMs: 20 }).catch((caught: unknown) => caught);
    await client.stopTask(guest.node, upid);
    expect(await following).toMatchObject({ exitstatus: "received interrupt" });
  });

  it("tolerates 'no such task' for the grace period only", async () => {
    const [node] = await client.nodes();
    const ghost = `UPID:${node!.node}:00001234:00ABCDEF:6790A1B5:vzstart:999:root@pam:`;
    let clock = 0;
    let polls = 0;
    const error = await followTask(client, ghost, {
      intervalMs: 1_000,
      missingGraceMs: 5_000,
      now: () => clock,
      sleep: async (ms) => {
        polls++;
        clock += ms;
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProxmoxError);
    expect(error).toMatchObject({ status: 400, kind: "validation" });
    expect((error as ProxmoxError).errors?.upid).toMatch(/no such task/);
    expect(polls).toBe(5);
  });

  it("gives up after its overall timeout, leaving the task running", async () => {
    const guest = await guestWhere((g) => g.type === "lxc" && g.status === "stopped");
    sim.setFaults({ slowTaskFactor: 1_000 });
    const upid = await client.guestPowerAction(guest.node, "lxc", guest.vmid, "start");
    const error = await followTask(client, upid, { intervalMs: 20, timeoutMs: 150 }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: "timeout", status: 0 });
    expect((error as Error).message).toMatch(/did not finish within 150 ms/);
    expect((await client.taskStatus(guest.node, upid)).status).toBe("running");
    await client.stopTask(guest.node, upid);
  });

  it("stops following when aborted", async () => {
    const guest = await guestWhere((g) => g.type === "lxc" && g.status === "stopped");
    sim.setFaults({ slowTaskFactor: 1_000 });
    const upid = await client.guestPowerAction(guest.node, "lxc", guest.vmid, "start");
    const controller = new AbortController();
    // Aborts while followTask waits between its first and second poll.
    const following = followTask(client, upid, {
      intervalMs: 20,
      signal: controller.signal,
      sleep: (ms, signal) => {
        controller.abort(new Error("operator left"));
        return sleep(ms, signal);
      },
    });
    await expect(following).rejects.toThrow("operator left");
    await client.stopTask(guest.node, upid);
  });

  it("refuses something that is not a UPID", async () => {
    await expect(followTask(client, "UPID:nope")).rejects.toThrow(InvalidUpidError);
  });
});
