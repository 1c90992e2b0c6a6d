/**
 * Proxmox misbehaving: latency, 5xx answers, an unreachable node (595), a locked guest, slow and
 * failing tasks. Every operation either succeeds (and Proxmox agrees) or fails with Proxmox's own
 * words; the room, the sync and /healthz keep serving throughout; nothing throws unhandled.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PowerKind, Rejection } from "../../shared/src/protocol.ts";
import { SERVER_ERROR_MESSAGES, taskFailureMessage } from "../../server/src/simulator/faults.ts";
import type { GuestInfo, SimulatorFaults } from "../../server/src/simulator/index.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;
const unhandled: unknown[] = [];
const recordUnhandled = (error: unknown) => unhandled.push(error);

beforeAll(async () => {
  process.on("unhandledRejection", recordUnhandled);
  process.on("uncaughtException", recordUnhandled);
  app = await startProximity({ simulator: { guests: 30 } });
  room = await joinWorld(app.wsUrl, app.users.operator.token);
});

afterEach(async () => {
  app.sim.setFaults({});
  for (const node of app.sim.model.listNodes()) if (!node.online) app.sim.model.setNodeOnline(node.name, true);
  // Every host back, not just the cluster: a guest on a host the room still shows offline has an
  // unknown state, and the next test's command on it would be refused.
  await waitFor(room, (s) => {
    const cluster = s.clusters.get(app.clusterId);
    return cluster?.status === "online" && [...cluster.hosts.values()].every((h) => h.status === "online");
  }, 20_000);
  expect(unhandled).toEqual([]);
});

afterAll(async () => {
  process.off("unhandledRejection", recordUnhandled);
  process.off("uncaughtException", recordUnhandled);
  await room?.leave();
  await app?.stop();
});

const TASK_TYPE: Record<PowerKind, string> = { start: "start", stop: "stop", shutdown: "shutdown", reboot: "reboot" };
const STATUS_AFTER: Record<PowerKind, "running" | "stopped"> = { start: "running", stop: "stopped", shutdown: "stopped", reboot: "running" };

const used = new Set<number>();
/** A guest no other test has touched, in the given state. */
function freshGuest(status: "running" | "stopped", type?: "lxc" | "qemu", node?: string): GuestInfo {
  const guest = app.sim.model
    .listGuests()
    .find((g) => g.status === status && !g.lock && !g.template && !used.has(g.vmid) && (!type || g.type === type) && (!node || g.node === node));
  if (!guest) throw new Error(`no fresh ${status} ${type ?? ""} guest left`);
  used.add(guest.vmid);
  return guest;
}

const proximityTasks = (vmid: number) => app.sim.model.listTasks().filter((t) => t.id === String(vmid) && t.user === app.sim.adminToken.tokenId);

/** Submits through the room; a cluster the sync just saw failing is refused, so wait for it to come back as a user would. */
async function submit(kind: PowerKind, vmid: number): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = (await room.request(`guest.${kind}`, { cluster: app.clusterId, vmid })) as { operationId: string };
      return reply.operationId;
    } catch (error) {
      const reason = (error as { reason?: Rejection }).reason;
      if (reason?.code !== "cluster_offline" || attempt >= 10) throw error;
      await waitFor(room, (s) => s.clusters.get(app.clusterId)?.status === "online", 20_000);
    }
  }
}

interface Ended {
  state: string;
  error: string;
}

async function ended(operationId: string, timeoutMs = 25_000): Promise<Ended> {
  await waitFor(room, (s) => ["succeeded", "failed"].includes(s.operations.get(operationId)?.state ?? ""), timeoutMs);
  const op = room.state.operations.get(operationId)!;
  return { state: op.state, error: op.error };
}

/**
 * The operation's outcome is the truth: succeeded ⇒ the guest got there, with one task; failed ⇒ the
 * error is one of the texts Proxmox gave, and the guest is as it was.
 */
