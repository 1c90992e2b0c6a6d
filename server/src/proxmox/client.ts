import { array, type Struct } from "superstruct";
import type { Agent } from "undici";
import { tokenAuthenticator, TicketAuthenticator, type Authenticator, type CallOptions, type Ticket } from "./auth.ts";
import { parseShape, pveInteger, ReplyShapeError } from "./coerce.ts";
import { ProxmoxError, type HttpMethod } from "./errors.ts";
import { exchange, type Envelope, type ExchangeTarget } from "./http.ts";
import { apiPath, assertApiPath, assertVmid, type Params } from "./params.ts";
import {
  ClusterResourceShape,
  ClusterStatusEntryShape,
  ClusterTaskShape,
  GuestConfigShape,
  GuestListEntryShape,
  GuestStatusShape,
  NodeEntryShape,
  NodeStatusShape,
  NodeTaskShape,
  StorageContentEntryShape,
  StorageEntryShape,
  TaskLogLineShape,
  TaskStatusShape,
  TicketShape,
  VersionShape,
  type ClusterResource,
  type ClusterStatusEntry,
  type ClusterTask,
  type GuestConfig,
  type GuestListEntry,
  type GuestStatus,
  type NodeEntry,
  type NodeStatus,
  type NodeTask,
  type StorageContentEntry,
  type StorageEntry,
  type TaskLogLine,
  type TaskStatus,
  type Version,
} from "./shapes.ts";
import { sleep as realSleep, type Sleep } from "./sleep.ts";
import { createDispatcher, resolveTlsMode, type ProxmoxTls } from "./tls.ts";
import { isUpid } from "./upid.ts";

export type { CallOptions } from "./auth.ts";

export type ProxmoxAuth =
  | { kind: "token"; tokenId: string; secret: string }
  | { kind: "ticket"; username: string; password: string };

export interface ProxmoxConnection {
  /** `https://host:8006`; a path prefix is kept for reverse proxies. */
  baseUrl: string;
  auth: ProxmoxAuth;
  tls: ProxmoxTls;
  /** Per HTTP exchange; default 15 s. */
  timeoutMs?: number;
}

