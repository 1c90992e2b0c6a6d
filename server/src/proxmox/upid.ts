/** The decoded parts of a task id (`proxmox/pve-common src/PVE/UPID.pm`). */
export interface Upid {
  upid: string;
  node: string;
  pid: number;
  /** Process start in clock ticks since boot; 9 hex digits after ~497 days of uptime. */
  pstart: number;
  /** UNIX epoch seconds. */
  starttime: number;
  type: string;
  /** Usually the VMID; may be empty or e.g. `100@local`. */
  id: string;
  /** `user@realm`, without the token name. */
  user: string;
  /** Token name when the task was started with an API token. */
  tokenid?: string;
}

export class InvalidUpidError extends Error {
  override name = "InvalidUpidError";
  readonly input: string;

  constructor(input: string) {
    super(`not a Proxmox task id (UPID): ${JSON.stringify(input.length > 200 ? `${input.slice(0, 200)}…` : input)}`);
    this.input = input;
  }
}

// Same pattern PVE uses to decode; the node group is nested, hence the odd group numbers below.
const UPID_PATTERN =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export function parseUpid(upid: string): Upid {
  if (typeof upid !== "string") throw new InvalidUpidError(String(upid));
  const match = UPID_PATTERN.exec(upid);
  if (!match) throw new InvalidUpidError(upid);
  // The pattern guarantees every group except the inner node one, so the defaults never apply.
  const [, node = "", , pid = "", pstart = "", starttime = "", type = "", id = "", owner = ""] = match;
  const bang = owner.indexOf("!");
  const parsed: Upid = {
    upid,
    node,
    pid: Number.parseInt(pid, 16),
    pstart: Number.parseInt(pstart, 16),
    starttime: Number.parseInt(starttime, 16),
    type,
    id,
    user: bang === -1 ? owner : owner.slice(0, bang),
  };
  if (bang !== -1) parsed.tokenid = owner.slice(bang + 1);
  return parsed;
}

export function isUpid(value: unknown): value is string {
  return typeof value === "string" && UPID_PATTERN.test(value);
}
