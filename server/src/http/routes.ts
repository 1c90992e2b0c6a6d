import express, { type ErrorRequestHandler, type Express, type Request, type Response } from "express";
import { existsSync } from "node:fs";
import path from "node:path";
import { commandForAction } from "../../../shared/src/commands.ts";
import { listClusters } from "../db/clusters.ts";
import { getOperation, type OperationRecord } from "../db/operations.ts";
import type { AuthService } from "../auth/service.ts";
import type { Catalog } from "../catalog/index.ts";
import type { ClusterManager } from "../clusters/manager.ts";
import type { OperationContext } from "../operations/context.ts";
import { submitCommand } from "../operations/submit.ts";
import { CONTROLLERS, requestHealing, type ControllerName } from "../healing/schedule.ts";
import type { PatchStats } from "../world/patch-stats.ts";
import { registerAuthRoutes, type AuthRouteDeps } from "./auth-routes.ts";
import { registerClusterRoutes } from "./cluster-routes.ts";
import { registerEstateRoutes } from "./estate-routes.ts";
import { registerOperationRoutes } from "./operation-routes.ts";
import { requireRole, type AuthedRequest } from "./require-role.ts";
import { STATUS_FOR } from "./respond.ts";
import { registerScheduleRoutes } from "./schedule-routes.ts";

const OPERATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface HttpDeps extends AuthRouteDeps {
  auth: AuthService;
  operations: OperationContext;
  patchStats: PatchStats;
  staticDir: string;
  clusterManager: ClusterManager;
  reloadCatalog: () => Promise<Catalog>;
}

export function registerRoutes(app: Express, deps: HttpDeps): void {
  const { sql } = deps.operations;
  app.disable("x-powered-by");
  app.use(securityHeaders);
  app.use("/api", express.json({ limit: "16kb", strict: true, type: () => true }));

  app.get("/healthz", async (_req, res) => {
    try {
      await sql.query("SELECT 1");
    } catch (error) {
      res.status(503).json({ status: "down", database: `unreachable: ${(error as Error).message}`, clusters: [] });
      return;
    }
    const clusters = (await listClusters(sql)).map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      reachable: c.status === "online",
      lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
      error: c.lastError || null,
    }));
    const degraded = clusters.some((c) => !c.reachable);
    res.json({ status: degraded ? "degraded" : "ok", database: "ok", clusters });
  });

  registerAuthRoutes(app, deps);
  const viewer = requireRole(deps.auth, "viewer");

  app.get("/api/metrics", requireRole(deps.auth, "admin"), (_req, res) => {
    const memory = process.memoryUsage();
    res.json({ patches: deps.patchStats.summary(), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed });
  });

  app.post("/api/healing/:controller", requireRole(deps.auth, "admin"), async (req: Request<{ controller: string }>, res) => {
    const name = req.params.controller;
    if (!Object.hasOwn(CONTROLLERS, name)) {
      res.status(404).json({ code: "not_found", message: `No controller ${JSON.stringify(name.slice(0, 32))}; try janitor or reconciler.` });
      return;
    }
    res.status(202).json({ jobId: await requestHealing(deps.operations, name as ControllerName) });
  });

  app.get("/api/operations/:id", viewer, async (req: Request<{ id: string }>, res) => {
    const id = req.params.id;
    if (!OPERATION_ID.test(id)) {
      res.status(400).json({ code: "invalid_payload", message: "An operation id is a UUID." });
      return;
    }
    const op = await getOperation(sql, id);
    if (!op) res.status(404).json({ code: "not_found", message: `No operation ${id}.` });
    else res.json(operationJson(op));
  });

  app.post("/api/guests/:cluster/:vmid/actions/:action", viewer, async (req: Request<{ cluster: string; vmid: string; action: string }>, res) => {
    const command = commandForAction(req.params.action);
    if (!command) {
      res.status(404).json({ code: "unknown_command", message: `Unknown action ${JSON.stringify(req.params.action.slice(0, 64))}.` });
      return;
    }
    const vmid = /^\d{1,10}$/.test(req.params.vmid) ? Number(req.params.vmid) : req.params.vmid;
    const result = await submitCommand(deps.operations, (req as unknown as AuthedRequest).actor, command, { cluster: req.params.cluster, vmid });
    if (result.ok) res.status(202).location(`/api/operations/${result.operationId}`).json({ operationId: result.operationId });
    else res.status(STATUS_FOR[result.rejection.code]).json(result.rejection);
  });

  registerOperationRoutes(app, deps.operations, deps.auth, deps.reloadCatalog);
  registerEstateRoutes(app, deps.operations, deps.auth);
  registerScheduleRoutes(app, deps.operations, deps.auth);
  registerClusterRoutes(app, sql, deps.clusterManager, deps.auth, deps.operations.now);

  app.use("/api", (_req, res) => {
    res.status(404).json({ code: "not_found", message: "No such API route." });
  });

  const staticDir = path.resolve(deps.staticDir);
  if (existsSync(path.join(staticDir, "index.html"))) {
    app.use(express.static(staticDir, { index: "index.html", maxAge: "1h" }));
  } else {
    app.get("/", (_req, res) => {
      res.status(503).type("text").send(`The 3D client is not built: run \`npm run build:client\` (looked in ${staticDir}).`);
    });
  }
  app.use(jsonErrors);
}

function operationJson(op: OperationRecord) {
  return {
    id: op.id,
    kind: op.kind,
    cluster: op.clusterId,
    vmid: op.vmid,
    node: op.node,
    requestedBy: op.requestedBy,
    summary: op.summary,
    targetVmid: op.targetVmid,
    targetNode: op.targetNode || null,
    state: op.state,
    progress: op.progress,
    message: op.message,
    error: op.error || null,
    createdAt: op.createdAt.toISOString(),
    startedAt: op.startedAt?.toISOString() ?? null,
    finishedAt: op.finishedAt?.toISOString() ?? null,
  };
}

function securityHeaders(_req: Request, res: Response, next: () => void): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader(
    "Content-Security-Policy",
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; worker-src 'self' blob:",
  );
  next();
}

/** Malformed JSON, oversized bodies and handler failures all answer in JSON with a reason. */
const jsonErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  const status = typeof error?.status === "number" && error.status >= 400 && error.status < 600 ? error.status : 500;
  const message =
    error?.type === "entity.too.large"
      ? "Request body too large (limit 16 kB)."
      : error?.type === "entity.parse.failed"
        ? "Request body is not valid JSON."
        : status === 500
          ? "Internal error; nothing was changed."
          : String(error?.message ?? "Bad request");
  res.status(status).json({ code: status === 500 ? "internal" : "invalid_payload", message });
};
