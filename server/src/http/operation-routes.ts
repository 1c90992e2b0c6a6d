import type { Express, Request } from "express";
import { isCommandName } from "../../../shared/src/commands.ts";
import type { AuthService } from "../auth/service.ts";
import type { Catalog } from "../catalog/index.ts";
import { revealDeploymentSecrets } from "../db/deployment-secrets.ts";
import { getOperation } from "../db/operations.ts";
import type { OperationContext } from "../operations/context.ts";
import { submitCommand } from "../operations/submit.ts";
import { requireRole, type AuthedRequest } from "./require-role.ts";
import { sendRejection } from "./respond.ts";

const OPERATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every command over HTTP (the same single entry as the room), the catalog, and a deployment's secrets. */
export function registerOperationRoutes(app: Express, ops: OperationContext, auth: AuthService, reloadCatalog: () => Promise<Catalog>): void {
  const viewer = requireRole(auth, "viewer");

  app.post("/api/commands/:name", viewer, async (req: Request<{ name: string }>, res) => {
    const name = req.params.name;
    if (!isCommandName(name)) {
      sendRejection(res, { code: "unknown_command", message: `Unknown command ${JSON.stringify(name.slice(0, 64))}.` });
      return;
    }
    const result = await submitCommand(ops, (req as unknown as AuthedRequest).actor, name, req.body);
    if (result.ok) res.status(202).location(`/api/operations/${result.operationId}`).json({ operationId: result.operationId });
    else sendRejection(res, result.rejection);
  });

  app.get("/api/catalog", viewer, (_req, res) => {
    res.json(catalogJson(ops.catalog()));
  });

  app.post("/api/catalog/reload", requireRole(auth, "admin"), async (_req, res) => {
    res.json(catalogJson(await reloadCatalog()));
  });

  // Only the person who deployed sees the generated secrets, and only once: they are not kept readable.
  app.get("/api/operations/:id/secrets", viewer, async (req: Request<{ id: string }>, res) => {
    const id = req.params.id;
    if (!OPERATION_ID.test(id)) return sendRejection(res, { code: "invalid_payload", message: "An operation id is a UUID." });
    const op = await getOperation(ops.sql, id);
    const actor = (req as unknown as AuthedRequest).actor;
    if (!op || op.kind !== "deploy") return sendRejection(res, { code: "not_found", message: `No deployment ${id}.` });
    if (op.requestedBy !== actor.name) {
      return sendRejection(res, { code: "forbidden", message: "Only the person who deployed it can see a deployment's secrets." });
    }
    if (op.state !== "succeeded") {
      return sendRejection(res, { code: "invalid_state", message: `The deployment is ${op.state}; its secrets are shown once it has succeeded.` });
    }
    const revealed = await revealDeploymentSecrets(ops.sql, ops.box, id, ops.now());
    if (revealed.state === "revealed") res.json({ secrets: revealed.value.secrets });
    else if (revealed.state === "already_revealed") res.status(410).json({ code: "gone", message: "These secrets were shown once already and are not shown again." });
    else res.json({ secrets: [] });
  });
}

function catalogJson(catalog: Catalog) {
  return {
    apps: catalog.apps.map((a) => ({
      id: a.id,
      name: a.name,
      description: a.description,
      category: a.category,
      version: a.version,
      tags: a.tags,
      icon: a.icon,
      website: a.website,
      route: a.route,
      composeReason: a.composeReason,
      image: a.image,
      port: a.port,
      minimums: a.minimums,
      secrets: a.secrets.map((s) => ({ name: s.name, description: s.description })),
    })),
    problems: catalog.problems,
  };
}
