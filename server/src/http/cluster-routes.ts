import type { Express, Request } from "express";
import { object, pattern, refine, size, string } from "superstruct";
import { ClusterId } from "../../../shared/src/commands.ts";
import type { AuthService } from "../auth/service.ts";
import type { ClusterManager } from "../clusters/manager.ts";
import { probeCertificate, ProbeError } from "../clusters/probe.ts";
import { appendAudit } from "../db/audit.ts";
import { listClusterSummaries } from "../db/clusters.ts";
import type { Sql } from "../db/sql.ts";
import { normalizeFingerprint } from "../proxmox/index.ts";
import { requireRole, type AuthedRequest } from "./require-role.ts";
import { parseOr400, sendRejection } from "./respond.ts";

const HttpsUrl = refine(size(string(), 8, 512), "https URL", (value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" && url.pathname.replace(/\/+$/, "") === "") || "Expected https://HOST[:PORT] with no path";
  } catch {
    return "Expected a URL such as https://pve.example.com:8006";
  }
});
const Slug = pattern(ClusterId, /^[a-z0-9][a-z0-9-]*$/);
const ProbeRequest = object({ url: HttpsUrl });
const NewClusterRequest = object({
  id: Slug,
  name: size(string(), 1, 100),
  url: HttpsUrl,
  /** USER@REALM!TOKENID, as Proxmox shows it when the token is created. */
  tokenId: pattern(size(string(), 3, 256), /^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/),
  secret: size(string(), 1, 256),
  fingerprint: pattern(string(), /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/),
});

/** Admins add, test and remove Proxmox connections; the fingerprint is shown to them before it is pinned. */
export function registerClusterRoutes(app: Express, sql: Sql, clusters: ClusterManager, auth: AuthService, now: () => Date): void {
  const admin = requireRole(auth, "admin");

  app.get("/api/clusters", admin, async (_req, res) => {
    const rows = await listClusterSummaries(sql);
    res.json({
      clusters: rows.map((c) => ({ id: c.id, name: c.name, url: c.apiUrl, tokenId: c.authUser, fingerprint: c.fingerprint, status: c.status, lastError: c.lastError })),
    });
  });

  app.post("/api/clusters/probe", admin, async (req, res) => {
    const body = parseOr400(res, ProbeRequest, req.body);
    if (!body) return;
    try {
      res.json(await probeCertificate(new URL(body.url)));
    } catch (error) {
      if (!(error instanceof ProbeError)) throw error;
      sendRejection(res, { code: "cluster_offline", message: error.message });
    }
  });

  app.post("/api/clusters", admin, async (req, res) => {
    const body = parseOr400(res, NewClusterRequest, req.body);
    if (!body) return;
    const actor = (req as unknown as AuthedRequest).actor;
    const result = await clusters.add({
      id: body.id,
      name: body.name,
      apiUrl: body.url,
      authKind: "token",
      authUser: body.tokenId,
      authSecret: body.secret,
      fingerprint: normalizeFingerprint(body.fingerprint),
    });
    await appendAudit(sql, { actor: actor.name, action: "cluster.add", target: body.id, outcome: result.ok ? "succeeded" : "failed", detail: result.ok ? { url: body.url } : { url: body.url, error: result.message } }, now());
    if (!result.ok) return sendRejection(res, { code: "invalid_state", message: result.message });
    res.status(201).json({ id: body.id, version: result.version });
  });

  app.delete("/api/clusters/:id", admin, async (req: Request<{ id: string }>, res) => {
    const id = parseOr400(res, Slug, req.params.id);
    if (id === null) return;
    const removed = await clusters.remove(id);
    const actor = (req as unknown as AuthedRequest).actor;
    await appendAudit(sql, { actor: actor.name, action: "cluster.remove", target: id, outcome: removed ? "succeeded" : "failed", detail: {} }, now());
    if (!removed) return sendRejection(res, { code: "not_found", message: `No cluster ${id}.` });
    res.status(204).end();
  });
}
