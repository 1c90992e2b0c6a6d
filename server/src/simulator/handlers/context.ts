/** What a route handler receives and returns. */
import type { AuthService, Principal } from "../auth.ts";
import type { Cluster } from "../cluster.ts";
import type { Params } from "../validate.ts";

export interface HandlerContext {
  cluster: Cluster;
  auth: AuthService;
  /** Absent only on the unauthenticated /access/ticket routes. */
  principal: Principal | undefined;
  /** Validated, typed parameters (path, body and query merged). */
  params: Params;
}

/**
 * `total` is copied into the envelope next to `data` (task lists and logs); `json` is `data` already
 * serialized, for lists too large to build as objects on every request.
 */
export type Reply = { data: unknown; total?: number } | { json: string };

export type Handler = (ctx: HandlerContext) => Reply;

export function requirePrincipal(ctx: HandlerContext) {
  if (!ctx.principal) throw new Error("handler needs an authenticated principal");
  return ctx.principal;
}

export const str = (ctx: HandlerContext, name: string): string => String(ctx.params[name]);
export const num = (ctx: HandlerContext, name: string): number => Number(ctx.params[name]);
export const optNum = (ctx: HandlerContext, name: string): number | undefined =>
  ctx.params[name] === undefined ? undefined : Number(ctx.params[name]);
export const optStr = (ctx: HandlerContext, name: string): string | undefined =>
  ctx.params[name] === undefined ? undefined : String(ctx.params[name]);
export const flag = (ctx: HandlerContext, name: string): boolean => ctx.params[name] === true;
