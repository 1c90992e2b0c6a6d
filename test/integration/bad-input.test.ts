import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;
let bystander: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity();
  [room, bystander] = await Promise.all([joinWorld(app.wsUrl, app.users.operator.token), joinWorld(app.wsUrl, app.users.admin.token)]);
});

afterAll(async () => {
  await Promise.all([room?.leave(), bystander?.leave()]);
  await app?.stop();
});

const reasonOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return (error as { reason?: unknown }).reason ?? error;
  }
  throw new Error("expected a rejection");
};

describe("bad input over the room: a clear refusal, and the room keeps serving", () => {
  it.each([
    ["a string vmid", { cluster: "lab", vmid: "101" }, "vmid"],
    ["a fractional vmid", { cluster: "lab", vmid: 100.5 }, "vmid"],
    ["a vmid below 100", { cluster: "lab", vmid: 7 }, "vmid"],
    ["a missing cluster", { vmid: 100 }, "cluster"],
    ["an extra field", { cluster: "lab", vmid: 100, force: true }, "force"],
    ["an injected name", { cluster: "lab'; DROP TABLE guests; --".repeat(3), vmid: 100 }, "cluster"],
  ])("%s is invalid_payload naming the field", async (_what, payload, field) => {
    const reason = (await reasonOf(room.request("guest.stop", payload))) as { code: string; fields: Record<string, string> };
    expect(reason.code).toBe("invalid_payload");
    expect(Object.keys(reason.fields)).toContain(field);
  });

  it("a payload that is not an object is invalid_payload", async () => {
    for (const payload of [null, 42, "stop", [1, 2]]) {
      expect(await reasonOf(room.request("guest.start", payload))).toMatchObject({ code: "invalid_payload" });
    }
  });

  it("an unknown guest or cluster is not_found, with the id in the message", async () => {
    expect(await reasonOf(room.request("guest.start", { cluster: "lab", vmid: 999_999 }))).toMatchObject({
      code: "not_found",
      message: expect.stringContaining("999999"),
    });
    expect(await reasonOf(room.request("guest.start", { cluster: "nowhere", vmid: 100 }))).toMatchObject({
      code: "not_found",
      message: expect.stringContaining("nowhere"),
    });
  });

  it("starting a running guest is invalid_state, before anything reaches Proxmox", async () => {
    const running = app.sim.model.listGuests().find((g) => g.status === "running")!;
    const before = app.sim.model.requestCounts();
    expect(await reasonOf(room.request("guest.start", { cluster: "lab", vmid: running.vmid }))).toMatchObject({ code: "invalid_state" });
    const after = app.sim.model.requestCounts();
    expect(Object.keys(after).filter((k) => k.startsWith("POST") && after[k] !== before[k])).toEqual([]);
  });

  it("an unknown command sent without a reply is answered with command.rejected", async () => {
    const rejected = new Promise((resolve) => room.onMessage("command.rejected", resolve));
    room.send("guest.explode" as never, { cluster: "lab", vmid: 100 } as never);
    expect(await rejected).toMatchObject({ code: "unknown_command", command: "guest.explode" });
  });

  it("an unknown command as a request is refused by name", async () => {
    const reason = await reasonOf(room.request("guest.explode" as never, {} as never));
    expect(String((reason as Error).message ?? JSON.stringify(reason))).toContain("guest.explode");
  });

  it("a payload over the message limit closes only that connection; others keep working", async () => {
    const victim = await joinWorld(app.wsUrl, app.users.viewer.token);
    const closed = new Promise<number>((resolve) => victim.onLeave(resolve));
    victim.send("guest.stop", { cluster: "x".repeat(64 * 1024), vmid: 100 } as never);
    expect(await closed).toBeGreaterThanOrEqual(1000);

    const vmid = app.sim.model.listGuests().find((g) => g.status === "running" && !g.lock)!.vmid;
    const { operationId } = (await bystander.request("guest.stop", { cluster: "lab", vmid })) as { operationId: string };
    await waitFor(bystander, (s) => s.operations.get(operationId)?.state === "succeeded");
    await waitFor(room, (s) => findGuest(s, "lab", vmid)?.status === "stopped");
  });
});

describe("bad input over HTTP", () => {
  const post = (path: string, init: RequestInit = {}) => app.api(path, { method: "POST", ...init });

  it("answers each malformed request with a status and a reason", async () => {
    const cases: [Promise<Response>, number, string][] = [
      [post("/api/guests/lab/100/actions/explode"), 404, "unknown_command"],
      [post("/api/guests/lab/abc/actions/stop"), 400, "invalid_payload"],
      [post("/api/guests/lab/99/actions/stop"), 400, "invalid_payload"],
      [post("/api/guests/lab/999999/actions/stop"), 404, "not_found"],
      [post("/api/guests/lab/100/actions/stop", { body: "{not json", headers: { "content-type": "application/json" } }), 400, "invalid_payload"],
      [post("/api/guests/lab/100/actions/stop", { body: JSON.stringify({ pad: "x".repeat(20_000) }) }), 413, "invalid_payload"],
      [app.api("/api/operations/not-an-id"), 400, "invalid_payload"],
      [app.api("/api/operations/00000000-0000-4000-8000-000000000000"), 404, "not_found"],
      [app.api("/api/nothing-here"), 404, "not_found"],
    ];
    for (const [request, status, code] of cases) {
      const res = await request;
      const body = (await res.json()) as { code: string; message: string };
      expect([res.status, body.code], body.message).toEqual([status, code]);
      expect(body.message.length).toBeGreaterThan(0);
      expect(body.message.length).toBeLessThan(400);
    }
  });

  it("health reports the database and each cluster", async () => {
    const res = await fetch(`${app.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "ok", clusters: [{ id: "lab", reachable: true }] });
  });
});
