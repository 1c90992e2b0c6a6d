import type { Response } from "express";
import type { Struct } from "superstruct";
import type { Rejection, RejectionCode } from "../../../shared/src/protocol.ts";
import { validatePayload } from "../operations/validate.ts";
import { ProxmoxError } from "../proxmox/index.ts";

export const STATUS_FOR: Record<RejectionCode, number> = {
  unauthorized: 401,
  invalid_payload: 400,
  unknown_command: 404,
  forbidden: 403,
  not_found: 404,
  busy: 409,
  invalid_state: 409,
  cluster_offline: 503,
  internal: 500,
};

export function sendRejection(res: Response, rejection: Rejection): void {
  res.status(STATUS_FOR[rejection.code]).json(rejection);
}

/** Validates a request part; on failure answers 400 with each bad field and returns null. */
export function parseOr400<T>(res: Response, struct: Struct<T, any>, value: unknown): T | null {
  const result = validatePayload(struct, value);
  if (result.ok) return result.value;
  sendRejection(res, result.rejection);
  return null;
}

/** A read that asks Proxmox: its refusal or silence becomes a clear answer, not a 500. */
export async function answerFromProxmox(res: Response, read: () => Promise<unknown>): Promise<void> {
  try {
    res.json(await read());
  } catch (error) {
    if (!(error instanceof ProxmoxError)) throw error;
    const notFound = error.status === 404 || /does not exist|no such/i.test(error.pveMessage ?? "");
    sendRejection(res, {
      code: notFound ? "not_found" : "cluster_offline",
      message: `Proxmox: ${error.pveMessage || error.reason || error.message}`,
    });
  }
}
