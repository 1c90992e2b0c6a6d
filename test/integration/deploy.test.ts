import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findApp } from "../../server/src/db/apps.ts";
import { runBackupScheduler } from "../../server/src/backups/scheduler.ts";
import { startSimulator, type Simulator } from "../../server/src/simulator/index.ts";
import { ended, getJson, run, submit } from "../support/commands.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { until } from "../support/until.ts";
import { findGuest, joinWorld, waitFor, type WorldRoomClient } from "../support/world-client.ts";

let app: TestProximity;
let room: WorldRoomClient;

beforeAll(async () => {
  app = await startProximity();
  room = await joinWorld(app.wsUrl, app.users.operator.token);
});

afterAll(async () => {
  await room?.leave();
  await app?.stop();
});

beforeEach(() => app.sim.setFaults({}));

interface CatalogView {
  apps: { id: string; route: string; composeReason?: string; minimums: { memoryMiB: number } }[];
  problems: unknown[];
}

describe("app catalog and deploy", () => {
  it("serves the starter catalog: at least 20 apps, none with problems", async () => {
    const catalog = await getJson<CatalogView>(app, "/api/catalog", "viewer");
    expect(catalog.apps.length).toBeGreaterThanOrEqual(20);
    expect(catalog.problems).toEqual([]);
    expect(catalog.apps.some((a) => a.route === "compose" && a.composeReason)).toBe(true);
  });

  it("shows where a deploy would land: the online node with the most free memory", async () => {
    const placement = await getJson<{ node: string; candidates: { node: string; status: string; freeMiB: number }[] }>(
      app,
      `/api/clusters/${app.clusterId}/placement?memoryMiB=256`,
      "viewer",
    );
    const online = placement.candidates.filter((c) => c.status === "online");
    expect(placement.node).toBe(online.sort((a, b) => b.freeMiB - a.freeMiB)[0]!.node);
  });

  it("deploys an app: pulls its image, creates an unprivileged container, starts it, and shows its URL", async () => {
    const op = await run(app, "app.deploy", { cluster: app.clusterId, app: "uptime-kuma" }, "operator");
    expect(op.state, `${op.message} ${op.error}`).toBe("succeeded");
    const guest = app.sim.model.getGuest(op.vmid)!;
    expect(guest).toMatchObject({ type: "lxc", status: "running" });
    expect(guest.config.unprivileged).toBe(1);
    expect(String(guest.tags)).toContain("app-uptime-kuma");
    const recorded = await findApp(app.server.db.sql, app.clusterId, op.vmid);
    expect(recorded).toMatchObject({ origin: "deployed", appId: "uptime-kuma" });
    expect(recorded!.url).toMatch(/^http:\/\/[\w.-]+:3001$/);
    await app.server.syncs.get(app.clusterId)!.runCycle();
    await waitFor(room, (s) => findGuest(s, app.clusterId, op.vmid)?.appUrl === recorded!.url);
  });

  it("two deploys submitted at the same moment both get their own VMID", async () => {
    const [a, b] = await Promise.all(
      ["navidrome", "ntfy"].map((id) => submit(app, "app.deploy", { cluster: app.clusterId, app: id }, "operator")),
    );
    expect([a!.status, b!.status]).toEqual([202, 202]);
    const [first, second] = await Promise.all([ended(app, a!.operationId!), ended(app, b!.operationId!)]);
    expect(first.vmid).not.toBe(second.vmid);
    expect([first.state, second.state]).toEqual(["succeeded", "succeeded"]);
  });

  it("shows generated secrets once, to the deployer only", async () => {
    const op = await run(app, "app.deploy", { cluster: app.clusterId, app: "postgresql", name: "db-one" }, "operator");
    expect(op.state, `${op.message} ${op.error}`).toBe("succeeded");
    expect((await app.api(`/api/operations/${op.id}/secrets`, { as: "admin" })).status).toBe(403);
    const first = await app.api(`/api/operations/${op.id}/secrets`, { as: "operator" });
    expect(first.status).toBe(200);
    const { secrets } = (await first.json()) as { secrets: { name: string; value: string }[] };
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.every((s) => s.value.length >= 16)).toBe(true);
    expect((await app.api(`/api/operations/${op.id}/secrets`, { as: "operator" })).status).toBe(410);
  });

  it("refuses apps that need the compose route and choices below an app's minimums", async () => {
    const catalog = await getJson<CatalogView>(app, "/api/catalog");
    const compose = catalog.apps.find((a) => a.route === "compose")!;
    expect(await submit(app, "app.deploy", { cluster: app.clusterId, app: compose.id })).toMatchObject({ status: 409, code: "invalid_state" });
    const kuma = catalog.apps.find((a) => a.id === "uptime-kuma")!;
    const tooSmall = await submit(app, "app.deploy", { cluster: app.clusterId, app: "uptime-kuma", memoryMiB: Math.max(64, kuma.minimums.memoryMiB / 2) });
    expect(tooSmall).toMatchObject({ status: 400, code: "invalid_payload" });
    expect(tooSmall.fields).toHaveProperty("memoryMiB");
    expect(await submit(app, "app.deploy", { cluster: app.clusterId, app: "no-such-app" })).toMatchObject({ status: 404 });
  });

  it("a deploy that fails in Proxmox removes the container it created and the image it pulled", async () => {
    app.sim.setFaults({ failTasks: [{ type: "vzstart", message: "startup for container failed" }] });
    const before = app.sim.model.listGuests().length;
    const op = await run(app, "app.deploy", { cluster: app.clusterId, app: "grafana" }, "operator");
    expect(op.state).toBe("failed");
    expect(op.error).toBe("startup for container failed");
    expect(op.message).toMatch(/Cleaned up/);
    expect(app.sim.model.getGuest(op.vmid)).toBeUndefined();
    expect(app.sim.model.listGuests()).toHaveLength(before);
  });
});

