import type { Struct } from "superstruct";
import type { Rejection } from "../../../shared/src/protocol.ts";

const MAX_DETAIL = 160;

/** Validates at a boundary; a failure becomes an invalid_payload rejection naming each bad field. */
export function validatePayload<T>(struct: Struct<T, any>, payload: unknown): { ok: true; value: T } | { ok: false; rejection: Rejection } {
  const [error, value] = struct.validate(payload, { coerce: false });
  if (!error) return { ok: true, value: value as T };
  const fields: Record<string, string> = {};
  for (const failure of error.failures()) {
    const path = failure.path.length > 0 ? failure.path.join(".") : "(payload)";
    fields[path] = clip(failure.message);
  }
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${v}`)
    .join("; ");
  return { ok: false, rejection: { code: "invalid_payload", message: `Invalid payload: ${summary}`, fields } };
}

/** Client-supplied values appear in messages; keep them short so a huge payload cannot echo back. */
function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}
