export type ParamValue = string | number | boolean | undefined;
export type Params = Record<string, ParamValue>;

/**
 * PVE's form decoder takes booleans only as 1/0 (`true` is a 400) and has no notion of "unset", so
 * undefined values are left out. Works for both the query string and the form body.
 */
export function encodeParams(params: Params | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) {
      throw new TypeError(`parameter ${key} must be a finite number`);
    }
    search.append(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
  }
  return search.toString();
}

/** Builds an API path with every interpolated value percent-encoded as one segment. */
export function apiPath(strings: TemplateStringsArray, ...segments: Array<string | number>): string {
  let path = strings[0] ?? "";
  segments.forEach((segment, index) => {
    const text = String(segment);
    if (text === "") throw new TypeError(`empty path segment in ${strings.join("…")}`);
    path += encodeURIComponent(text) + (strings[index + 1] ?? "");
  });
  return path;
}

// Unreserved and sub-delim characters plus percent escapes; no query, fragment or dot segments.
const PATH_SEGMENT = /^(?!\.\.?$)[A-Za-z0-9\-._~!$&'()*+,;=:@%]+$/;

export function assertApiPath(path: string): void {
  if (typeof path !== "string" || !path.startsWith("/") || !path.slice(1).split("/").every((s) => PATH_SEGMENT.test(s))) {
    throw new TypeError(
      `invalid PVE API path ${JSON.stringify(path)}: expected /segment/… with each segment percent-encoded`,
    );
  }
}

const MIN_VMID = 100;
const MAX_VMID = 999_999_999;

export function assertVmid(vmid: number): void {
  if (!Number.isInteger(vmid) || vmid < MIN_VMID || vmid > MAX_VMID) {
    throw new TypeError(`vmid must be an integer from ${MIN_VMID} to ${MAX_VMID}, got ${String(vmid)}`);
  }
}
