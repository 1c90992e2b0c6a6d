import { array, type Struct } from "superstruct";
import type { Agent } from "undici";
import { tokenAuthenticator, TicketAuthenticator, type Authenticator, type CallOptions, type Ticket } from "./auth.ts";
import { parseClusterResources } from "./cluster-resources.ts";
import { parseShape, pveInteger, ReplyShapeError } from "./coerce.ts";
import { ProxmoxError, type HttpMethod } from "./errors.ts";
import { exchange, type Envelope, type ExchangeTarget } from "./http.ts";
import { apiPath, assertApiPath, assertVmid, type Params } from "./params.ts";
import {
  ClusterStatusEntryShape,
  ClusterTaskShape,
  GuestConfigShape,
  GuestListEntryShape,
  GuestStatusShape,
  NodeEntryShape,
  NodeStatusShape,
  NodeTaskShape,
  ContainerInterfaceShape,
  SnapshotShape,
  StorageEntryShape,
  StorageVolumeShape,
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
  type ContainerInterface,
  type Snapshot,
  type StorageEntry,
  type StorageVolume,
  type TaskLogLine,
  type TaskStatus,
  type Version,
} from "./shapes.ts";
import { sleep as realSleep, type Sleep } from "./sleep.ts";
import { createDispatcher, resolveTlsMode, type ProxmoxTls } from "./tls.ts";
import {
  assertSnapshotName,
  cloneRequest,
  type CloneParams,
  type CreateContainerParams,
  type DeleteGuestParams,
  type MigrateParams,
  type OciPullParams,
  type RestoreVmParams,
  type VzdumpParams,
} from "./operation-params.ts";
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

  /** Read every sync cycle, one entry per guest: validated by hand for speed (cluster-resources.ts). */
  async clusterResources(type?: "vm" | "node" | "storage", opts: CallOptions = {}): Promise<ClusterResource[]> {
    const path = "/cluster/resources";
    const { data } = await this.#call("GET", path, { type }, opts);
    try {
      return parseClusterResources(data);
    } catch (error) {
      if (!(error instanceof ReplyShapeError)) throw error;
      throw new ProxmoxError({ kind: "protocol", status: 200, method: "GET", path, detail: `malformed reply: ${error.message}` });
    }
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

  /** Whether no guest uses `vmid` (PVE answers 400 `errors.vmid` when one does). Also only a hint. */
  async isVmidFree(vmid: number, opts?: CallOptions): Promise<boolean> {
    assertVmid(vmid);
    try {
      await this.#read(pveInteger, "/cluster/nextid", { vmid }, opts);
      return true;
    } catch (error) {
      if (error instanceof ProxmoxError && error.status === 400 && error.errors?.vmid) return false;
      throw error;
    }
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
    return this.#task("POST", apiPath`/nodes/${node}/${type}/${vmid}/status/${action}`, params, opts);
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

  /** The storages a node sees; `content` keeps those offering any of the listed types (e.g. "backup"). */
  listStorages(node: string, query: { content?: string } = {}, opts?: CallOptions): Promise<StorageEntry[]> {
    return this.#read(array(StorageEntryShape), apiPath`/nodes/${node}/storage`, { content: query.content }, opts);
  }

  storageContent(node: string, storage: string, query: { content?: string; vmid?: number } = {}, opts?: CallOptions): Promise<StorageVolume[]> {
    if (query.vmid !== undefined) assertVmid(query.vmid);
    const path = apiPath`/nodes/${node}/storage/${storage}/content`;
    return this.#read(array(StorageVolumeShape), path, { content: query.content, vmid: query.vmid }, opts);
  }

  /** Task `imgdel`. PVE answers null instead of a UPID only when asked to wait (`delay`), which this client never does. */
  deleteVolume(node: string, storage: string, volid: string, opts?: CallOptions): Promise<string | null> {
    return this.#maybeTask("DELETE", apiPath`/nodes/${node}/storage/${storage}/content/${volid}`, undefined, opts);
  }

  /** PVE 9.1: pulls an OCI image into `vztmpl/<name>.tar` on `storage`, usable as `ostemplate`. */
  pullOciImage(node: string, storage: string, params: OciPullParams, opts?: CallOptions): Promise<string> {
    return this.#task("POST", apiPath`/nodes/${node}/storage/${storage}/oci-registry-pull`, { ...params }, opts);
  }

  /** Task `vzcreate` (or `vzrestore` with `restore`); the guest exists at once with lock `create`. */
  createContainer(node: string, params: CreateContainerParams, opts?: CallOptions): Promise<string> {
    assertVmid(params.vmid);
    return this.#task("POST", apiPath`/nodes/${node}/lxc`, { ...params }, opts);
  }

  /** Task `qmrestore` from a vzdump archive. */
  restoreVm(node: string, params: RestoreVmParams, opts?: CallOptions): Promise<string> {
    assertVmid(params.vmid);
    return this.#task("POST", apiPath`/nodes/${node}/qemu`, { ...params }, opts);
  }

  /**
   * Synchronous in PVE for both guest types (resolves to null once written). `digest` makes the write
   * fail if the config changed since it was read; `delete` lists keys to remove.
   */
  updateGuestConfig(node: string, type: GuestType, vmid: number, params: Record<string, string | number>, opts?: CallOptions): Promise<string | null> {
    return this.#maybeTask("PUT", this.#guestPath(node, type, vmid, "config"), params, opts);
  }

  /** Task `resize`; `size` is `+<n>[KMGT]` to grow by or `<n>[KMGT]` to grow to (PVE never shrinks). */
  resizeDisk(node: string, type: GuestType, vmid: number, disk: string, size: string, opts?: CallOptions): Promise<string | null> {
    return this.#maybeTask("PUT", this.#guestPath(node, type, vmid, "resize"), { disk, size }, opts);
  }

  /** Task `vzclone`/`qmclone` (its id is the source vmid); the clone exists at once, locked. */
  cloneGuest(node: string, type: GuestType, vmid: number, params: CloneParams, opts?: CallOptions): Promise<string> {
    assertVmid(params.newid);
    return this.#task("POST", this.#guestPath(node, type, vmid, "clone"), cloneRequest(type, params), opts);
  }

  listSnapshots(node: string, type: GuestType, vmid: number, opts?: CallOptions): Promise<Snapshot[]> {
    return this.#read(array(SnapshotShape), this.#guestPath(node, type, vmid, "snapshot"), undefined, opts);
  }

  createSnapshot(node: string, type: GuestType, vmid: number, snapname: string, description?: string, opts?: CallOptions): Promise<string> {
    assertSnapshotName(snapname);
    return this.#task("POST", this.#guestPath(node, type, vmid, "snapshot"), { snapname, description }, opts);
  }

  rollbackSnapshot(node: string, type: GuestType, vmid: number, snapname: string, opts?: CallOptions): Promise<string> {
    assertSnapshotName(snapname);
    return this.#task("POST", `${this.#guestPath(node, type, vmid, "snapshot")}${apiPath`/${snapname}/rollback`}`, undefined, opts);
  }

  deleteSnapshot(node: string, type: GuestType, vmid: number, snapname: string, opts?: CallOptions): Promise<string> {
    assertSnapshotName(snapname);
    return this.#task("DELETE", `${this.#guestPath(node, type, vmid, "snapshot")}${apiPath`/${snapname}`}`, undefined, opts);
  }

  /** One `vzdump` task for one guest of `node`; per-guest failures end it with exit status `job errors`. */
  vzdump(node: string, params: VzdumpParams, opts?: CallOptions): Promise<string> {
    assertVmid(params.vmid);
    return this.#task("POST", apiPath`/nodes/${node}/vzdump`, { ...params }, opts);
  }

  /** Task `vzmigrate`/`qmigrate`; afterwards the guest lives under `/nodes/<target>`. */
  migrateGuest(node: string, type: GuestType, vmid: number, params: MigrateParams, opts?: CallOptions): Promise<string> {
    return this.#task("POST", this.#guestPath(node, type, vmid, "migrate"), { ...params }, opts);
  }

  /** Task `vzdestroy`/`qmdestroy`; PVE refuses running, locked and protected guests before forking. */
  deleteGuest(node: string, type: GuestType, vmid: number, params: DeleteGuestParams = {}, opts?: CallOptions): Promise<string> {
    return this.#task("DELETE", this.#guestPath(node, type, vmid), { ...params }, opts);
  }

  /** The interfaces of a running container as seen inside it (PVE answers 500 for a stopped one). */
  containerInterfaces(node: string, vmid: number, opts?: CallOptions): Promise<ContainerInterface[]> {
    return this.#read(array(ContainerInterfaceShape), this.#guestPath(node, "lxc", vmid, "interfaces"), undefined, opts);
  }

  /** Closes pooled connections; calls made afterwards fail with kind "network". */
  async close(): Promise<void> {
    await this.#dispatcher.close();
  }

  #guestPath(node: string, type: GuestType, vmid: number, sub?: string): string {
    assertGuestType(type);
    assertVmid(vmid);
    const base = apiPath`/nodes/${node}/${type}/${vmid}`;
    return sub === undefined ? base : `${base}${apiPath`/${sub}`}`;
  }

  /** A call whose reply must be a UPID. */
  async #task(method: HttpMethod, path: string, params: Params | undefined, opts: CallOptions = {}): Promise<string> {
    const upid = await this.#maybeTask(method, path, params, opts);
    if (upid === null) throw new ProxmoxError({ kind: "protocol", status: 200, method, path, detail: "reply is not a task id (UPID)" });
    return upid;
  }

  /** A call that answers a UPID when PVE forks a task and null when it finished synchronously. */
  async #maybeTask(method: HttpMethod, path: string, params: Params | undefined, opts: CallOptions = {}): Promise<string | null> {
    const { data } = await this.#call(method, path, params, opts);
    if (data === null) return null;
    if (!isUpid(data)) throw new ProxmoxError({ kind: "protocol", status: 200, method, path, detail: "reply is not a task id (UPID)" });
    return data;
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
