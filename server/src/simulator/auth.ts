/**
 * Authentication and authorization like pve-access-control + pve-http-server: API tokens
 * (PVEAPIToken=USER@REALM!TOKENID=SECRET), RSA-signed tickets with a 2 h lifetime, CSRF tokens on
 * writes made with a ticket, and a two-role ACL (Administrator and PVEAuditor on "/").
 */
import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { PveError } from "./errors.ts";
import { forkRng, hexString, uuidFrom } from "./prng.ts";
import type { SimulatorToken } from "./types.ts";

export type Role = "admin" | "auditor";

export interface Principal {
  /** "root@pam" */
  userid: string;
  /** Token name ("proximity") when authenticated by API token. */
  tokenName?: string;
  role: Role;
  via: "token" | "ticket";
}

/** The owner written into UPIDs: "root@pam!proximity" for a token, "root@pam" for a ticket. */
export function taskUser(p: Principal): string {
  return p.tokenName ? `${p.userid}!${p.tokenName}` : p.userid;
}

const TICKET_LIFETIME_S = 7200;
const CLOCK_SKEW_S = 300;

const unauthorized = (reason: string) => new PveError(401, reason, undefined, true);

export class AuthService {
  readonly adminToken: SimulatorToken;
  readonly auditorToken: SimulatorToken;
  readonly rootPassword: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly csrfSecret: string;
  private readonly tokens: Map<string, { secret: string; role: Role }>;

