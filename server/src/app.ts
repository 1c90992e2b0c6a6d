import { Encoder } from "@colyseus/schema";
import { matchMaker, Server } from "@colyseus/core";
import type { Express } from "express";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server as HttpServer } from "node:http";
import { ROOM_NAME } from "../../shared/src/protocol.ts";
import { clientForCluster, registerConfiguredCluster } from "./clusters/connect.ts";
import { AuthService } from "./auth/service.ts";
import { LoginThrottle } from "./auth/throttle.ts";
import { ClusterRegistry } from "./clusters/registry.ts";
import type { ClusterConfig, Config } from "./config.ts";
import { listOpenAlerts } from "./db/alerts.ts";
import { listClusters } from "./db/clusters.ts";
import { settingOrInsert } from "./db/settings.ts";
import { openPglite, openPostgres, type Database } from "./db/connect.ts";
import { loadKnownEstate } from "./db/estate.ts";
import { migrate } from "./db/migrate.ts";
import { listRecentOperations } from "./db/operations.ts";
import { LocalFeed } from "./feed/feed.ts";
import { registerRoutes } from "./http/routes.ts";
import { startBoss } from "./jobs/boss.ts";
import type { Logger } from "./log.ts";
import type { OperationContext } from "./operations/context.ts";
import { startOperationWorkers } from "./operations/runner.ts";
import { startHealing } from "./healing/schedule.ts";
import { startSimulator, type Simulator } from "./simulator/index.ts";
import type { ClusterSync } from "./sync/poller.ts";
import { FINISHED_OPERATIONS_KEPT, WorldProjection } from "./world/projection.ts";
import { PatchStats } from "./world/patch-stats.ts";
import { createTransport } from "./world/transport.ts";
import { SecretBox } from "./secrets/box.ts";
import { startBackupScheduler } from "./backups/scheduler.ts";
import { ClusterManager } from "./clusters/manager.ts";
import { listApps } from "./db/apps.ts";
import { loadCatalog, type Catalog } from "./catalog/index.ts";
import { WorldRoom } from "./world/WorldRoom.ts";
import type { WorldServices } from "./world/services.ts";

// A 10,000-guest full state is about 1 MB: size the encoder once so joins never re-encode (stack notes §7).
Encoder.BUFFER_SIZE = 2 * 1024 * 1024;

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  operations: OperationContext;
  syncs: Map<string, ClusterSync>;
  simulator: Simulator | null;
  auth: AuthService;
  /** One-time link to create the first admin, when no account exists yet. */
  setupUrl: string | null;
  stop(): Promise<void>;
}

const DEMO_CLUSTER_ID = "demo";

