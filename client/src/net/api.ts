import { array, boolean, enums, literal, nullable, number, optional, record, string, type as shape, union, unknown, validate, type Infer, type Struct } from "superstruct";
import type { AuditRecord } from "../model/audit.ts";

/** A refusal from the HTTP API (`{code, message, fields?}`), or a transport failure (status 0). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const Minimums = shape({ cores: number(), memoryMiB: number(), diskGiB: number() });
export const CatalogApp = shape({
  id: string(),
  name: string(),
  description: string(),
  category: string(),
  version: string(),
  icon: optional(string()),
  website: optional(string()),
  route: enums(["oci", "compose"]),
  composeReason: optional(string()),
  image: optional(shape({ reference: string() })),
  port: optional(number()),
  minimums: Minimums,
});
export type CatalogApp = Infer<typeof CatalogApp>;
const CatalogResponse = shape({ apps: array(CatalogApp), problems: array(shape({ file: string(), field: string(), message: string() })) });
export type CatalogResponse = Infer<typeof CatalogResponse>;

const Placement = shape({ node: nullable(string()), candidates: array(shape({ node: string(), status: string(), freeMiB: number() })) });
export type Placement = Infer<typeof Placement>;

const StorageInfo = shape({ node: string(), storage: string(), type: string(), shared: boolean(), availMiB: number(), totalMiB: number() });
export type StorageInfo = Infer<typeof StorageInfo>;

const Backup = shape({ volid: string(), storage: string(), sizeMiB: number(), createdAt: number(), notes: string(), protected: boolean() });
export type Backup = Infer<typeof Backup>;
/** A backup in a storage's list: it names its guest, which may no longer exist. */
const StoredBackup = shape({ volid: string(), vmid: nullable(number()), guestType: nullable(enums(["lxc", "qemu"])), node: string(), storage: string(), sizeMiB: number(), createdAt: number(), notes: string(), protected: boolean() });
export type StoredBackup = Infer<typeof StoredBackup>;

const Snapshot = shape({ name: string(), description: string(), createdAt: nullable(number()), parent: optional(nullable(string())) });
export type Snapshot = Infer<typeof Snapshot>;

const Secret = shape({ name: string(), value: string() });
export type Secret = Infer<typeof Secret>;

const ClusterEntry = shape({
  id: string(),
  name: string(),
  url: string(),
  tokenId: string(),
  fingerprint: optional(nullable(string())),
  status: string(),
  lastError: optional(nullable(string())),
});
export type ClusterEntry = Infer<typeof ClusterEntry>;

const Certificate = shape({ fingerprint: string(), subject: string(), issuer: string(), validTo: union([string(), number()]) });
export type Certificate = Infer<typeof Certificate>;

const Schedule = shape({
  id: union([string(), number()]),
  cluster: string(),
  vmid: nullable(number()),
  tag: nullable(string()),
  cron: string(),
  storage: nullable(string()),
  keepLast: number(),
  nextRuns: array(number()),
});
export type Schedule = Infer<typeof Schedule>;
export type NewSchedule = Omit<Schedule, "id" | "nextRuns">;

const AuditLine = shape({ id: number(), at: string(), actor: string(), action: string(), target: string(), outcome: string(), detail: record(string(), unknown()) });

const Created = union([shape({}), literal(null)]);

/**
 * The HTTP API beside the world room (catalog, placement, backups, snapshots, clusters, schedules), with the session
 * token of the room. Every answer is checked against its shape, so a server of another version fails with a clear
 * message instead of a broken panel.
 */
