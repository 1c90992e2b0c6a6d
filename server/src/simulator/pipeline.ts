/**
 * One request through the simulated pveproxy, in PVE's order: transport checks (method, chunked,
 * body on GET/DELETE) → authentication → handler lookup → ACL check → proxy to the URL's node →
 * parameter verification → handler. Every failure becomes a PVE-shaped response; nothing throws out.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { AuthService, Principal } from "./auth.ts";
import type { Cluster } from "./cluster.ts";
import { PveError, paramError } from "./errors.ts";
import { SERVER_ERROR_MESSAGES, jittered } from "./faults.ts";
import type { Rng } from "./prng.ts";
import { matchRoute, permissionPath } from "./routes.ts";
import { validateParams } from "./validate.ts";
import { GzipMemo, errorResponse, okResponse, writeResponse, type WireResponse } from "./wire.ts";

export interface PipelineDeps {
  cluster: Cluster;
  auth: AuthService;
  authFailureDelayMs: number;
  /** Seeded stream for latency jitter and injected server errors. */
  faultRng: Rng;
}

const API_PREFIX = "/api2/json";
const MAX_BODY_BYTES = 64 * 1024;
const METHODS = new Set(["GET", "POST", "PUT", "DELETE"]);

export function createPipeline(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const gzipMemo = new GzipMemo();
  return (req, res) => {
    const startedAt = Date.now();
    res.on("error", () => res.destroy());
    void (async () => {
      let out: WireResponse;
      try {
        out = await processRequest(deps, req);
      } catch (err) {
        out = errorResponse(err);
      }
      if (out.status === 401) await sleep(Math.max(0, deps.authFailureDelayMs - (Date.now() - startedAt)));
      await writeResponse(req, res, out, deps.cluster.now(), gzipMemo);
    })().catch(() => res.destroy());
  };
}

async function processRequest(deps: PipelineDeps, req: IncomingMessage): Promise<WireResponse> {
  const { cluster, auth } = deps;
  const method = req.method ?? "";
  if (!METHODS.has(method)) throw new PveError(501, `method '${method}' not available`, undefined, true);
  if (/chunked/i.test(String(req.headers["transfer-encoding"] ?? ""))) {
    throw new PveError(501, "chunked transfer encoding not supported", undefined, true);
  }
  const url = new URL(req.url ?? "/", "https://simulator.invalid");
  if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) throw new PveError(501, "no such uri", undefined, true);
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0;
  if (hasBody && (method === "GET" || method === "DELETE")) {
    throw new PveError(501, `Unexpected content for method '${method}'`, undefined, true);
  }
  const rawBody = method === "POST" || method === "PUT" ? await readBody(req) : "";
  const segments = decodeSegments(url.pathname.slice(API_PREFIX.length));
  const match = matchRoute(method, segments);
  cluster.countRequest(match ? `${method} ${match.route.path}` : `${method} (unmatched)`);

  const latency = cluster.faults.latencyMs ?? 0;
  if (latency > 0) await sleep(jittered(latency, deps.faultRng()));
  cluster.tasks.settleDue();

  let principal: Principal | undefined;
  if (!match || match.route.auth) principal = auth.authenticate(req.headers, method);
  if (!match) throw new PveError(501, `Method '${method} /${segments.join("/")}' not implemented`);

  const { route, pathParams } = match;
  const merged = mergeParams(pathParams, parseBody(req, rawBody), url.searchParams);
  if (route.perm && principal) auth.checkPermission(principal, permissionPath(route.perm.path, merged), route.perm.privs, route.perm.any);

  if (route.path.startsWith("/nodes/{node}")) {
    const node = String(merged.node);
    if (!cluster.nodes.has(node)) throw new PveError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
    if ((cluster.faults.unreachableNodes ?? []).includes(node)) throw new PveError(595, "Connection refused", undefined, true);
    if (!cluster.isOnline(node)) throw new PveError(595, "No route to host", undefined, true);
  }
  const errorRate = cluster.faults.serverErrorRate ?? 0;
  if (principal && errorRate > 0 && deps.faultRng() < errorRate) {
    throw new PveError(500, SERVER_ERROR_MESSAGES[Math.floor(deps.faultRng() * SERVER_ERROR_MESSAGES.length)] as string);
  }

  const params = validateParams(route.params, merged);
  const reply = route.handler({ cluster, auth, principal, params });
  return "json" in reply ? { status: 200, reason: "OK", body: `{"data":${reply.json}}` } : okResponse(reply.data, reply.total);
}

function decodeSegments(path: string): string[] {
  return path
    .split("/")
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new PveError(400, "Bad Request", undefined, true);
      }
    });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new PveError(413, "Request Entity Too Large", undefined, true);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** POST/PUT bodies may be form-encoded or JSON (AnyEvent.pm extract_params). */
function parseBody(req: IncomingMessage, raw: string): Record<string, unknown> {
  if (raw === "") return {};
  const type = String(req.headers["content-type"] ?? "application/x-www-form-urlencoded").split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new PveError(400, `malformed JSON string: ${(err as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new PveError(400, "JSON body must be an object");
    return parsed as Record<string, unknown>;
  }
  if (type === "application/x-www-form-urlencoded") return formParams(new URLSearchParams(raw));
  throw new PveError(400, `unsupported content type '${type}'`);
}

/** Repeated keys are joined with NUL like PVE's CGI parameter handling. */
function formParams(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of search) out[k] = k in out ? `${out[k]}\0${v}` : v;
  return out;
}

/** Query parameters are merged on top of body ones; neither may contradict a path parameter. */
function mergeParams(pathParams: Record<string, string>, body: Record<string, unknown>, query: URLSearchParams): Record<string, unknown> {
  const extra: Record<string, unknown> = { ...body, ...formParams(query) };
  delete extra._dc;
  const conflicts: Record<string, string> = {};
  for (const [k, v] of Object.entries(extra)) {
    if (k in pathParams && String(v) !== pathParams[k]) conflicts[k] = "duplicate parameter (already defined in URI) with conflicting values!";
  }
  if (Object.keys(conflicts).length > 0) throw paramError(conflicts);
  return { ...extra, ...pathParams };
}
