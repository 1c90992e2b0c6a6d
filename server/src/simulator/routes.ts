/**
 * The API paths the simulator serves, each with its permission check (as declared in the official
 * schema) and handler. Parameter tables live in params.ts.
 */
import { createTicket, getClusterStatus, getClusterTasks, getNextId, getResources, getTicketDummy, getVersion } from "./handlers/cluster.ts";
import type { Handler } from "./handlers/context.ts";
import { currentStatus, listGuests, power, readConfig } from "./handlers/guests.ts";
import { getNodeStatus, getStorageStatus, listNodes, listStorageContent, listStorages } from "./handlers/nodes.ts";
import {
  backup,
  clone,
  createGuest,
  destroy,
  interfaces,
  migrate,
  ociPull,
  removeSnapshot,
  removeVolume,
  resize,
  rollback,
  snapshot,
  snapshots,
  writeConfig,
} from "./handlers/operations.ts";
import { listNodeTasks, stopTask, taskIndex, taskLog, taskStatus } from "./handlers/tasks.ts";
import { endpointParams, type HttpMethod, type ParamTable } from "./params.ts";
import type { GuestType } from "./state.ts";

export interface Permission {
  /** ACL path template, e.g. /vms/{vmid}. */
  path: string;
  privs: readonly string[];
  /** Any one of privs suffices (instead of all). */
  any?: boolean;
}

export interface Route {
  method: HttpMethod;
  path: string;
  segments: readonly string[];
  params: ParamTable;
  /** False only where PVE lets anonymous requests through (ticket endpoints). */
  auth: boolean;
  perm?: Permission;
  handler: Handler;
}

function route(method: HttpMethod, path: string, handler: Handler, extra: { perm?: Permission; auth?: boolean } = {}): Route {
  return { method, path, segments: path.split("/").filter(Boolean), params: endpointParams(method, path), auth: extra.auth ?? true, perm: extra.perm, handler };
}

const vmAudit: Permission = { path: "/vms/{vmid}", privs: ["VM.Audit"] };
const vmPower: Permission = { path: "/vms/{vmid}", privs: ["VM.PowerMgmt"] };
const storageAudit: Permission = { path: "/storage/{storage}", privs: ["Datastore.Audit", "Datastore.AllocateSpace"], any: true };
const vm = (...privs: string[]): Permission => ({ path: "/vms/{vmid}", privs });
const vmAny = (...privs: string[]): Permission => ({ path: "/vms/{vmid}", privs, any: true });

function guestRoutes(type: GuestType): Route[] {
  const base = `/nodes/{node}/${type}`;
  return [
    route("GET", base, listGuests(type)),
    route("GET", `${base}/{vmid}/status/current`, currentStatus(type), { perm: vmAudit }),
    route("GET", `${base}/{vmid}/config`, readConfig(type), { perm: vmAudit }),
    route("POST", `${base}/{vmid}/status/start`, power(type, "start"), { perm: vmPower }),
    route("POST", `${base}/{vmid}/status/stop`, power(type, "stop"), { perm: vmPower }),
    route("POST", `${base}/{vmid}/status/shutdown`, power(type, "shutdown"), { perm: vmPower }),
    route("POST", `${base}/{vmid}/status/reboot`, power(type, "reboot"), { perm: vmPower }),
    route("POST", base, createGuest(type), { perm: vm("VM.Allocate") }),
    route("PUT", `${base}/{vmid}/config`, writeConfig(type), {
      perm: vmAny("VM.Config.CPU", "VM.Config.Memory", "VM.Config.Options", "VM.Config.Disk", "VM.Config.Network"),
    }),
    route("PUT", `${base}/{vmid}/resize`, resize(type), { perm: vm("VM.Config.Disk") }),
    route("POST", `${base}/{vmid}/clone`, clone(type), { perm: vm("VM.Clone") }),
    route("POST", `${base}/{vmid}/migrate`, migrate(type), { perm: vm("VM.Migrate") }),
    route("DELETE", `${base}/{vmid}`, destroy(type), { perm: vm("VM.Allocate") }),
    route("GET", `${base}/{vmid}/snapshot`, snapshots(type), { perm: vmAudit }),
    route("POST", `${base}/{vmid}/snapshot`, snapshot(type), { perm: vm("VM.Snapshot") }),
    route("POST", `${base}/{vmid}/snapshot/{snapname}/rollback`, rollback(type), { perm: vmAny("VM.Snapshot", "VM.Snapshot.Rollback") }),
    route("DELETE", `${base}/{vmid}/snapshot/{snapname}`, removeSnapshot(type), { perm: vm("VM.Snapshot") }),
  ];
}

export const ROUTES: readonly Route[] = [
  route("GET", "/version", getVersion),
  route("GET", "/access/ticket", getTicketDummy, { auth: false }),
  route("POST", "/access/ticket", createTicket, { auth: false }),
  route("GET", "/cluster/resources", getResources),
  route("GET", "/cluster/status", getClusterStatus, { perm: { path: "/", privs: ["Sys.Audit"] } }),
  route("GET", "/cluster/nextid", getNextId),
  route("GET", "/cluster/tasks", getClusterTasks),
  route("GET", "/nodes", listNodes),
  route("GET", "/nodes/{node}/status", getNodeStatus, { perm: { path: "/nodes/{node}", privs: ["Sys.Audit"] } }),
  ...guestRoutes("lxc"),
  ...guestRoutes("qemu"),
  route("GET", "/nodes/{node}/tasks", listNodeTasks),
  route("GET", "/nodes/{node}/tasks/{upid}", taskIndex),
  route("DELETE", "/nodes/{node}/tasks/{upid}", stopTask),
  route("GET", "/nodes/{node}/tasks/{upid}/status", taskStatus),
  route("GET", "/nodes/{node}/tasks/{upid}/log", taskLog),
  route("GET", "/nodes/{node}/storage", listStorages),
  route("GET", "/nodes/{node}/storage/{storage}/status", getStorageStatus, { perm: storageAudit }),
  route("GET", "/nodes/{node}/storage/{storage}/content", listStorageContent, { perm: storageAudit }),
  route("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", removeVolume, {
    perm: { path: "/storage/{storage}", privs: ["Datastore.Allocate", "Datastore.AllocateSpace"], any: true },
  }),
  route("POST", "/nodes/{node}/storage/{storage}/oci-registry-pull", ociPull, { perm: { path: "/storage/{storage}", privs: ["Datastore.AllocateTemplate"] } }),
  route("GET", "/nodes/{node}/lxc/{vmid}/interfaces", interfaces, { perm: vmAudit }),
  route("POST", "/nodes/{node}/vzdump", backup, { perm: vm("VM.Backup") }),
];

export interface RouteMatch {
  route: Route;
  pathParams: Record<string, string>;
}

/** Matches decoded path segments; a path that exists for another method still counts as no match. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch | undefined {
  for (const r of ROUTES) {
    if (r.method !== method || r.segments.length !== segments.length) continue;
    const pathParams: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const pattern = r.segments[i] as string;
      const actual = segments[i] as string;
      if (pattern.startsWith("{")) pathParams[pattern.slice(1, -1)] = actual;
      else ok = pattern === actual;
    }
    if (ok) return { route: r, pathParams };
  }
  return undefined;
}

/** Fills an ACL path template from the raw (unvalidated) parameters, as PVE's permission check does. */
export function permissionPath(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ""));
}