export interface ProxmoxLogger {
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface ProxmoxClientOptions {
  /** Clock for ticket age, in ms. */
  now?: () => number;
  logger?: ProxmoxLogger;
  /** Waits between attempts of a failed idempotent GET; its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  sleep?: Sleep;
}

export type GuestType = "lxc" | "qemu";
export type PowerAction = "start" | "stop" | "shutdown" | "reboot";

export interface NodeTaskQuery {
  start?: number;
  limit?: number;
  vmid?: number;
  typefilter?: string;
  userfilter?: string;
  /** PVE lists only finished tasks by default (`archive`). */
  source?: "archive" | "active" | "all";
  errors?: boolean;
  since?: number;
  until?: number;
  statusfilter?: string;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [250, 1_000];

const GUEST_TYPES: readonly string[] = ["lxc", "qemu"];
const POWER_ACTIONS: readonly string[] = ["start", "stop", "shutdown", "reboot"];

const consoleLogger: ProxmoxLogger = { warn: (obj, msg) => console.warn(msg, obj) };

/**
 * A thin client for the PVE REST API (reference pve-api.md, Appendix B). Reads are retried on transient
 * failures; writes never are, because PVE may have started the task before the connection broke.
 */
export class ProxmoxClient {
  readonly baseUrl: string;
  readonly #target: ExchangeTarget;
  readonly #dispatcher: Agent;
  readonly #auth: Authenticator;
  readonly #timeoutMs: number;
  readonly #retryDelays: readonly number[];
  readonly #sleep: Sleep;
  readonly #logger: ProxmoxLogger;

  constructor(conn: ProxmoxConnection, options: ProxmoxClientOptions = {}) {
    this.baseUrl = normalizeBaseUrl(conn.baseUrl);
    this.#timeoutMs = conn.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    assertTimeout(this.#timeoutMs);
    this.#retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#sleep = options.sleep ?? realSleep;
    const logger = options.logger ?? consoleLogger;
    this.#logger = logger;
    const now = options.now ?? Date.now;

    const tls = resolveTlsMode(conn.tls ?? {});
    this.#auth =
      conn.auth.kind === "token"
        ? tokenAuthenticator(conn.auth.tokenId, conn.auth.secret)
        : new TicketAuthenticator(conn.auth.username, conn.auth.password, (u, p, o) => this.#logIn(u, p, o), now);
    this.#dispatcher = createDispatcher(tls);
    this.#target = {
      dispatcher: this.#dispatcher,
      apiRoot: `${this.baseUrl}/api2/json`,
      onDone: logger.debug ? (summary) => logger.debug!(summary, "pve request") : undefined,
    };
    if (tls.kind === "insecure") {
      logger.warn(
        { baseUrl: this.baseUrl },
        "TLS VERIFICATION DISABLED for this Proxmox connection (tls.insecure): anyone on the network path can " +
          "impersonate the server and read the API credentials. Pin the certificate fingerprint instead.",
      );
    }
  }

  /** Any API call; resolves to the unwrapped `data`, unchecked. Prefer the typed methods below. */
  async request<T = unknown>(
    method: HttpMethod,
    path: string,
    params?: Params,
    opts: CallOptions = {},
  ): Promise<T> {
    return (await this.#call(method, path, params, opts)).data as T;
  }

  version(opts?: CallOptions): Promise<Version> {
    return this.#read(VersionShape, "/version", undefined, opts);
  }

  clusterResources(type?: "vm" | "node" | "storage", opts?: CallOptions): Promise<ClusterResource[]> {
    return this.#read(array(ClusterResourceShape), "/cluster/resources", { type }, opts);
  }

  clusterStatus(opts?: CallOptions): Promise<ClusterStatusEntry[]> {
    return this.#read(array(ClusterStatusEntryShape), "/cluster/status", undefined, opts);
  }

  clusterTasks(opts?: CallOptions): Promise<ClusterTask[]> {
    return this.#read(array(ClusterTaskShape), "/cluster/tasks", undefined, opts);
  }

  /** The first free VMID (PVE sends it as a string). Only a hint: another client may take it first. */
  nextId(opts?: CallOptions): Promise<number> {
    return this.#read(pveInteger, "/cluster/nextid", undefined, opts);
  }

  nodes(opts?: CallOptions): Promise<NodeEntry[]> {
    return this.#read(array(NodeEntryShape), "/nodes", undefined, opts);
  }

  nodeStatus(node: string, opts?: CallOptions): Promise<NodeStatus> {
    return this.#read(NodeStatusShape, apiPath`/nodes/${node}/status`, undefined, opts);
  }

  async listGuests(node: string, type: GuestType, opts?: CallOptions): Promise<GuestListEntry[]> {
    assertGuestType(type);
    const guests = await this.#read(array(GuestListEntryShape), apiPath`/nodes/${node}/${type}`, undefined, opts);
    return guests.map((guest) => ({ ...guest, type }));
  }

  async guestStatus(node: string, type: GuestType, vmid: number, opts?: CallOptions): Promise<GuestStatus> {
    assertGuestType(type);
    assertVmid(vmid);
    const path = apiPath`/nodes/${node}/${type}/${vmid}/status/current`;
    return { ...(await this.#read(GuestStatusShape, path, undefined, opts)), type };
  }

  guestConfig(node: string, type: GuestType, vmid: number, opts?: CallOptions): Promise<GuestConfig> {
    assertGuestType(type);
    assertVmid(vmid);
    return this.#read(GuestConfigShape, apiPath`/nodes/${node}/${type}/${vmid}/config`, undefined, opts);
  }

  /** Resolves to the UPID of the task PVE started; follow it with followTask. */
  async guestPowerAction(
    node: string,
    type: GuestType,
    vmid: number,
    action: PowerAction,
    params?: Record<string, string | number | boolean>,
    opts: CallOptions = {},
  ): Promise<string> {
    assertGuestType(type);
    assertVmid(vmid);
    if (!POWER_ACTIONS.includes(action)) throw new TypeError(`unknown power action ${JSON.stringify(action)}`);
    const path = apiPath`/nodes/${node}/${type}/${vmid}/status/${action}`;
    const { data } = await this.#call("POST", path, params, opts);
    if (!isUpid(data)) {
      throw new ProxmoxError({ kind: "protocol", status: 200, method: "POST", path, detail: "reply is not a task id (UPID)" });
    }
    return data;
  }

  async nodeTasks(node: string, query: NodeTaskQuery = {}, opts: CallOptions = {}): Promise<{ tasks: NodeTask[]; total: number }> {
    const path = apiPath`/nodes/${node}/tasks`;
    const envelope = await this.#call("GET", path, { ...query }, opts);
    return { tasks: this.#parse(array(NodeTaskShape), envelope.data, "GET", path), total: requireTotal(envelope, path) };
  }

  taskStatus(node: string, upid: string, opts?: CallOptions): Promise<TaskStatus> {
    return this.#read(TaskStatusShape, apiPath`/nodes/${node}/tasks/${upid}/status`, undefined, opts);
  }

  /** `start` is a 0-based line offset; line `n` values start at 1. */
  async taskLog(
    node: string,
    upid: string,
    start = 0,
    limit = 50,
    opts: CallOptions = {},
  ): Promise<{ lines: TaskLogLine[]; total: number }> {
    const path = apiPath`/nodes/${node}/tasks/${upid}/log`;
    const envelope = await this.#call("GET", path, { start, limit }, opts);
    return { lines: this.#parse(array(TaskLogLineShape), envelope.data, "GET", path), total: requireTotal(envelope, path) };
  }

  async stopTask(node: string, upid: string, opts: CallOptions = {}): Promise<void> {
    await this.#call("DELETE", apiPath`/nodes/${node}/tasks/${upid}`, undefined, opts);
  }

  storages(node: string, opts?: CallOptions): Promise<StorageEntry[]> {
    return this.#read(array(StorageEntryShape), apiPath`/nodes/${node}/storage`, undefined, opts);
  }

  storageContent(node: string, storage: string, content?: string, opts?: CallOptions): Promise<StorageContentEntry[]> {
    const path = apiPath`/nodes/${node}/storage/${storage}/content`;
    return this.#read(array(StorageContentEntryShape), path, { content }, opts);
  }

  /** Closes pooled connections; calls made afterwards fail with kind "network". */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  async #read<T>(shape: Struct<T, any>, path: string, params: Params | undefined, opts: CallOptions = {}): Promise<T> {
    const { data } = await this.#call("GET", path, params, opts);
    return this.#parse(shape, data, "GET", path);
  }

  #parse<T>(shape: Struct<T, any>, data: unknown, method: HttpMethod, path: string, redact = false): T {
    try {
      return parseShape(shape, data, { redact });
    } catch (error) {
      if (!(error instanceof ReplyShapeError)) throw error;
      throw new ProxmoxError({ kind: "protocol", status: 200, method, path, detail: `malformed reply: ${error.message}` });
    }
  }

  async #call(method: HttpMethod, path: string, params: Params | undefined, opts: CallOptions): Promise<Envelope> {
    assertApiPath(path);
    if (opts.timeoutMs !== undefined) assertTimeout(opts.timeoutMs);
    const delays = method === "GET" ? this.#retryDelays : [];
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#authenticated(method, path, params, opts);
      } catch (error) {
        const delay = delays[attempt];
        if (!(error instanceof ProxmoxError) || !error.retriable || delay === undefined) throw error;
        this.#logger.debug?.({ method, path, kind: error.kind, status: error.status, attempt: attempt + 1 }, "retrying pve read");
        await this.#sleep(delay, opts.signal);
      }
    }
  }

  async #authenticated(method: HttpMethod, path: string, params: Params | undefined, opts: CallOptions): Promise<Envelope> {
    const headers = await this.#auth.headers(method, opts);
    try {
      return await this.#exchange(method, path, params, headers, opts);
    } catch (error) {
      if (!(error instanceof ProxmoxError) || error.status !== 401 || !(await this.#auth.refresh(headers, opts))) throw error;
      return await this.#exchange(method, path, params, await this.#auth.headers(method, opts), opts);
    }
  }

  #exchange(method: HttpMethod, path: string, params: Params | undefined, headers: Record<string, string>, opts: CallOptions) {
    return exchange(this.#target, {
      method,
      path,
      params,
      headers,
      timeoutMs: opts.timeoutMs ?? this.#timeoutMs,
      signal: opts.signal,
    });
  }

  async #logIn(username: string, password: string, opts: CallOptions): Promise<Ticket> {
    const path = "/access/ticket";
    const { data } = await this.#exchange("POST", path, { username, password }, {}, opts);
    if (typeof data === "object" && data !== null && (data as { NeedTFA?: unknown }).NeedTFA) {
      throw new ProxmoxError({
        kind: "auth",
        status: 200,
        method: "POST",
        path,
        detail: `${username} needs a second factor, which this client cannot provide; use an API token`,
      });
    }
    return this.#parse(TicketShape, data, "POST", path, true);
  }
}

function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`baseUrl is not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "https:") throw new TypeError("baseUrl must be https:// (PVE serves its API over TLS only)");
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError("baseUrl must not contain credentials, a query or a fragment");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function assertTimeout(ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`timeoutMs must be a positive number, got ${String(ms)}`);
}

function assertGuestType(type: string): asserts type is GuestType {
  if (!GUEST_TYPES.includes(type)) throw new TypeError(`guest type must be "lxc" or "qemu", got ${JSON.stringify(type)}`);
}

function requireTotal(envelope: Envelope, path: string): number {
  if (envelope.total === undefined) {
    throw new ProxmoxError({ kind: "protocol", status: 200, method: "GET", path, detail: 'reply has no "total"' });
  }
  return envelope.total;
}
