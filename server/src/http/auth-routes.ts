import type { Express, Request } from "express";
import { boolean, enums, object, optional, size, string } from "superstruct";
import { ROLES } from "../../../shared/src/protocol.ts";
import type { AuthService } from "../auth/service.ts";
import type { LoginThrottle } from "../auth/throttle.ts";
import { appendAudit, listAudit } from "../db/audit.ts";
import { revokeUserSessions } from "../db/sessions.ts";
import { listUsers, updateUser } from "../db/users.ts";
import type { OperationContext } from "../operations/context.ts";
import { validatePayload } from "../operations/validate.ts";
import { requireRole, type AuthedRequest } from "./require-role.ts";

const Login = object({ username: size(string(), 1, 64), password: size(string(), 1, 256) });
const Setup = object({ token: size(string(), 1, 128), username: size(string(), 1, 64), password: size(string(), 1, 256) });
const NewUser = object({ username: size(string(), 1, 64), password: size(string(), 1, 256), role: enums(ROLES) });
const UserChange = object({ role: optional(enums(ROLES)), disabled: optional(boolean()) });

export interface AuthRouteDeps {
  auth: AuthService;
  throttle: LoginThrottle;
  operations: OperationContext;
  /** Visitors are signed in as the demo admin (the simulated demo only). */
  demoSignIn: boolean;
  onSessionRevoked(sessionId: string | null, userId: string | null): void;
}

export function registerAuthRoutes(app: Express, deps: AuthRouteDeps): void {
  const { auth, throttle, operations } = deps;
  const { sql } = operations;
  const audit = (actor: string, action: string, target: string, outcome: string, detail = {}) =>
    appendAudit(sql, { actor, action, target, outcome, detail }, operations.now());

  app.get("/api/auth/status", async (_req, res) => {
    res.json({ demo: deps.demoSignIn, setupRequired: (await listUsers(sql)).length === 0 });
  });

  app.post("/api/auth/login", async (req, res) => {
    const body = validatePayload(Login, req.body);
    if (!body.ok) return void res.status(400).json(body.rejection);
    const { username, password } = body.value;
    const keys = [`ip:${req.ip}`, `user:${req.ip}:${username}`];
    const wait = Math.max(...keys.map((k) => throttle.retryAfterMs(k)));
    if (wait > 0) {
      res.status(429).setHeader("Retry-After", String(Math.ceil(wait / 1000)));
      return void res.json({ code: "unauthorized", message: `Too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s.` });
    }
    const session = await auth.login(username, password);
    if (!session) {
      for (const k of keys) throttle.fail(k);
      await audit(username, "sign-in", `user/${username}`, "failed", { ip: req.ip });
      return void res.status(401).json({ code: "unauthorized", message: "Wrong user name or password." });
    }
    for (const k of keys) throttle.succeed(k);
    await audit(username, "sign-in", `user/${username}`, "succeeded", { ip: req.ip });
    res.json(session);
  });

  app.post("/api/auth/demo", async (req, res) => {
    if (!deps.demoSignIn) return void res.status(404).json({ code: "not_found", message: "Demo sign-in is off on this server." });
    const session = await auth.demoSession();
    await audit(session.user.name, "sign-in", `user/${session.user.name}`, "succeeded", { ip: req.ip, demo: true });
    res.json(session);
  });

  app.post("/api/auth/setup", async (req, res) => {
    const body = validatePayload(Setup, req.body);
    if (!body.ok) return void res.status(400).json(body.rejection);
    const result = await auth.completeSetup(body.value.token, body.value.username, body.value.password);
    if (!result.ok) return void res.status(result.status).json({ code: result.status === 409 ? "invalid_state" : "forbidden", message: result.message });
    await audit(result.session.user.name, "setup", `user/${result.session.user.name}`, "succeeded", { ip: req.ip });
    res.status(201).json(result.session);
  });

  app.get("/api/auth/me", requireRole(auth, "viewer"), (req, res) => {
    const { actor } = req as AuthedRequest;
    res.json({ id: actor.id, name: actor.name, role: actor.role });
  });

  app.post("/api/auth/logout", requireRole(auth, "viewer"), async (req, res) => {
    const { actor } = req as AuthedRequest;
    await auth.logout(actor.sessionId);
    deps.onSessionRevoked(actor.sessionId, null);
    await audit(actor.name, "sign-out", `user/${actor.name}`, "succeeded");
    res.status(204).end();
  });

  app.get("/api/users", requireRole(auth, "admin"), async (_req, res) => {
    res.json((await listUsers(sql)).map((u) => ({ id: u.id, username: u.username, role: u.role, disabled: u.disabled })));
  });

  app.post("/api/users", requireRole(auth, "admin"), async (req, res) => {
    const body = validatePayload(NewUser, req.body);
    if (!body.ok) return void res.status(400).json(body.rejection);
    const created = await auth.createUser(body.value.username, body.value.password, body.value.role);
    const { actor } = req as AuthedRequest;
    if (!created.ok) return void res.status(400).json({ code: "invalid_payload", message: created.message });
    await audit(actor.name, "user.create", `user/${created.user.username}`, "succeeded", { role: created.user.role });
    res.status(201).json({ id: created.user.id, username: created.user.username, role: created.user.role, disabled: false });
  });

  app.patch("/api/users/:id", requireRole(auth, "admin"), async (req: Request<{ id: string }>, res) => {
    const body = validatePayload(UserChange, req.body);
    if (!body.ok) return void res.status(400).json(body.rejection);
    const updated = await updateUser(sql, req.params.id, body.value);
    if (!updated) return void res.status(404).json({ code: "not_found", message: "No such user." });
    if (body.value.disabled || body.value.role) {
      // A demoted or disabled user keeps no session that carries the old rights.
      await revokeUserSessions(sql, updated.id, operations.now());
      deps.onSessionRevoked(null, updated.id);
    }
    await audit((req as unknown as AuthedRequest).actor.name, "user.update", `user/${updated.username}`, "succeeded", body.value);
    res.json({ id: updated.id, username: updated.username, role: updated.role, disabled: updated.disabled });
  });

  app.get("/api/audit", requireRole(auth, "admin"), async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
    const target = typeof req.query.target === "string" && req.query.target.length <= 200 ? req.query.target : undefined;
    res.json(await listAudit(sql, { limit, ...(target ? { target } : {}) }));
  });
}
