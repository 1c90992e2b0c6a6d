export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export type ProxmoxErrorKind =
  | "auth"
  | "permission"
  | "validation"
  | "not_found"
  | "locked"
  | "conflict"
  | "server"
  | "unreachable"
  | "timeout"
  | "network"
  | "tls"
  | "protocol";

export interface ProxmoxErrorInit {
  kind: ProxmoxErrorKind;
  /** HTTP status, or 0 when no HTTP response arrived (network, TLS, timeout). */
  status: number;
  method: HttpMethod;
  /** API path below /api2/json, without the query string. */
  path: string;
  reason?: string;
  pveMessage?: string;
  errors?: Record<string, string>;
  /** What went wrong when there is no PVE text (network, timeout, malformed reply). */
  detail?: string;
  /** Replaces the composed message (task failures word it differently). */
  message?: string;
  cause?: unknown;
}

/** Kinds where trying the same read again can succeed. */
const TRANSIENT_KINDS: ReadonlySet<ProxmoxErrorKind> = new Set(["timeout", "network", "server", "unreachable"]);

/**
 * Every failure of a PVE call. `retriable` is only ever true for GETs: a write that failed in flight may
 * have been executed, so the caller must decide (and the client never repeats one by itself).
 */
export class ProxmoxError extends Error {
  override name = "ProxmoxError";
  readonly kind: ProxmoxErrorKind;
  readonly status: number;
  readonly method: HttpMethod;
  readonly path: string;
  readonly reason: string;
  readonly pveMessage: string;
  readonly errors?: Record<string, string>;
  readonly retriable: boolean;

  constructor(init: ProxmoxErrorInit) {
    super(init.message ?? composeMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.reason = init.reason ?? "";
    this.pveMessage = init.pveMessage ?? "";
    if (init.errors) this.errors = init.errors;
    this.retriable = init.method === "GET" && TRANSIENT_KINDS.has(init.kind);
  }
}

function composeMessage(init: ProxmoxErrorInit): string {
  const text = init.pveMessage || init.reason || init.detail || "request failed";
  const head = init.status > 0 ? `PVE ${init.status} ${init.method} ${init.path}` : `PVE ${init.method} ${init.path}`;
  const params = init.errors ? Object.entries(init.errors).map(([key, why]) => `${key}: ${why}`) : [];
  const extra = init.detail && (init.pveMessage || init.reason) ? ` (${init.detail})` : "";
  return `${head}: ${text}${params.length > 0 ? ` (${params.join("; ")})` : ""}${extra}`;
}

/**
 * PVE reports most handler failures as a bare 500 with a text, so the text is the only hint whether the
 * guest is locked, missing or in the wrong state. These are the texts of pve-container, qemu-server and
 * pve-guest-common (reference §4, §6.3); anything else stays "server".
 */
export function kindForFailureText(text: string): ProxmoxErrorKind {
  if (/\bis locked \(/i.test(text)) return "locked";
  if (/does not exist|\bno such\b|not found/i.test(text)) return "not_found";
  if (
    /already (running|exists|used)|\bnot running\b|is running|modified configuration|checksum mismatch|can't (overwrite|migrate|remove|convert)/i.test(
      text,
    )
  ) {
    return "conflict";
  }
  return "server";
}

export function kindForStatus(status: number, text: string): ProxmoxErrorKind {
  if (status === 401) return "auth";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status >= 400 && status < 500) return "validation";
  // 501 = "not implemented", "unexpected content", "chunked transfer encoding not supported": the request
  // itself was wrong for this server, which repeating cannot fix.
  if (status === 501) return "protocol";
  // AnyEvent::HTTP codes passed through by the node that proxies to an unreachable cluster member.
  if (status >= 595 && status <= 599) return "unreachable";
  if (status >= 500 && status < 600) return kindForFailureText(text);
  return "protocol";
}

/** A task that ended with an exit status other than OK or WARNINGS. Kind is guessed from the exit text. */
export class TaskFailedError extends ProxmoxError {
  override name = "TaskFailedError";
  readonly upid: string;
  readonly node: string;
  readonly taskType: string;
  readonly taskId: string;
  readonly exitstatus: string;
  /** The last lines of the task log, oldest first (the final one is usually `TASK ERROR: …`). */
  readonly logTail: string[];

  constructor(init: {
    upid: string;
    node: string;
    taskType: string;
    taskId: string;
    exitstatus: string;
    logTail: string[];
    path: string;
  }) {
    const subject = [init.taskType, init.taskId].filter(Boolean).join(" ");
    super({
      kind: kindForFailureText(init.exitstatus),
      status: 200,
      method: "GET",
      path: init.path,
      reason: "OK",
      pveMessage: init.exitstatus,
      message: `PVE task ${subject} on ${init.node} failed: ${init.exitstatus}`,
    });
    this.upid = init.upid;
    this.node = init.node;
    this.taskType = init.taskType;
    this.taskId = init.taskId;
    this.exitstatus = init.exitstatus;
    this.logTail = init.logTail;
  }
}
