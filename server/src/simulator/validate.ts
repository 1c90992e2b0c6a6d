/**
 * Request parameter verification with PVE's JSONSchema.pm behaviour: unknown parameters rejected,
 * checks in the order type, format, pattern, length, maximum, minimum, enum, and all failures
 * reported together as 400 "Parameter verification failed." with one reason per parameter.
 */
import { paramError } from "./errors.ts";
import type { NamedFormat, ParamSpec, ParamTable } from "./params.ts";

export type ParamValue = string | number | boolean;
export type Params = Record<string, ParamValue>;

const STORAGE_CONTENT = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];
const TASK_STATUS_TYPES = ["ok", "warning", "error", "unknown"];

/** Throws the message PVE's registered format verifier dies with (without "invalid format - "). */
const FORMATS: Record<NamedFormat, (v: string) => void> = {
  "pve-node": (v) => {
    if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v)) throw new Error("value does not look like a valid node name");
  },
  "pve-vmid": (v) => {
    if (!/^[1-9][0-9]{2,8}$/.test(v)) throw new Error("value does not look like a valid VM ID");
  },
  "pve-storage-id": (v) => {
    if (!/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v)) throw new Error(`storage ID '${v}' contains illegal characters`);
  },
  "pve-configid": (v) => {
    if (!/^[a-z][a-z0-9_-]+$/i.test(v)) throw new Error(`invalid configuration ID '${v}'`);
  },
  "pve-realm": (v) => {
    if (!/^[A-Za-z][A-Za-z0-9.\-_]+$/.test(v)) throw new Error(`realm name '${v}' contains illegal characters`);
  },
  "pve-priv-list": (v) => {
    for (const p of v.split(/[,;\s]+/).filter(Boolean)) if (!/^[A-Z][A-Za-z.]+$/.test(p)) throw new Error(`invalid privilege name '${p}'`);
  },
  "pve-storage-content": (v) => {
    if (!STORAGE_CONTENT.includes(v)) throw new Error(`invalid content type '${v}'`);
  },
  "pve-storage-content-list": (v) => {
    for (const c of v.split(/[,;\s]+/).filter(Boolean)) if (!STORAGE_CONTENT.includes(c)) throw new Error(`invalid content type '${c}'`);
  },
  "pve-task-status-type-list": (v) => {
    for (const s of v.split(/[,;\s]+/).filter(Boolean)) if (!TASK_STATUS_TYPES.includes(s)) throw new Error(`invalid status type '${s}'`);
  },
  CIDR: (v) => {
    if (!/^(\d{1,3}(\.\d{1,3}){3}\/\d{1,2}|[0-9a-fA-F:]+\/\d{1,3})$/.test(v)) throw new Error(`value does not look like a valid CIDR network`);
  },
  "dns-name": (v) => {
    if (!/^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(v)) throw new Error(`value '${v}' does not look like a valid DNS name`);
  },
  "pve-vmid-list": (v) => {
    for (const id of v.split(/[,;\s]+/).filter(Boolean)) if (!/^[1-9][0-9]{2,8}$/.test(id)) throw new Error(`value '${id}' does not look like a valid VM ID`);
  },
  "pve-configid-list": (v) => {
    for (const id of v.split(/[,;\s]+/).filter(Boolean)) if (!/^[a-z][a-z0-9_-]+$/i.test(id)) throw new Error(`invalid configuration ID '${id}'`);
  },
  "pve-tag-list": (v) => {
    for (const tag of v.split(/[;,\s]+/).filter(Boolean)) if (!/^[a-z0-9_][a-z0-9_\-+.]*$/i.test(tag)) throw new Error(`invalid tag '${tag}'`);
  },
  "storage-pair-list": (v) => {
    for (const pair of v.split(/[,;\s]+/).filter(Boolean)) {
      if (!/^(?:[a-z][a-z0-9\-_.]*[a-z0-9]:)?(?:[a-z][a-z0-9\-_.]*[a-z0-9]|1)$/i.test(pair)) throw new Error(`invalid storage pair '${pair}'`);
    }
  },
  // Property strings (e.g. QEMU machine=) are accepted as given: nothing we serve interprets them.
  "property-string": () => {},
};

