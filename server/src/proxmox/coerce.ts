import {
  array,
  boolean,
  coerce,
  defaulted,
  integer,
  mask,
  number,
  string,
  StructError,
  unknown,
  type Struct,
} from "superstruct";

// PVE's Perl JSON encoder decides per value whether a scalar is a number or a string, so the same field
// arrives either way depending on code path and version (reference §1.4). These structs accept both and
// always hand out the declared type; anything else still fails validation with the offending path.

const NUMERIC = /^\s*-?\d+(\.\d+)?(e[+-]?\d+)?\s*$/i;

function numberFromString(value: string): number | string {
  return NUMERIC.test(value) ? Number(value) : value;
}

const isString = (value: unknown): value is string => typeof value === "string";
const isNumber = (value: unknown): value is number => typeof value === "number";

/**
 * coerce() with the condition tested by a type guard. superstruct's own condition is checked with
 * is(), which builds a StructError (an Error, stack trace included) whenever the value does not
 * match: about 100,000 of them per 10,000-guest /cluster/resources, seconds of CPU every sync cycle.
 */
function coerceWhen<T, S, C>(struct: Struct<T, S>, applies: (value: unknown) => value is C, coercer: (value: C) => unknown): Struct<T, S> {
  return coerce(struct, unknown(), (value) => (applies(value) ? coercer(value) : value));
}

export const pveInteger = coerceWhen(integer(), isString, numberFromString);
export const pveNumber = coerceWhen(number(), isString, numberFromString);
export const pveString = coerceWhen(string(), isNumber, (value) => String(value));

/** Booleans are declared `boolean` but serialised as 0/1. */
export const pveBoolean = coerceWhen(boolean(), (value): value is number | string => isNumber(value) || isString(value), (value) => {
  if (value === 1 || value === "1") return true;
  if (value === 0 || value === "0") return false;
  return value;
});

export const pveFlag = defaulted(pveBoolean, false);

/** Comma lists such as storage `content` ("images,rootdir"). */
export const pveCommaList = defaulted(
  coerceWhen(array(string()), isString, (value) => value.split(",").map((item) => item.trim()).filter(Boolean)),
  [],
);

/** Guest tags: PVE stores them `;`-separated but also accepts `,` and spaces. */
export const pveTagList = defaulted(
  coerceWhen(array(string()), isString, (value) => value.split(/[;,\s]+/).filter(Boolean)),
  [],
);

export class ReplyShapeError extends Error {
  override name = "ReplyShapeError";
}

/**
 * Coerces a reply to the declared shape and drops unknown keys. Throws ReplyShapeError naming the first
 * offending path; with `redact` the offending value is left out (for replies that carry credentials).
 */
export function parseShape<T>(struct: Struct<T, any>, value: unknown, options: { redact?: boolean } = {}): T {
  try {
    return mask(value, struct);
  } catch (error) {
    if (!(error instanceof StructError)) throw error;
    const where = error.path.length > 0 ? `at ${error.path.join(".")}: ` : "";
    const what = options.redact
      ? `expected ${error.type}${error.value === undefined ? ", but it is missing" : ""}`
      : error.message.replace(/^At path: \S+ -- /, "");
    throw new ReplyShapeError(`${where}${truncate(what, 240)}`);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
