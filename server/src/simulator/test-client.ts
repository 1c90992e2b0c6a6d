/**
 * Raw HTTPS calls against a running simulator for its own tests: full control over method, headers
 * and body framing (chunked, bodies on DELETE), and access to the reason phrase and raw body.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import type { Simulator, SimulatorToken } from "./types.ts";

export interface RawReply {
  status: number;
  reason: string;
  headers: IncomingHttpHeaders;
  body: string;
  elapsedMs: number;
}

export interface CallOptions {
  /** Defaults to the admin token; null sends no credentials. */
  token?: SimulatorToken | null;
  headers?: Record<string, string>;
  form?: Record<string, string | number>;
  json?: unknown;
  /** Raw body with an explicit Content-Length (e.g. on DELETE). */
  body?: string;
  /** Send the body with Transfer-Encoding: chunked. */
  chunked?: boolean;
  /** Use the path as given instead of prefixing /api2/json. */
  rawPath?: boolean;
}

export function call(sim: Simulator, method: string, path: string, opts: CallOptions = {}): Promise<RawReply> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? sim.adminToken : opts.token;
  if (token) headers.Authorization = `PVEAPIToken=${token.tokenId}=${token.secret}`;
  let body: string | undefined = opts.body;
  if (opts.form) {
    body = new URLSearchParams(Object.entries(opts.form).map(([k, v]) => [k, String(v)])).toString();
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers["Content-Type"] = "application/json";
  }
  if (body !== undefined && !opts.chunked) headers["Content-Length"] = String(Buffer.byteLength(body));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${sim.url}${opts.rawPath ? "" : "/api2/json"}${path}`,
      { method, headers, ca: sim.caPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            reason: res.statusMessage ?? "",
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            elapsedMs: Date.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (body !== undefined && opts.chunked) {
      req.write(body.slice(0, 1));
      req.write(body.slice(1));
    } else if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Calls and unwraps the envelope, failing loudly on a non-200. */
export async function data<T = unknown>(sim: Simulator, method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const reply = await call(sim, method, path, opts);
  if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.status} ${reply.reason} ${reply.body}`);
  return (JSON.parse(reply.body) as { data: T }).data;
}

export interface TaskStatus {
  status: "running" | "stopped";
  exitstatus?: string;
  type: string;
  user: string;
  tokenid?: string;
}

/** Polls a task's status until it stops (tasks run at test speed, so this is quick). */
export async function waitForTask(sim: Simulator, upid: string, timeoutMs = 5000): Promise<TaskStatus> {
  const node = upid.split(":")[1] as string;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await data<TaskStatus>(sim, "GET", `/nodes/${node}/tasks/${encodeURIComponent(upid)}/status`);
    if (status.status === "stopped") return status;
    if (Date.now() > deadline) throw new Error(`task ${upid} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 15));
  }
}
