import type { NextFunction, Request, Response } from "express";
import { roleAllows, type Role } from "../../../shared/src/protocol.ts";
import type { AuthService } from "../auth/service.ts";
import type { Actor } from "../operations/actor.ts";

export type AuthedRequest = Request & { actor: Actor & { sessionId: string } };

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
}

/** Every API route but health and sign-in goes through this: no valid session, no answer. */
export function requireRole(auth: AuthService, role: Role) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const actor = await auth.authenticate(bearerToken(req));
    if (!actor) {
      res.status(401).setHeader("WWW-Authenticate", "Bearer").json({ code: "unauthorized", message: "Sign in first (Authorization: Bearer <token>)." });
      return;
    }
    if (!roleAllows(actor.role, role)) {
      res.status(403).json({ code: "forbidden", message: `This needs the ${role} role; you are ${actor.role}.` });
      return;
    }
    (req as AuthedRequest).actor = actor;
    next();
  };
}
