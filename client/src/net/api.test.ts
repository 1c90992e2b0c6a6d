import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ApiError } from "./api.ts";

/** A real HTTP server on a real socket, answering like the Proximity API would (and like a broken one would). */
describe("ApiClient", () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method: string; path: string; auth: string | undefined; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, body });
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(value));
        };
        if (req.url === "/api/clusters/lab/placement?memoryMiB=2048") json(200, { node: "pve2", candidates: [{ node: "pve2", status: "online", freeMiB: 9000 }] });
        else if (req.url === "/api/operations/op-1/secrets") json(410, { code: "gone", message: "Already shown." });
        else if (req.url === "/api/clusters" && req.method === "POST") json(422, { code: "invalid", message: "Check the fields.", fields: { url: "Not reachable." } });
        else if (req.url === "/api/catalog") json(200, { apps: [{ id: "x" }], problems: [] });
        else if (req.url === "/api/backup-schedules/7" && req.method === "DELETE") {
          res.writeHead(204);
          res.end();
        } else json(404, { code: "not_found", message: "No such route." });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the session token and returns the checked answer", async () => {
    const api = new ApiClient(url, () => "tok");
    expect(await api.placement("lab", 2048)).toEqual({ node: "pve2", candidates: [{ node: "pve2", status: "online", freeMiB: 9000 }] });
    expect(seen.at(-1)).toMatchObject({ method: "GET", auth: "Bearer tok" });
    await api.removeSchedule(7);
    expect(seen.at(-1)).toMatchObject({ method: "DELETE", path: "/api/backup-schedules/7" });
  });

  it("turns refusals into ApiErrors with the server's message, code, status and field messages", async () => {
    const api = new ApiClient(url, () => undefined);
    await expect(api.secrets("op-1")).rejects.toMatchObject({ name: "ApiError", status: 410, code: "gone", message: "Already shown." });
    const error = await api.addCluster({ id: "lab", name: "Lab", url: "https://x", tokenId: "a@pve!b", secret: "s", fingerprint: "AA" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).fields).toEqual({ url: "Not reachable." });
    expect(JSON.parse(seen.at(-1)!.body)).toMatchObject({ id: "lab", fingerprint: "AA" });
  });

  it("rejects an answer of the wrong shape and an unreachable server with clear messages", async () => {
    await expect(new ApiClient(url, () => undefined).catalog()).rejects.toThrow(/Unexpected answer from \/api\/catalog \(apps/);
    const closed = new ApiClient("http://127.0.0.1:1", () => undefined);
    await expect(closed.catalog()).rejects.toMatchObject({ status: 0, message: "The server cannot be reached." });
  });
});
