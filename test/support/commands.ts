import type { Role } from "../../shared/src/protocol.ts";
import type { TestProximity } from "./proximity.ts";

export interface OperationView {
  id: string;
  kind: string;
  state: "queued" | "running" | "succeeded" | "failed";
  message: string;
  error: string | null;
  vmid: number;
  targetVmid: number | null;
  targetNode: string | null;
  summary: string;
}

export type Submitted = { status: number; operationId?: string; code?: string; message?: string; fields?: Record<string, string> };

/** Sends a command over HTTP as a user with the given role, the way any API client would. */
export async function submit(app: TestProximity, command: string, payload: unknown, as: Role = "admin"): Promise<Submitted> {
  const res = await app.api(`/api/commands/${command}`, {
    method: "POST",
    as,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

/** Waits for an operation to end and returns it as the HTTP API shows it. */
export async function ended(app: TestProximity, operationId: string, timeoutMs = 30_000): Promise<OperationView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const op = (await (await app.api(`/api/operations/${operationId}`)).json()) as OperationView;
    if (op.state === "succeeded" || op.state === "failed") return op;
    if (Date.now() > deadline) throw new Error(`operation ${operationId} still ${op.state} after ${timeoutMs} ms: ${op.message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Submits a command that must be accepted and waits for its end. */
export async function run(app: TestProximity, command: string, payload: unknown, as: Role = "admin"): Promise<OperationView> {
  const submitted = await submit(app, command, payload, as);
  if (submitted.status !== 202 || !submitted.operationId) {
    throw new Error(`${command} was refused (${submitted.status} ${submitted.code}): ${submitted.message}`);
  }
  return ended(app, submitted.operationId);
}

export async function getJson<T>(app: TestProximity, path: string, as: Role = "admin"): Promise<T> {
  const res = await app.api(path, { as });
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** The same job again, as pg-boss delivers it when it believes the first worker died. */
export function redelivered(queue: string, operationId: string) {
  return {
    id: `redelivered-${operationId}`,
    name: queue,
    data: { operationId },
    retryCount: 1,
    expireInSeconds: 60,
    heartbeatSeconds: null,
    signal: new AbortController().signal,
  };
}
