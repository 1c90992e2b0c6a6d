import { request, type Dispatcher } from "undici";
import { kindForStatus, ProxmoxError, type HttpMethod } from "./errors.ts";
import { encodeParams, type Params } from "./params.ts";
import { FingerprintMismatchError } from "./tls.ts";

export interface Envelope {
  data: unknown;
  /** Set by list handlers that page (task list, task log). */
  total?: number;
}

export interface Exchange {
  method: HttpMethod;
  /** API path below /api2/json, already encoded. */
  path: string;
  params?: Params;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExchangeTarget {
  dispatcher: Dispatcher;
  /** `https://host:8006/api2/json` */
  apiRoot: string;
  onDone?: (summary: { method: HttpMethod; path: string; status: number; ms: number }) => void;
}

/**
 * One HTTP exchange with PVE: parameters in the query for GET/DELETE (PVE answers 501 to any body
 * there), a form body with Content-Length for POST/PUT (chunked bodies are refused too), and the reply
 * unwrapped or turned into a ProxmoxError. An abort by the caller rejects with the signal's reason.
 */
export async function exchange(target: ExchangeTarget, call: Exchange): Promise<Envelope> {
  const { method, path } = call;
  const encoded = encodeParams(call.params);
  const withBody = method === "POST" || method === "PUT";
  const headers: Record<string, string> = { accept: "application/json", ...call.headers };
  if (withBody) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers["content-length"] = String(Buffer.byteLength(encoded));
  }
  const url = `${target.apiRoot}${path}${!withBody && encoded ? `?${encoded}` : ""}`;

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, deadline.signal]) : deadline.signal;
  const started = performance.now();
  try {
    const response = await request(url, {
      dispatcher: target.dispatcher,
      method,
      headers,
      body: withBody ? encoded : undefined,
      signal,
    });
    const text = await response.body.text();
    target.onDone?.({ method, path, status: response.statusCode, ms: Math.round(performance.now() - started) });
    return interpret(method, path, response.statusCode, response.statusText, text);
  } catch (error) {
    if (error instanceof ProxmoxError) throw error;
    if (call.signal?.aborted) throw call.signal.reason;
    if (deadline.signal.aborted) {
      throw new ProxmoxError({ kind: "timeout", status: 0, method, path, detail: `no reply within ${call.timeoutMs} ms` });
    }
    throw transportFailure(method, path, error);
  } finally {
    clearTimeout(timer);
  }
}

function interpret(method: HttpMethod, path: string, status: number, reason: string, text: string): Envelope {
  if (status >= 200 && status < 300) {
    const body = parseJson(text);
    if (!isRecord(body) || !("data" in body)) {
      throw new ProxmoxError({
        kind: "protocol",
        status,
        method,
        path,
        detail: body === undefined ? "reply is not JSON" : 'reply has no "data" envelope',
      });
    }
    if (body.total === undefined) return { data: body.data };
    const total = typeof body.total === "string" ? Number(body.total) : body.total;
    if (typeof total !== "number" || !Number.isInteger(total) || total < 0) {
      throw new ProxmoxError({ kind: "protocol", status, method, path, detail: '"total" is not a count' });
    }
    return { data: body.data, total };
  }
  // Error bodies: {"data":null,"message":"…\n","errors":{…}} on PVE ≥ 8.4; older servers and every 401 or
  // 59x send no message, and the reason phrase is then the only text.
  const body = parseJson(text);
  const pveMessage = isRecord(body) && typeof body.message === "string" ? body.message.trim() : "";
  const errors = isRecord(body) && isRecord(body.errors) ? stringValues(body.errors) : undefined;
  return failWith(method, path, status, reason, pveMessage, errors);
}

function failWith(
  method: HttpMethod,
  path: string,
  status: number,
  reason: string,
  pveMessage: string,
  errors: Record<string, string> | undefined,
): never {
  const init = { kind: kindForStatus(status, pveMessage || reason), status, method, path, reason, pveMessage };
  throw new ProxmoxError(errors && Object.keys(errors).length > 0 ? { ...init, errors } : init);
}

const TLS_CODE = /CERT|SSL|TLS|UNABLE_TO_(GET|VERIFY)/;
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

/** Failures below HTTP: nothing came back, so status is 0. */
function transportFailure(method: HttpMethod, path: string, error: unknown): ProxmoxError {
  const chain = causeChain(error);
  const mismatch = chain.find((item) => item instanceof FingerprintMismatchError);
  if (mismatch) return new ProxmoxError({ kind: "tls", status: 0, method, path, detail: mismatch.message });
  const coded = chain.find((item) => typeof (item as { code?: unknown }).code === "string") as
    | (Error & { code: string })
    | undefined;
  const code = coded?.code ?? "";
  const text = `${code ? `${code}: ` : ""}${coded?.message ?? chain[0]?.message ?? String(error)}`;
  if (TLS_CODE.test(code)) {
    return new ProxmoxError({ kind: "tls", status: 0, method, path, detail: `TLS verification failed: ${text}`, cause: error });
  }
  if (TIMEOUT_CODES.has(code)) return new ProxmoxError({ kind: "timeout", status: 0, method, path, detail: text, cause: error });
  return new ProxmoxError({ kind: "network", status: 0, method, path, detail: text, cause: error });
}

function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  let current: unknown = error;
  while (current instanceof Error && chain.length < 5) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, (typeof value === "string" ? value : JSON.stringify(value)).trim()]),
  );
}
