import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_NAMES, commands } from "../../shared/src/commands.ts";
import { POWER_KINDS, ROLES, ROOM_NAME, roleAllows, type Role } from "../../shared/src/protocol.ts";
import { WorldState } from "../../shared/src/schema/world.ts";
import { startProximity, TEST_PASSWORD, type TestProximity } from "../support/proximity.ts";
import { joinWorld, waitFor } from "../support/world-client.ts";

let app: TestProximity;

beforeAll(async () => {
  app = await startProximity({ simulator: { guests: 96 } });
});

afterAll(async () => {
  await app?.stop();
});

/** Every HTTP route with the least role that may use it; null = public. */
const ROUTES: { method: string; path: string; role: Role | null; body?: unknown }[] = [
  { method: "GET", path: "/healthz", role: null },
  { method: "GET", path: "/api/auth/status", role: null },
  { method: "GET", path: "/api/auth/me", role: "viewer" },
  { method: "GET", path: "/api/operations/00000000-0000-4000-8000-000000000000", role: "viewer" },
  { method: "GET", path: "/api/metrics", role: "admin" },
  { method: "GET", path: "/api/users", role: "admin" },
  { method: "POST", path: "/api/users", role: "admin", body: { username: "x", password: "short", role: "viewer" } },
  { method: "PATCH", path: "/api/users/00000000-0000-4000-8000-000000000000", role: "admin", body: { disabled: true } },
  { method: "GET", path: "/api/audit", role: "admin" },
  { method: "POST", path: "/api/healing/janitor", role: "admin" },
  { method: "POST", path: "/api/healing/reconciler", role: "admin" },
  { method: "POST", path: "/api/commands/guest.start", role: "viewer", body: {} },
  { method: "GET", path: "/api/catalog", role: "viewer" },
  { method: "POST", path: "/api/catalog/reload", role: "admin" },
  { method: "GET", path: "/api/operations/00000000-0000-4000-8000-000000000000/secrets", role: "viewer" },
  { method: "GET", path: "/api/clusters/lab/placement?memoryMiB=512", role: "viewer" },
  { method: "GET", path: "/api/clusters/lab/storages?content=backup", role: "viewer" },
  { method: "GET", path: "/api/clusters/lab/guests/100/backups", role: "viewer" },
  { method: "GET", path: "/api/clusters/lab/guests/100/snapshots", role: "viewer" },
  { method: "GET", path: "/api/clusters/lab/nodes/pve1/storages/local/backups", role: "viewer" },
  { method: "GET", path: "/api/backup-schedules", role: "viewer" },
  { method: "POST", path: "/api/backup-schedules", role: "operator", body: {} },
  { method: "DELETE", path: "/api/backup-schedules/00000000-0000-4000-8000-000000000000", role: "operator" },
  { method: "GET", path: "/api/clusters", role: "admin" },
  { method: "POST", path: "/api/clusters/probe", role: "admin", body: { url: "https://127.0.0.1:1" } },
  { method: "POST", path: "/api/clusters", role: "admin", body: {} },
  { method: "DELETE", path: "/api/clusters/no-such-cluster", role: "admin" },
];

/** A payload each command accepts for a guest in the given state (refusals other than "forbidden" are fine here). */
function samplePayload(name: string, vmid: number, guestName: string): Record<string, unknown> {
  const target = { cluster: app.clusterId, vmid };
  switch (name) {
    case "app.deploy":
      return { cluster: app.clusterId, app: "uptime-kuma" };
    case "guest.clone":
      return { ...target, name: `copy-${vmid}`, full: true };
    case "guest.restore":
    case "backup.restoreAsNew":
    case "backup.delete":
      return { ...target, volid: `local:backup/vzdump-lxc-${vmid}-2026_01_01-00_00_00.tar.zst` };
    case "guest.migrate":
      return { ...target, node: "pve2" };
    case "guest.resize":
      return { ...target, cores: 2 };
    case "guest.snapshot":
    case "snapshot.rollback":
    case "snapshot.delete":
      return { ...target, snapname: "before-upgrade" };
    case "guest.delete":
      return { ...target, confirmName: guestName };
    default:
      return target;
  }
}