describe("clusters", () => {
  let second: Simulator;
  beforeAll(async () => {
    second = await startSimulator({ seed: 99, nodes: 2, guests: 6, taskSpeed: 0.05, statusRefreshMs: 200, authFailureDelayMs: 20 });
  });
  afterAll(async () => {
    await second?.close();
  });

  it("probes the fingerprint, refuses a wrong one, adds the cluster, shows it as its own row, and removes it", async () => {
    const post = (path: string, body: unknown) =>
      app.api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const probe = await post("/api/clusters/probe", { url: second.url });
    expect(probe.status).toBe(200);
    const { fingerprint } = (await probe.json()) as { fingerprint: string };
    expect(fingerprint).toBe(second.fingerprint);

    const connection = { id: "second", name: "Second lab", url: second.url, tokenId: second.adminToken.tokenId, secret: second.adminToken.secret };
    const wrong = await post("/api/clusters", { ...connection, fingerprint: fingerprint.replace(/^../, fingerprint.startsWith("00") ? "11" : "00") });
    expect(wrong.status).toBe(409);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/Connection test failed/);

    const added = await post("/api/clusters", { ...connection, fingerprint });
    expect(added.status).toBe(201);
    await waitFor(room, (s) => (s.clusters.get("second")?.hosts.size ?? 0) === 2, 20_000);
    const listed = await getJson<{ clusters: { id: string; fingerprint: string }[] }>(app, "/api/clusters");
    expect(listed.clusters.find((c) => c.id === "second")).toMatchObject({ fingerprint });
    expect(JSON.stringify(listed)).not.toContain(second.adminToken.secret);

    expect((await app.api("/api/clusters/second", { method: "DELETE" })).status).toBe(204);
    await waitFor(room, (s) => !s.clusters.has("second"));
  });
});

describe("scheduled backups", () => {
  it("computes the next runs, runs a due schedule once, and keeps only the newest backups", async () => {
    const guest = app.sim.model.listGuests().find((g) => g.status === "running" && g.type === "lxc" && !g.lock && !g.template)!;
    const post = (body: unknown) =>
      app.api("/api/backup-schedules", { method: "POST", as: "operator", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post({ cluster: app.clusterId, vmid: guest.vmid, cron: "every day", keepLast: 1 })).status).toBe(400);
    const created = await post({ cluster: app.clusterId, vmid: guest.vmid, cron: "* * * * *", keepLast: 1 });
    expect(created.status).toBe(201);
    const { nextRuns } = (await created.json()) as { nextRuns: number[] };
    expect(nextRuns).toHaveLength(3);
    expect(nextRuns[1]! - nextRuns[0]!).toBe(60_000);

    const backupsOf = async () =>
      (await getJson<{ backups: { volid: string; storage: string }[] }>(app, `/api/clusters/${app.clusterId}/guests/${guest.vmid}/backups`)).backups;
    const before = new Set((await backupsOf()).map((b) => b.volid));
    const ops = app.server.operations;
    const later = (minutes: number) => ({ ...ops, now: () => new Date(Date.now() + minutes * 60_000) });
    for (const minutes of [2, 4]) {
      const pass = await runBackupScheduler(later(minutes));
      expect(pass.queued).toBe(1);
      expect((await runBackupScheduler(later(minutes))).queued).toBe(0);
      await until(async () => (await app.server.db.sql.query("SELECT 1 FROM operations WHERE kind = 'backup' AND state IN ('queued','running')")).rows.length === 0, 20_000);
    }
    // Retention applies on the schedule's storage; backups made elsewhere (seeded ones) are not its to prune.
    const made = (await backupsOf()).filter((b) => !before.has(b.volid));
    expect(made).toHaveLength(1);
    expect((await backupsOf()).filter((b) => b.storage === made[0]!.storage && !before.has(b.volid))).toHaveLength(1);
    const scheduled = await app.server.db.sql.query<{ state: string }>("SELECT state FROM operations WHERE kind = 'backup' AND requested_by = 'backup-scheduler'");
    expect(scheduled.rows.map((r) => r.state)).toEqual(["succeeded", "succeeded"]);
  });
});
