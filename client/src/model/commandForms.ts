import { StructError, validate, type Struct } from "superstruct";
import { commands, type CommandName, type CommandPayload } from "../../../shared/src/commands.ts";

/** Per-field messages a form shows beside its inputs; the key `form` is for rules across fields. */
export type FieldErrors = Record<string, string>;

export type FormResult<N extends CommandName> = { ok: true; payload: CommandPayload<N> } | { ok: false; errors: FieldErrors };

/** Human wording for the shared structs' refinements, by field name. */
const FIELD_HINTS: Record<string, string> = {
  name: "Letters, digits and hyphens (a DNS name), 1–63 characters, not starting or ending with a hyphen.",
  node: "Pick a node.",
  snapname: "2–40 characters: a letter first, then letters, digits, - or _.",
  cores: "A whole number of cores from 1 to 512.",
  memoryMiB: "Memory in MiB, at least 64.",
  diskGiB: "A whole number of GiB, at least 1.",
  storage: "Pick a storage.",
  volid: "Pick a backup.",
  description: "200 characters at most.",
  notes: "200 characters at most.",
};

function messagesOf(error: StructError): FieldErrors {
  const errors: FieldErrors = {};
  for (const failure of error.failures()) {
    const field = String(failure.path[0] ?? "form");
    errors[field] ??= FIELD_HINTS[field] ?? failure.message;
  }
  return errors;
}

/** Validates a form's payload with the command's shared struct, the same one the server checks. */
export function validateCommand<N extends CommandName>(name: N, payload: unknown, extra: FieldErrors = {}): FormResult<N> {
  const [error, value] = validate(payload, commands[name].payload as Struct<CommandPayload<N>, unknown>);
  const errors = { ...(error ? messagesOf(error) : {}), ...extra };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, payload: value as CommandPayload<N> };
}

/**
 * A numeric text field: "" is left out (undefined), anything else must be a whole number. Returns NaN for text that
 * is not one, so the struct rejects it with the field's message rather than silently dropping it.
 */
export function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** An optional text field: blank means "not given". */
export function optionalText(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : trimmed;
}

/** Rules of the resize form beyond the struct: at least one change, and disks only grow. */
export function resizeRules(form: { cores?: number; memoryMiB?: number; diskGiB?: number }, currentDiskGiB: number): FieldErrors {
  if (form.cores === undefined && form.memoryMiB === undefined && form.diskGiB === undefined) return { form: "Change at least one value." };
  if (form.diskGiB !== undefined && Number.isInteger(form.diskGiB) && form.diskGiB <= currentDiskGiB) {
    return { diskGiB: `Disks only grow: enter more than the current ${currentDiskGiB} GiB.` };
  }
  return {};
}

/** Rules of the clone form beyond the struct: a linked clone shares a template's base disk. */
export function cloneRules(form: { full: boolean }, sourceIsTemplate: boolean): FieldErrors {
  return !form.full && !sourceIsTemplate ? { full: "Only a template can be cloned linked; choose a full copy." } : {};
}
