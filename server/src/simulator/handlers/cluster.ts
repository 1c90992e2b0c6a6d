/** /version, /access/ticket and the /cluster/* endpoints. */
import { paramError } from "../errors.ts";
import { PVE_VERSION, resourceNode, resourceStorage } from "../views.ts";
import { clusterTaskEntry } from "./tasks.ts";
import { optNum, optStr, str, type HandlerContext, type Reply } from "./context.ts";

export function getVersion(): Reply {
  return { data: { ...PVE_VERSION } };
}

/** GET /access/ticket is a dummy for formatters that render a login page. */
export function getTicketDummy(): Reply {
  return { data: null };
}

export function createTicket(ctx: HandlerContext): Reply {
  const login = { username: str(ctx, "username"), password: str(ctx, "password"), realm: optStr(ctx, "realm") };
  return { data: ctx.auth.login(login, ctx.cluster.name) };
}

export function getResources(ctx: HandlerContext): Reply {
  const type = optStr(ctx, "type");
  const { cluster } = ctx;
  const key = type ?? "all";
  const cached = cluster.resourceCache.get(key);
  if (cached?.generation === cluster.generation) return { json: cached.json };
  const parts = !type || type === "vm" ? cluster.guestResourceFragments() : [];
  const rest: unknown[] = [];
  if (!type || type === "node") for (const n of cluster.nodes.values()) rest.push(resourceNode(cluster, n));
  if (!type || type === "storage") {
    for (const n of cluster.nodes.values()) for (const s of n.storages) rest.push(resourceStorage(cluster, n, s));
  }
  if (!type || type === "sdn") {
    for (const n of cluster.nodes.values()) {
      rest.push({ id: `sdn/${n.name}/localnetwork`, type: "sdn", sdn: "localnetwork", node: n.name, status: cluster.isOnline(n.name) ? "ok" : "unknown" });
    }
  }
  for (const entry of rest) parts.push(JSON.stringify(entry));
  const json = `[${parts.join(",")}]`;
  cluster.resourceCache.set(key, { generation: cluster.generation, json });
  return { json };
}

export function getClusterStatus(ctx: HandlerContext): Reply {
  const { cluster } = ctx;
  const nodes = [...cluster.nodes.values()];
  const entries: unknown[] = [
    { type: "cluster", id: "cluster", name: cluster.name, nodes: nodes.length, version: nodes.length + 2, quorate: cluster.quorate() ? 1 : 0 },
  ];
  for (const n of nodes) {
    entries.push({ type: "node", id: `node/${n.name}`, name: n.name, nodeid: n.nodeid, ip: n.ip, level: "", local: n.nodeid === 1 ? 1 : 0, online: cluster.isOnline(n.name) ? 1 : 0 });
  }
  return { data: entries };
}

/** PVE returns the id as a string here (the Perl scalar is not numified). */
export function getNextId(ctx: HandlerContext): Reply {
  const wanted = optNum(ctx, "vmid");
  if (wanted !== undefined) {
    if (ctx.cluster.guests.has(wanted)) throw paramError({ vmid: `VM ${wanted} already exists` });
    return { data: String(wanted) };
  }
  return { data: String(ctx.cluster.nextFreeVmid()) };
}

/** Per node: its running tasks plus up to 25 most recently finished ones (RESTEnvironment $MAX_FINISHED). */
export function getClusterTasks(ctx: HandlerContext): Reply {
  const out = [];
  for (const name of ctx.cluster.nodes.keys()) {
    const { running, finished } = ctx.cluster.tasks.forNode(name);
    for (const t of [...running, ...finished.slice(0, 25)]) out.push(clusterTaskEntry(t));
  }
  out.sort((a, b) => Number(b.starttime) - Number(a.starttime));
  return { data: out };
}