/** Composition root: config → database → clusters → jobs → world → HTTP. */
export async function startServer(config: Config, log: Logger, now: () => Date = () => new Date()): Promise<RunningServer> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log.warn({ err: error }, "shutdown step failed"));
    }
  };
  try {
    const db = config.database.kind === "postgres" ? await openPostgres(config.database.url) : await openPglite(config.database.dataDir);
    cleanups.push(() => db.close());
    const applied = await migrate(db.sql);
    if (applied.length > 0) log.info({ applied }, "database migrated");

    const box = new SecretBox(config.secretKey ?? (await demoSecretKey(db)));
    let simulator: Simulator | null = null;
    if (config.demo) {
      simulator = await startSimulator({ nodes: config.demo.nodes, guests: config.demo.guests, statusRefreshMs: 2000 });
      cleanups.push(() => simulator!.close());
      await registerConfiguredCluster(db.sql, box, demoCluster(simulator));
    }
    if (config.cluster) await registerConfiguredCluster(db.sql, box, config.cluster);

    const clusters = new ClusterRegistry();
    cleanups.push(() => clusters.closeAll());
    const feed = new LocalFeed((error, event) => log.error({ err: error, event: event.type }, "feed listener failed"));
    const boss = await startBoss(db, log);
    cleanups.push(() => boss.stop({ graceful: false, close: true }));
    let catalog = await loadCatalog(config.catalogDir);
    logCatalog(log, config.catalogDir, catalog);
    const reloadCatalog = async () => {
      catalog = await loadCatalog(config.catalogDir);
      logCatalog(log, config.catalogDir, catalog);
      return catalog;
    };
    const operations: OperationContext = {
      sql: db.sql,
      boss,
      feed,
      clusters,
      log,
      now,
      taskPollMs: 500,
      box,
      catalog: () => catalog,
    };
    const clusterManager = new ClusterManager({ sql: db.sql, box, feed, log, now, clusters, syncIntervalMs: config.syncIntervalMs });
    await clusterManager.openAll();
    cleanups.push(() => clusterManager.stopAll());
    const syncs = clusterManager.syncs;
    await startOperationWorkers(operations);
    await startHealing(operations);
    await startBackupScheduler(operations);

    const auth = await AuthService.open(db.sql, now);
    const patchStats = new PatchStats();
    const services: WorldServices = {
      log,
      patchStats,
      operations,
      auth,
      allowedOrigins: config.allowedOrigins,
      projection: async (state, sendPatch) => {
        const projection = new WorldProjection(state, sendPatch);
        const rows = await listClusters(db.sql);
        const estates = new Map(await Promise.all(rows.map(async (c) => [c.id, await loadKnownEstate(db.sql, c.id)] as const)));
        projection.load(rows, estates, await listRecentOperations(db.sql, FINISHED_OPERATIONS_KEPT), await listOpenAlerts(db.sql), await listApps(db.sql));
        const unsubscribe = feed.subscribe((event) => projection.apply(event));
        // Sync loops send only what changed since their previous cycle: this state needs whole estates first.
        feed.publish({ type: "estate.resend" });
        return unsubscribe;
      },
    };
    const transport = await createTransport(config.transport);
    const gameServer = new Server({
      transport,
      greet: false,
      gracefullyShutdown: false,
      express: (app) =>
        registerRoutes(app as Express, {
          operations,
          patchStats,
          staticDir: config.staticDir,
          auth,
          throttle: new LoginThrottle(() => now().getTime()),
          demoSignIn: config.demoSignIn,
          clusterManager,
          reloadCatalog,
          onSessionRevoked: (sessionId, userId) => feed.publish({ type: "session.revoked", sessionId, userId }),
        }),
    });
    gameServer.define(ROOM_NAME, class extends WorldRoom {
      protected override readonly services = services;
    });
    await gameServer.listen(config.port, config.host);
    cleanups.push(() => gameServer.gracefullyShutdown(false));
    await matchMaker.createRoom(ROOM_NAME, {});
    clusterManager.startSyncs();

    const address = (transport.server as HttpServer).address() as AddressInfo;
    const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
    const url = `http://${shownHost}:${address.port}`;
    const setupToken = config.demoSignIn ? null : await auth.setupTokenIfNeeded();
    const setupUrl = setupToken ? `${url}/#setup=${setupToken}` : null;
    return { url, port: address.port, db, operations, syncs, simulator, auth, setupUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function demoCluster(sim: Simulator): ClusterConfig {
  return {
    id: DEMO_CLUSTER_ID,
    name: "Demo lab (simulated)",
    url: sim.url,
    auth: { kind: "token", tokenId: sim.adminToken.tokenId, secret: sim.adminToken.secret },
    fingerprint: sim.fingerprint,
    insecure: false,
  };
}

/** A bad catalog entry is the catalog author's problem: reported once per load, the rest of the catalog still serves. */
function logCatalog(log: Logger, dir: string, catalog: Catalog): void {
  log.info({ dir, apps: catalog.apps.length, problems: catalog.problems.length }, "app catalog loaded");
  for (const problem of catalog.problems) log.warn({ ...problem }, "catalog entry skipped or incomplete");
}

/**
 * Without SECRET_KEY (allowed only when the demo's simulated cluster is the only one) the key is
 * kept beside the data it protects: enough for the demo, never for real credentials.
 */
async function demoSecretKey(db: Database): Promise<Buffer> {
  return Buffer.from(await settingOrInsert(db.sql, "demo_secret_key", randomBytes(32).toString("base64url")), "base64url");
}
