/** UPID encoding exactly as PVE::UPID (pve-common src/PVE/UPID.pm). */

export interface UpidParts {
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  /** "user@realm" or "user@realm!token". */
  user: string;
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, "0");

export function encodeUpid(p: UpidParts): string {
  return `UPID:${p.node}:${hex8(p.pid)}:${hex8(p.pstart)}:${hex8(p.starttime)}:${p.type}:${p.id}:${p.user}:`;
}

const UPID_RE =
  /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

export function decodeUpid(upid: string): UpidParts | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  return {
    node: m[1] as string,
    pid: parseInt(m[3] as string, 16),
    pstart: parseInt(m[4] as string, 16),
    starttime: parseInt(m[5] as string, 16),
    type: m[6] as string,
    id: m[7] as string,
    user: m[8] as string,
  };
}

/** Task lists and status split "root@pam!ci" into user "root@pam" and tokenid "ci". */
export function splitTaskUser(user: string): { user: string; tokenid?: string } {
  const bang = user.indexOf("!");
  return bang < 0 ? { user } : { user: user.slice(0, bang), tokenid: user.slice(bang + 1) };
}