function expectTruthful(kind: PowerKind, before: GuestInfo, outcome: Ended, proxmoxTexts: string[]) {
  const now = app.sim.model.getGuest(before.vmid)!;
  const tasks = proximityTasks(before.vmid);
  expect(tasks.length, `tasks on ${before.vmid}`).toBeLessThanOrEqual(1);
  if (outcome.state === "succeeded") {
    expect(now.status, `${kind} of ${before.vmid} succeeded`).toBe(STATUS_AFTER[kind]);
    expect(tasks.map((t) => [t.type.slice(2), t.exitstatus])).toEqual([[TASK_TYPE[kind], "OK"]]);
  } else {
    expect(proxmoxTexts, `${kind} of ${before.vmid} failed with "${outcome.error}"`).toContain(outcome.error);
    expect(now.status, `${kind} of ${before.vmid} failed`).toBe(before.status);
  }
}

interface Health {
  status: string;
  clusters: { id: string; reachable: boolean }[];
}

/** The room answers a request (a refusal: it changes nothing) and /healthz answers. */
async function answering(): Promise<Health> {
  await expect(room.request("guest.stop", { cluster: "no-such-cluster", vmid: 100 })).rejects.toMatchObject({ reason: { code: "not_found" } });
  const health = await fetch(`${app.httpUrl}/healthz`);
  expect(health.status).toBe(200);
  return (await health.json()) as Health;
}

/** Answering, and a patch arrives (the sync's fresh metrics). */
async function stillServing(): Promise<Health> {
  const patch = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no patch within 10 s")), 10_000);
    const listener = () => {
      clearTimeout(timer);
      room.onStateChange.remove(listener);
      resolve();
    };
    room.onStateChange(listener);
  });
  const health = await answering();
  await patch;
  return health;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withFaults<T>(faults: SimulatorFaults, body: () => Promise<T>): Promise<T> {
  app.sim.setFaults(faults);
  try {
    return await body();
  } finally {
    app.sim.setFaults({});
  }
}

const lastSyncAt = () => room.state.clusters.get(app.clusterId)!.lastSyncAt;