export class ApiClient {
  constructor(
    private readonly httpUrl: string,
    private readonly token: () => string | undefined,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  catalog(): Promise<CatalogResponse> {
    return this.request("GET", "/api/catalog", CatalogResponse);
  }

  placement(cluster: string, memoryMiB: number): Promise<Placement> {
    return this.request("GET", `/api/clusters/${enc(cluster)}/placement?memoryMiB=${Math.round(memoryMiB)}`, Placement);
  }

  async storages(cluster: string, content: "backup" | "rootdir"): Promise<StorageInfo[]> {
    return (await this.request("GET", `/api/clusters/${enc(cluster)}/storages?content=${content}`, shape({ storages: array(StorageInfo) }))).storages;
  }

  async backups(cluster: string, vmid: number): Promise<Backup[]> {
    return (await this.request("GET", `/api/clusters/${enc(cluster)}/guests/${vmid}/backups`, shape({ backups: array(Backup) }))).backups;
  }

  async storageBackups(cluster: string, node: string, storage: string): Promise<StoredBackup[]> {
    const path = `/api/clusters/${enc(cluster)}/nodes/${enc(node)}/storages/${enc(storage)}/backups`;
    return (await this.request("GET", path, shape({ backups: array(StoredBackup) }))).backups;
  }

  async snapshots(cluster: string, vmid: number): Promise<Snapshot[]> {
    return (await this.request("GET", `/api/clusters/${enc(cluster)}/guests/${vmid}/snapshots`, shape({ snapshots: array(Snapshot) }))).snapshots;
  }

  async secrets(operationId: string): Promise<Secret[]> {
    return (await this.request("GET", `/api/operations/${enc(operationId)}/secrets`, shape({ secrets: array(Secret) }))).secrets;
  }

  async clusters(): Promise<ClusterEntry[]> {
    return (await this.request("GET", "/api/clusters", shape({ clusters: array(ClusterEntry) }))).clusters;
  }

  probeCluster(url: string): Promise<Certificate> {
    return this.request("POST", "/api/clusters/probe", Certificate, { url });
  }

  async addCluster(cluster: { id: string; name: string; url: string; tokenId: string; secret: string; fingerprint: string }): Promise<void> {
    await this.request("POST", "/api/clusters", Created, cluster);
  }

  async removeCluster(id: string): Promise<void> {
    await this.request("DELETE", `/api/clusters/${enc(id)}`, Created);
  }

  async schedules(): Promise<Schedule[]> {
    return (await this.request("GET", "/api/backup-schedules", shape({ schedules: array(Schedule) }))).schedules;
  }

  async addSchedule(schedule: NewSchedule): Promise<void> {
    await this.request("POST", "/api/backup-schedules", Created, schedule);
  }

  async removeSchedule(id: string | number): Promise<void> {
    await this.request("DELETE", `/api/backup-schedules/${enc(String(id))}`, Created);
  }

  /** The newest `limit` audit entries, newest first (admins only). */
  audit(limit: number): Promise<AuditRecord[]> {
    return this.request("GET", `/api/audit?limit=${Math.round(limit)}`, array(AuditLine));
  }

  private async request<T>(method: string, path: string, struct: Struct<T, any>, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await this.fetchFn(`${this.httpUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError("The server cannot be reached.", 0, "unreachable");
    }
    const text = await response.text();
    let payload: unknown = null;
    if (text) {
      try {
        payload = JSON.parse(text);
      } catch {
        throw new ApiError(`The server answered HTTP ${response.status} with something that is not JSON.`, response.status, "bad_response");
      }
    }
    if (!response.ok) throw refusal(response.status, payload);
    const [error, value] = validate(payload, struct);
    if (error) throw new ApiError(`Unexpected answer from ${path.split("?")[0]} (${error.path.join(".") || "body"}: ${error.message}).`, response.status, "bad_response");
    return value;
  }
}

function refusal(status: number, payload: unknown): ApiError {
  const body = (payload ?? {}) as { code?: unknown; message?: unknown; fields?: unknown };
  const message = typeof body.message === "string" ? body.message : `The server refused the request (HTTP ${status}).`;
  const code = typeof body.code === "string" ? body.code : `http_${status}`;
  const fields: Record<string, string> = {};
  if (body.fields && typeof body.fields === "object") {
    for (const [field, text] of Object.entries(body.fields)) if (typeof text === "string") fields[field] = text;
  }
  return new ApiError(message, status, code, fields);
}

const enc = encodeURIComponent;