const POWER_OPERATIONS = Object.fromEntries(POWER_KINDS.map((k) => [k, true]));

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  fetch(`${app.httpUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("who may do what", () => {
  it.each(ROUTES)("$method $path: refused without a valid session, and by role", async ({ method, path, role, body }) => {
    const anonymous = await call(method, path, null, body);
    const forged = await call(method, path, `${app.users.admin.token.slice(0, -4)}AAAA`, body);
    if (role === null) {
      expect(anonymous.status).toBeLessThan(400);
      return;
    }
    expect([anonymous.status, forged.status]).toEqual([401, 401]);
    for (const held of ROLES) {
      const res = await call(method, path, app.users[held].token, body);
      if (roleAllows(held, role)) expect([401, 403], `${held} on ${path}`).not.toContain(res.status);
      else expect(res.status, `${held} on ${path}`).toBe(403);
    }
  });

  it("every command × every role: allowed roles get an operation, others are refused as forbidden", async () => {
    const used = new Set<number>();
    const guestFor = (status: "running" | "stopped") => {
      const g = app.sim.model.listGuests().find((x) => x.status === status && !x.lock && !x.template && !used.has(x.vmid))!;
      used.add(g.vmid);
      return g;
    };
    const needsStopped = new Set(["start", "restore", "delete"]);
    for (const role of ROLES) {
      const room = await joinWorld(app.wsUrl, app.users[role].token);
      try {
        for (const name of COMMAND_NAMES) {
          const def = commands[name];
          const guest = guestFor(needsStopped.has(def.operation) ? "stopped" : "running");
          const payload = samplePayload(name, guest.vmid, guest.name);
          const attempt = room.request(name, payload);
          const http = () => call("POST", `/api/commands/${name}`, app.users[role].token, payload);
          if (!roleAllows(role, def.role)) {
            await expect(attempt, `${role} ${name}`).rejects.toMatchObject({ reason: { code: "forbidden" } });
            expect((await http()).status, `${role} ${name} over HTTP`).toBe(403);
          } else if (def.operation in POWER_OPERATIONS) {
            const { operationId } = (await attempt) as { operationId: string };
            await waitFor(room, (s) => s.operations.get(operationId)?.requestedBy === role);
            expect((await http()).status, `${role} ${name} over HTTP while busy`).toBe(409);
          } else {
            // Allowed: accepted, or refused for a reason that is not the role (a sample backup that does not exist).
            const outcome = await attempt.then(() => "accepted", (error: { reason?: { code?: string } }) => error.reason?.code);
            expect(outcome, `${role} ${name}`).not.toBe("forbidden");
          }
        }
      } finally {
        await room.leave();
      }
    }
  });

  it("refuses to open the world without a valid session or from a foreign page", async () => {
    const join = (token: string | null, headers?: Record<string, string>) => {
      const client = new Client(app.wsUrl, headers ? { headers } : undefined);
      if (token) client.auth.token = token;
      return client.joinOrCreate(ROOM_NAME, {}, WorldState);
    };
    await expect(join(null)).rejects.toThrow(/Sign in first/);
    await expect(join("forged.token")).rejects.toThrow(/Sign in first/);
    await expect(join(app.users.viewer.token, { origin: "https://evil.example" })).rejects.toThrow(/Origin https:\/\/evil\.example/);
  });

  it("signing out ends the session everywhere: the token stops working and the world connection closes", async () => {
    await app.server.auth.createUser("leaver", TEST_PASSWORD, "operator");
    const login = await call("POST", "/api/auth/login", null, { username: "leaver", password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    const { token, user } = (await login.json()) as { token: string; user: { name: string; role: string } };
    expect(user).toMatchObject({ name: "leaver", role: "operator" });
    const room = await joinWorld(app.wsUrl, token);
    const closed = new Promise<number>((resolve) => room.onLeave(resolve));
    expect((await call("POST", "/api/auth/logout", token)).status).toBe(204);
    expect(await closed).toBe(4401);
    expect((await call("GET", "/api/auth/me", token)).status).toBe(401);
  });

  it("throttles repeated failed sign-ins and records every attempt in the audit log", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await call("POST", "/api/auth/login", null, { username: "operator", password: `wrong-${i}` })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const audit = (await (await call("GET", "/api/audit?limit=50", app.users.admin.token)).json()) as { action: string; outcome: string }[];
    expect(audit.filter((a) => a.action === "sign-in" && a.outcome === "failed").length).toBeGreaterThanOrEqual(5);
  });
});

describe("credentials at rest", () => {
  it("stores the cluster's token secret encrypted, never in clear", async () => {
    const { rows } = await app.server.db.sql.query<{ auth_secret: string }>("SELECT auth_secret FROM clusters");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.auth_secret).toMatch(/^v1:/);
    expect(rows[0]!.auth_secret).not.toContain(app.sim.adminToken.secret);
  });

  it("never sends a credential to a client", async () => {
    const bodies = await Promise.all(["/healthz", "/api/audit?limit=1000", "/api/metrics"].map(async (p) => (await app.api(p)).text()));
    for (const body of bodies) expect(body).not.toContain(app.sim.adminToken.secret);
    const room = await joinWorld(app.wsUrl, app.users.admin.token);
    expect(JSON.stringify(room.state.toJSON())).not.toContain(app.sim.adminToken.secret);
    await room.leave();
  });
});