describe("operations and the world under Proxmox faults", () => {
  it("latency: operations succeed, the sync keeps up, the room answers", async () => {
    const stop = freshGuest("running", "lxc");
    const start = freshGuest("stopped", "qemu");
    await withFaults({ latencyMs: 300 }, async () => {
      const synced = lastSyncAt();
      const ids = await Promise.all([submit("stop", stop.vmid), submit("start", start.vmid)]);
      await stillServing();
      const [stopped, started] = await Promise.all(ids.map((id) => ended(id)));
      expectTruthful("stop", stop, stopped!, []);
      expectTruthful("start", start, started!, []);
      expect([stopped!.state, started!.state]).toEqual(["succeeded", "succeeded"]);
      await waitFor(room, () => lastSyncAt() > synced);
    });
  });

  it("5xx answers: each operation succeeds or fails with Proxmox's text, never half-true", async () => {
    const targets: [PowerKind, GuestInfo][] = [
      ["stop", freshGuest("running", "lxc")],
      ["reboot", freshGuest("running", "qemu")],
      ["start", freshGuest("stopped")],
      ["shutdown", freshGuest("running")],
    ];
    await withFaults({ serverErrorRate: 0.25 }, async () => {
      const synced = lastSyncAt();
      const ids = await Promise.all(targets.map(([kind, g]) => submit(kind, g.vmid)));
      await stillServing();
      // A failed read is retried by the job with backoff (2, 4, 8 s): rare runs take that long.
      const outcomes = await Promise.all(ids.map((id) => ended(id, 50_000)));
      targets.forEach(([kind, g], i) => expectTruthful(kind, g, outcomes[i]!, [...SERVER_ERROR_MESSAGES]));
      await waitFor(room, () => lastSyncAt() > synced);
    });
  }, 60_000);

  it("an unreachable node (595) delays the action; once the node is back it runs exactly once", async () => {
    const guest = freshGuest("running", "lxc");
    // The sync is held back so the command is taken before the server knows the node is gone:
    // the action request itself meets the 595.
    const sync = app.server.syncs.get(app.clusterId)!;
    await sync.stop();
    app.sim.setFaults({ unreachableNodes: [guest.node] });
    const id = await submit("stop", guest.vmid);
    sync.start();
    await waitFor(room, (s) => s.clusters.get(app.clusterId)!.hosts.get(guest.node)?.status === "offline");
    // A busy machine may pick the job up only now; once running, its first attempt meets the 595.
    await waitFor(room, (s) => s.operations.get(id)?.state === "running");
    const health = await stillServing();
    expect(health.clusters).toContainEqual(expect.objectContaining({ id: app.clusterId, reachable: true }));
    expect(room.state.operations.get(id)?.state).toBe("running");
    expect(proximityTasks(guest.vmid)).toEqual([]);
    app.sim.setFaults({});
    const outcome = await ended(id);
    expect(outcome.state).toBe("succeeded");
    expectTruthful("stop", guest, outcome, []);
  });

  it("a locked guest: the operation fails with Proxmox's lock message", async () => {
    const guest = freshGuest("running", "qemu");
    app.sim.model.lockGuest(guest.vmid, "backup");
    try {
      const outcome = await ended(await submit("shutdown", guest.vmid));
      expect(outcome).toEqual({ state: "failed", error: "VM is locked (backup)" });
      expectTruthful("shutdown", guest, outcome, ["VM is locked (backup)"]);
    } finally {
      app.sim.model.unlockGuest(guest.vmid);
    }
  });

  it("slow tasks: the operation stays running while the room keeps serving, then succeeds", async () => {
    const guest = freshGuest("running", "lxc");
    await withFaults({ slowTaskFactor: 40 }, async () => {
      const id = await submit("stop", guest.vmid);
      await until(() => proximityTasks(guest.vmid).some((t) => t.status === "running"));
      await stillServing();
      expect(room.state.operations.get(id)?.state).toBe("running");
      const outcome = await ended(id);
      expect(outcome.state).toBe("succeeded");
      expectTruthful("stop", guest, outcome, []);
    });
  });

  it("failing tasks: the operation fails with the task's exit status, word for word", async () => {
    const chosen = freshGuest("stopped", "lxc");
    const message = `startup for container '${chosen.vmid}' failed: mount point busy (injected)`;
    const random = freshGuest("running", "qemu");
    await withFaults({ failTasks: [{ vmid: chosen.vmid, type: "vzstart", message }], taskFailureRate: 1 }, async () => {
      const [a, b] = await Promise.all([submit("start", chosen.vmid), submit("stop", random.vmid)]);
      await stillServing();
      const [first, second] = await Promise.all([ended(a), ended(b)]);
      expect(first).toEqual({ state: "failed", error: message });
      expect(second).toEqual({ state: "failed", error: taskFailureMessage("qmstop", String(random.vmid)) });
      expectTruthful("start", chosen, first!, [message]);
      expectTruthful("stop", random, second!, [second!.error]);
    });
  });

  it("a total outage: the cluster shows offline, commands are refused with the reason, a running operation survives it", async () => {
    const guest = freshGuest("running", "lxc");
    app.sim.setFaults({ slowTaskFactor: 60 });
    const id = await submit("stop", guest.vmid);
    await until(() => proximityTasks(guest.vmid).some((t) => t.status === "running"));

    // Every request answers 500. The offline cluster arriving in the room is a patch sent during the outage.
    app.sim.setFaults({ slowTaskFactor: 60, serverErrorRate: 1 });
    await waitFor(room, (s) => s.clusters.get(app.clusterId)?.status === "offline");
    expect(await answering()).toMatchObject({ status: "degraded", clusters: [expect.objectContaining({ id: app.clusterId, reachable: false })] });
    const other = freshGuest("running");
    await expect(room.request("guest.stop", { cluster: app.clusterId, vmid: other.vmid })).rejects.toMatchObject({
      reason: { code: "cluster_offline", message: expect.stringMatching(new RegExp(SERVER_ERROR_MESSAGES.map(escape).join("|"))) },
    });

    app.sim.setFaults({});
    await waitFor(room, (s) => s.clusters.get(app.clusterId)?.status === "online", 20_000);
    const outcome = await ended(id);
    expectTruthful("stop", guest, outcome, []);
    expect(outcome.state).toBe("succeeded");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