export function validateParams(table: ParamTable, raw: Record<string, unknown>): Params {
  const errors: Record<string, string> = {};
  const out: Params = {};
  for (const [name, value] of Object.entries(raw)) {
    const spec = specFor(table, name);
    if (!spec) errors[name] = "property is not defined in schema and the schema does not allow additional properties";
    else if (value !== undefined && value !== null) {
      const checked = checkValue(spec, value);
      if (typeof checked === "string") errors[name] = checked;
      else out[name] = checked.value;
    }
  }
  for (const [name, spec] of Object.entries(table)) {
    if (name.endsWith("[n]")) continue;
    if (!spec.optional && (raw[name] === undefined || raw[name] === null) && !(name in errors)) {
      errors[name] = "property is missing and it is not optional";
    }
  }
  if (Object.keys(errors).length > 0) throw paramError(errors);
  return out;
}

/** `net0` matches a `net[n]` entry (indexed properties of the schema, n up to 255). */
function specFor(table: ParamTable, name: string): ParamSpec | undefined {
  if (Object.hasOwn(table, name)) return table[name];
  const indexed = /^([a-z_-]+)(\d{1,3})$/i.exec(name);
  if (!indexed || Number(indexed[2]) > 255) return undefined;
  return table[`${indexed[1]}[n]`];
}

/** Returns the typed value, or the error text. */
function checkValue(spec: ParamSpec, value: unknown): { value: ParamValue } | string {
  const typed = checkType(spec.type, value);
  if (typeof typed === "string") return typed;
  const text = String(typed.value);
  if (spec.format) {
    try {
      FORMATS[spec.format](text);
    } catch (err) {
      return `invalid format - ${(err as Error).message}\n`;
    }
  }
  if (spec.pattern && !new RegExp(`^(?:${spec.pattern.source})$`).test(text)) return "value does not match the regex pattern";
  if (spec.maxLength !== undefined && text.length > spec.maxLength) return `value may only be ${spec.maxLength} characters long`;
  if (spec.minLength !== undefined && text.length < spec.minLength) return `value must be at least ${spec.minLength} characters long`;
  if (typeof typed.value === "number") {
    if (spec.max !== undefined && typed.value > spec.max) return `value must have a maximum value of ${spec.max}`;
    if (spec.min !== undefined && typed.value < spec.min) return `value must have a minimum value of ${spec.min}`;
  }
  if (spec.enum && !spec.enum.includes(text)) {
    return `value '${text}' does not have a value in the enumeration '${spec.enum.join(", ")}'`;
  }
  return typed;
}

function checkType(type: ParamSpec["type"], value: unknown): { value: ParamValue } | string {
  // Perl reports a reference by its kind (ARRAY/HASH) and a scalar quoted.
  if (typeof value === "object") return `type check ('${type}') failed - got ${Array.isArray(value) ? "ARRAY" : "HASH"}`;
  const fail = `type check ('${type}') failed - got '${String(value)}'`;
  switch (type) {
    case "string":
      return { value: String(value) };
    case "integer":
      if (typeof value === "number") return Number.isInteger(value) ? { value } : fail;
      return typeof value === "string" && /^[+-]?\d+$/.test(value) ? { value: Number(value) } : fail;
    case "number":
      if (typeof value === "number") return Number.isFinite(value) ? { value } : fail;
      return typeof value === "string" && /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(value) ? { value: Number(value) } : fail;
    case "boolean":
      if (typeof value === "boolean") return { value };
      if (value === 1 || value === "1") return { value: true };
      if (value === 0 || value === "0") return { value: false };
      return fail;
  }
}
