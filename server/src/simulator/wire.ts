/**
 * Writes responses exactly as pve-http-server does (AnyEvent.pm `response`, Formatter/Standard.pm):
 * fixed header set, `Connection: close` on errors, reason phrase = first line of the message,
 * gzip when the client accepts it and the body exceeds 1 KiB.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { PveError } from "./errors.ts";

const gzipAsync = promisify(gzip);

const LARGE_BODY = 64 * 1024;

/**
 * Large bodies served from a cache (a 10k-guest /cluster/resources) are compressed once rather than
 * per request; the last few are remembered per simulator.
 */
export class GzipMemo {
  private readonly recent: { text: string; gz: Buffer }[] = [];

  async compress(text: string, raw: Buffer): Promise<Buffer> {
    if (text.length < LARGE_BODY) return gzipAsync(raw, { level: 1 });
    const hit = this.recent.find((e) => e.text === text);
    if (hit) return hit.gz;
    const gz = await gzipAsync(raw, { level: 1 });
    this.recent.unshift({ text, gz });
    this.recent.length = Math.min(this.recent.length, 4);
    return gz;
  }
}

export interface WireResponse {
  status: number;
  reason: string;
  /** JSON text, or null for an empty body. */
  body: string | null;
}

export function okResponse(data: unknown, total?: number): WireResponse {
  const envelope: Record<string, unknown> = { data };
  if (total !== undefined) envelope.total = total;
  return { status: 200, reason: "OK", body: JSON.stringify(envelope) };
}

/** Any thrown value becomes a PVE error response; non-PveErrors are a handler die() → 500. */
export function errorResponse(err: unknown): WireResponse {
  const e = err instanceof PveError ? err : new PveError(500, err instanceof Error ? err.message : String(err));
  const message = e.message.endsWith("\n") ? e.message : `${e.message}\n`;
  if (e.emptyBody) return { status: e.status, reason: e.message, body: null };
  const body: Record<string, unknown> = { data: null, message };
  if (e.errors) body.errors = e.errors;
  return { status: e.status, reason: e.message, body: JSON.stringify(body) };
}

/** First line only, and only characters Node accepts in a status line. */
function reasonPhrase(message: string): string {
  const first = message.split("\n", 1)[0] ?? "";
  return first.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?") || "Error";
}

export async function writeResponse(req: IncomingMessage, res: ServerResponse, out: WireResponse, now: number, gzipMemo: GzipMemo): Promise<void> {
  const date = new Date(now).toUTCString();
  const headers: OutgoingHttpHeaders = {
    Server: "pve-api-daemon/3.0",
    Date: date,
    Expires: date,
    "Cache-Control": "max-age=0",
    Pragma: "no-cache",
    Connection: out.status >= 400 ? "close" : "Keep-Alive",
  };
  let body: Buffer | undefined;
  if (out.body !== null) {
    headers["Content-Type"] = "application/json;charset=UTF-8";
    body = Buffer.from(out.body, "utf8");
    if (body.length > 1024 && /\bgzip\b/i.test(String(req.headers["accept-encoding"] ?? ""))) {
      body = await gzipMemo.compress(out.body, body);
      headers["Content-Encoding"] = "gzip";
    }
  }
  headers["Content-Length"] = body?.length ?? 0;
  if (res.destroyed || res.headersSent) return;
  res.writeHead(out.status, reasonPhrase(out.reason), headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