  /** Secrets derive from the seed so a standalone simulator keeps its credentials across restarts. */
  constructor(
    seed: number,
    signingKeyPem: string,
    private readonly now: () => number,
  ) {
    const rng = forkRng(seed, "credentials");
    this.adminToken = { tokenId: "root@pam!proximity", secret: uuidFrom(rng) };
    this.auditorToken = { tokenId: "auditor@pve!proximity", secret: uuidFrom(rng) };
    this.rootPassword = `sim-${hexString(rng, 16)}`;
    this.csrfSecret = hexString(rng, 64);
    this.privateKey = createPrivateKey(signingKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    this.tokens = new Map([
      [this.adminToken.tokenId, { secret: this.adminToken.secret, role: "admin" as Role }],
      [this.auditorToken.tokenId, { secret: this.auditorToken.secret, role: "auditor" as Role }],
    ]);
  }

  /** Throws a 401 PveError (empty body) unless the request carries valid credentials. */
  authenticate(headers: Record<string, string | string[] | undefined>, method: string): Principal {
    const authorization = headerValue(headers.authorization);
    const token = extractAuthValue(authorization, "PVEAPIToken");
    if (token !== undefined) return this.verifyToken(token);
    const ticket = extractAuthValue(headerValue(headers.cookie), "PVEAuthCookie") ?? extractAuthValue(authorization, "PVEAuthCookie");
    if (ticket === undefined) throw unauthorized("No ticket");
    const userid = this.verifyTicket(ticket);
    if (userid === undefined) throw unauthorized("Authentication failed!");
    if (method !== "GET" && !this.verifyCsrf(headerValue(headers.csrfpreventiontoken), userid)) {
      throw unauthorized("Permission denied - invalid csrf token");
    }
    return { userid, role: "admin", via: "ticket" };
  }

  /** POST /access/ticket: a password or a still valid ticket of the same user yields a new ticket. */
  login(params: { username: string; password: string; realm?: string }, clusterName: string): Record<string, unknown> {
    const userid = params.username.includes("@") ? params.username : params.realm ? `${params.username}@${params.realm}` : "";
    const valid = userid === "root@pam" && (params.password === this.rootPassword || this.verifyTicket(params.password) === userid);
    if (!valid) throw new PveError(401, "authentication failure");
    return {
      username: userid,
      ticket: this.issueTicket(userid),
      CSRFPreventionToken: this.issueCsrf(userid),
      clustername: clusterName,
      cap: ROOT_CAPABILITIES,
    };
  }

  /** Throws 403 unless the principal holds the privileges (all of them, or any with `any`). */
  checkPermission(p: Principal, path: string, privs: readonly string[], any = false): void {
    const granted = (priv: string) => p.role === "admin" || priv.endsWith(".Audit");
    const ok = any ? privs.some(granted) : privs.every(granted);
    if (!ok) throw new PveError(403, `Permission check failed (${path}, ${privs.join("|")})`);
  }

  issueTicket(userid: string): string {
    const plain = `PVE:${userid.replaceAll(":", "%3A")}:${hex8(this.nowSec())}`;
    return `${plain}::${sign("sha256", Buffer.from(plain), this.privateKey).toString("base64")}`;
  }

  private verifyToken(value: string): Principal {
    const split = /^(.*)=(.*)$/s.exec(value);
    const entry = split ? this.tokens.get(split[1] as string) : undefined;
    if (!split || !entry || entry.secret !== split[2]) throw unauthorized("Authentication failed!");
    const [userid, tokenName] = (split[1] as string).split("!") as [string, string];
    return { userid, tokenName, role: entry.role, via: "token" };
  }

  /** Returns the user id of a valid, unexpired ticket. */
  private verifyTicket(ticket: string): string | undefined {
    const m = /^(PVE:([^:\s]+):([0-9A-F]{8}))::([A-Za-z0-9+/=]+)$/.exec(ticket);
    if (!m) return undefined;
    const signed = verify("sha256", Buffer.from(m[1] as string), this.publicKey, Buffer.from(m[4] as string, "base64"));
    if (!signed || !this.fresh(parseInt(m[3] as string, 16))) return undefined;
    return (m[2] as string).replaceAll("%3A", ":");
  }

  private issueCsrf(userid: string): string {
    const stamp = hex8(this.nowSec());
    return `${stamp}:${this.csrfDigest(stamp, userid)}`;
  }

  private verifyCsrf(value: string | undefined, userid: string): boolean {
    const m = value ? /^([0-9A-F]{8}):(\S+)$/.exec(value) : null;
    if (!m) return false;
    return m[2] === this.csrfDigest(m[1] as string, userid) && this.fresh(parseInt(m[1] as string, 16));
  }

  private csrfDigest(stamp: string, userid: string): string {
    // Perl's hmac_sha256_base64 omits the "=" padding.
    return createHmac("sha256", this.csrfSecret).update(`${stamp}:${userid}`).digest("base64").replace(/=+$/, "");
  }

  private fresh(issuedAt: number): boolean {
    const age = this.nowSec() - issuedAt;
    return age > -CLOCK_SKEW_S && age < TICKET_LIFETIME_S;
  }

  private nowSec(): number {
    return Math.floor(this.now() / 1000);
  }
}

function hex8(n: number): string {
  return n.toString(16).toUpperCase().padStart(8, "0");
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join("; ") : v;
}

/** pve-http-server Formatter.pm extract_auth_value: "(?:^|\s)NAME(?:=| )([^;]*)", URI-unescaped. */
function extractAuthValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const m = new RegExp(`(?:^|\\s)${name}(?:=| )([^;]*)`).exec(header);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return m[1];
  }
}

const all = (...privs: string[]) => Object.fromEntries(privs.map((p) => [p, 1]));

/** The capability summary the web UI receives for root@pam (abridged to the privileges we know). */
const ROOT_CAPABILITIES = {
  vms: all("VM.Allocate", "VM.Audit", "VM.Backup", "VM.Clone", "VM.Config.CPU", "VM.Config.Disk", "VM.Config.Memory", "VM.Config.Network", "VM.Config.Options", "VM.Console", "VM.Migrate", "VM.PowerMgmt", "VM.Snapshot", "VM.Snapshot.Rollback", "Permissions.Modify"),
  storage: all("Datastore.Allocate", "Datastore.AllocateSpace", "Datastore.AllocateTemplate", "Datastore.Audit", "Permissions.Modify"),
  nodes: all("Sys.Audit", "Sys.Console", "Sys.Incoming", "Sys.Modify", "Sys.PowerMgmt", "Sys.Syslog", "Permissions.Modify"),
  dc: all("Sys.Audit", "Sys.Modify", "SDN.Allocate", "SDN.Audit"),
  access: all("Group.Allocate", "Permissions.Modify", "User.Modify"),
  sdn: all("SDN.Allocate", "SDN.Audit", "SDN.Use", "Permissions.Modify"),
  mapping: all("Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify"),
};
