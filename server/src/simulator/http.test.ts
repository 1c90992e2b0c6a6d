import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "./index.ts";
import { call, data } from "./test-client.ts";

const AUTH_DELAY_MS = 60;
let clock = Date.now();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, taskSpeed: 0.05, authFailureDelayMs: AUTH_DELAY_MS, now: () => clock });
});
afterAll(() => sim?.close());

describe("envelope and headers", () => {
  it("answers with PVE's exact headers and a data envelope", async () => {
    const reply = await call(sim, "GET", "/version");
    expect(reply.status).toBe(200);
    expect(reply.reason).toBe("OK");
    expect(reply.headers["content-type"]).toBe("application/json;charset=UTF-8");
    expect(reply.headers.server).toBe("pve-api-daemon/3.0");
    expect(reply.headers["cache-control"]).toBe("max-age=0");
    expect(reply.headers.pragma).toBe("no-cache");
    expect(reply.headers.expires).toBe(reply.headers.date);
    expect(reply.headers.connection).toBe("Keep-Alive");
    expect(JSON.parse(reply.body)).toEqual({ data: { version: "9.1.5", release: "9.1", repoid: expect.stringMatching(/^[0-9a-f]{8,64}$/) } });
  });

  it("closes the connection on errors and uses the message's first line as reason", async () => {
    const reply = await call(sim, "GET", "/nodes/pve1/lxc/100/status/current/extra");
    expect(reply.status).toBe(501);
    expect(reply.reason).toBe("Method 'GET /nodes/pve1/lxc/100/status/current/extra' not implemented");
    expect(reply.headers.connection).toBe("close");
    expect(JSON.parse(reply.body)).toEqual({ data: null, message: "Method 'GET /nodes/pve1/lxc/100/status/current/extra' not implemented\n" });
  });

  it("gzips bodies over 1 KiB when the client accepts it", async () => {
    const reply = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      import("node:https").then(({ request }) => {
        const req = request(`${sim.url}/api2/json/cluster/resources`, {
          ca: sim.caPem,
          agent: false,
          headers: { Authorization: `PVEAPIToken=${sim.adminToken.tokenId}=${sim.adminToken.secret}`, "Accept-Encoding": "gzip" },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
        });
        req.on("error", reject);
        req.end();
      }, reject);
    });
    expect(reply.encoding).toBe("gzip");
    expect(JSON.parse(gunzipSync(reply.body).toString()).data.length).toBeGreaterThan(24);
  });

  it("refuses HEAD, chunked bodies and bodies on DELETE/GET with an empty 501", async () => {
    const head = await call(sim, "HEAD", "/version");
    expect([head.status, head.reason]).toEqual([501, "method 'HEAD' not available"]);
    const chunked = await call(sim, "POST", "/nodes/pve1/lxc/100/status/start", { body: "skiplock=0", chunked: true });
    expect([chunked.status, chunked.reason, chunked.body]).toEqual([501, "chunked transfer encoding not supported", ""]);
    const del = await call(sim, "DELETE", "/nodes/pve1/tasks/x", { body: "a=1" });
    expect([del.status, del.reason, del.body]).toEqual([501, "Unexpected content for method 'DELETE'", ""]);
    const get = await call(sim, "GET", "/version", { body: "a=1" });
    expect([get.status, get.reason]).toEqual([501, "Unexpected content for method 'GET'"]);
  });

  it("answers an unknown path outside /api2/json with 501", async () => {
    const reply = await call(sim, "GET", "/api2/xml/version", { rawPath: true });
    expect(reply.status).toBe(501);
  });
});

describe("robustness", () => {
  it("answers garbage with PVE-style errors and keeps serving", async () => {
    expect((await call(sim, "GET", "/nodes/%E0%A4%A/lxc")).status).toBe(400);
    const badJson = await call(sim, "POST", "/access/ticket", { token: null, body: "{nope", headers: { "Content-Type": "application/json" } });
    expect(badJson.status).toBe(400);
    const arrayJson = await call(sim, "POST", "/access/ticket", { token: null, json: ["root@pam"] });
    expect(arrayJson.status).toBe(400);
    const nested = await call(sim, "POST", "/access/ticket", { token: null, json: { username: { a: 1 }, password: [1] } });
    expect(JSON.parse(nested.body).errors).toEqual({ username: "type check ('string') failed - got HASH", password: "type check ('string') failed - got ARRAY" });
    const xml = await call(sim, "POST", "/access/ticket", { token: null, body: "<a/>", headers: { "Content-Type": "text/xml" } });
    expect(xml.status).toBe(400);
    const huge = await call(sim, "POST", "/access/ticket", { token: null, form: { username: "root@pam", password: "x".repeat(100_000) } });
    expect(huge.status).toBe(413);
    const weird = await call(sim, "GET", "/version", { token: null, headers: { Authorization: "PVEAPIToken=%%%" } });
    expect(weird.status).toBe(401);
    expect((await call(sim, "GET", "/version")).status).toBe(200);
  });
});

describe("authentication", () => {
  it("accepts the admin token, including a URI-escaped header", async () => {
    const escaped = `PVEAPIToken=${encodeURIComponent(`${sim.adminToken.tokenId}=${sim.adminToken.secret}`)}`;
    const reply = await call(sim, "GET", "/nodes", { token: null, headers: { Authorization: escaped } });
    expect(reply.status).toBe(200);
    const nodes = JSON.parse(reply.body).data as { node: string; ssl_fingerprint: string }[];
    expect(nodes.map((n) => n.node)).toEqual(["pve1", "pve2", "pve3"]);
    expect(nodes[0]?.ssl_fingerprint).toBe(sim.fingerprint);
  });

  it("answers missing and wrong credentials with an empty, delayed 401", async () => {
    const none = await call(sim, "GET", "/nodes", { token: null });
    expect([none.status, none.reason, none.body]).toEqual([401, "No ticket", ""]);
    expect(none.headers.connection).toBe("close");
    expect(none.elapsedMs).toBeGreaterThanOrEqual(AUTH_DELAY_MS - 5);
    const wrong = await call(sim, "GET", "/nodes", { token: { tokenId: sim.adminToken.tokenId, secret: "00000000-0000-4000-8000-000000000000" } });
    expect([wrong.status, wrong.reason, wrong.body]).toEqual([401, "Authentication failed!", ""]);
    const unknownPath = await call(sim, "GET", "/does/not/exist", { token: null });
    expect(unknownPath.status).toBe(401);
  });

  it("lets the auditor read but not act (403 with a JSON body)", async () => {
    const auditor = sim.auditorToken;
    expect(await data(sim, "GET", "/cluster/status", { token: auditor })).toHaveLength(4);
    const [guest] = sim.model.listGuests().filter((g) => g.node === "pve1");
    const path = `/nodes/pve1/${guest!.type}/${guest!.vmid}/status/start`;
    const reply = await call(sim, "POST", path, { token: auditor });
    expect(reply.status).toBe(403);
    expect(reply.reason).toBe(`Permission check failed (/vms/${guest!.vmid}, VM.PowerMgmt)`);
    expect(JSON.parse(reply.body)).toEqual({ data: null, message: `Permission check failed (/vms/${guest!.vmid}, VM.PowerMgmt)\n` });
    expect(reply.elapsedMs).toBeLessThan(AUTH_DELAY_MS + 1000);
  });

  it("logs in with a ticket, enforces CSRF on writes and expires tickets after 2 h", async () => {
    const login = await data<{ ticket: string; CSRFPreventionToken: string; username: string; clustername: string }>(
      sim, "POST", "/access/ticket", { token: null, form: { username: "root@pam", password: sim.rootPassword } },
    );
    expect(login.username).toBe("root@pam");
    expect(login.clustername).toBe("lab");
    expect(login.ticket).toMatch(/^PVE:root@pam:[0-9A-F]{8}::[A-Za-z0-9+/]+=*$/);
    expect(login.CSRFPreventionToken).toMatch(/^[0-9A-F]{8}:[A-Za-z0-9+/]{43}$/);
    const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(login.ticket)}` };
    expect((await call(sim, "GET", "/cluster/resources?type=node", { token: null, headers: cookie })).status).toBe(200);
    expect((await call(sim, "GET", "/version", { token: null, headers: { Authorization: `PVEAuthCookie=${login.ticket}` } })).status).toBe(200);

    const running = sim.model.listGuests().find((g) => g.node === "pve1" && g.type === "lxc" && g.status === "running")!;
    const path = `/nodes/pve1/lxc/${running.vmid}/status/start`;
    const noCsrf = await call(sim, "POST", path, { token: null, headers: cookie });
    expect([noCsrf.status, noCsrf.reason, noCsrf.body]).toEqual([401, "Permission denied - invalid csrf token", ""]);
    const withCsrf = await call(sim, "POST", path, { token: null, headers: { ...cookie, CSRFPreventionToken: login.CSRFPreventionToken } });
    expect([withCsrf.status, withCsrf.reason]).toEqual([500, `CT ${running.vmid} already running`]);

    const renewed = await data<{ ticket: string }>(sim, "POST", "/access/ticket", { token: null, form: { username: "root@pam", password: login.ticket } });
    expect(renewed.ticket).toMatch(/^PVE:root@pam:/);

    clock += 2 * 3600 * 1000 + 1000;
    try {
      const expired = await call(sim, "GET", "/version", { token: null, headers: cookie });
      expect([expired.status, expired.reason]).toEqual([401, "Authentication failed!"]);
    } finally {
      clock -= 2 * 3600 * 1000 + 1000;
    }
  });

  it("answers a wrong password with a delayed 401 that has a JSON body", async () => {
    const reply = await call(sim, "POST", "/access/ticket", { token: null, form: { username: "root@pam", password: "nope" } });
    expect([reply.status, reply.reason]).toEqual([401, "authentication failure"]);
    expect(JSON.parse(reply.body)).toEqual({ data: null, message: "authentication failure\n" });
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(AUTH_DELAY_MS - 5);
  });

  it("serves the dummy GET /access/ticket without credentials", async () => {
    expect(await data(sim, "GET", "/access/ticket", { token: null })).toBeNull();
  });
});

describe("parameter verification", () => {
  async function errorsOf(method: string, path: string, opts: Parameters<typeof call>[3] = {}) {
    const reply = await call(sim, method, path, opts);
    expect([reply.status, reply.reason]).toEqual([400, "Parameter verification failed."]);
    const body = JSON.parse(reply.body) as { data: null; message: string; errors: Record<string, string> };
    expect(body.message).toBe("Parameter verification failed.\n");
    return body.errors;
  }

  it("reports type, range, enum, format, unknown and missing parameters", async () => {
    expect(await errorsOf("GET", "/nodes/pve1/lxc/abc/status/current")).toEqual({ vmid: "type check ('integer') failed - got 'abc'" });
    expect(await errorsOf("GET", "/cluster/resources?type=vms&foo=1")).toEqual({
      type: "value 'vms' does not have a value in the enumeration 'vm, storage, node, sdn'",
      foo: "property is not defined in schema and the schema does not allow additional properties",
    });
    expect(await errorsOf("GET", "/nodes/pve1/tasks?limit=-1&start=x")).toEqual({
      limit: "value must have a minimum value of 0",
      start: "type check ('integer') failed - got 'x'",
    });
    expect(await errorsOf("GET", "/cluster/nextid?vmid=99")).toEqual({ vmid: "invalid format - value does not look like a valid VM ID\n" });
    expect(await errorsOf("POST", "/access/ticket", { token: null, form: { username: "root@pam" } })).toEqual({
      password: "property is missing and it is not optional",
    });
  });

  it("accepts form booleans only as 0/1 but JSON booleans as true/false", async () => {
    const running = sim.model.listGuests().find((g) => g.node === "pve1" && g.type === "lxc" && g.status === "running")!;
    const path = `/nodes/pve1/lxc/${running.vmid}/status/shutdown`;
    expect(await errorsOf("POST", path, { form: { forceStop: "true" } })).toEqual({ forceStop: "type check ('boolean') failed - got 'true'" });
    const viaJson = await call(sim, "POST", `/nodes/pve1/lxc/${running.vmid}/status/start`, { json: { skiplock: false } });
    expect([viaJson.status, viaJson.reason]).toEqual([500, `CT ${running.vmid} already running`]);
  });

  it("only lets root@pam (not its token) use skiplock", async () => {
    const stopped = sim.model.createGuest({ type: "lxc", node: "pve1", name: "skiplock-probe" });
    expect(await errorsOf("POST", `/nodes/pve1/lxc/${stopped.vmid}/status/start`, { form: { skiplock: 1 } })).toEqual({
      skiplock: "Only root may use this option.",
    });
  });

  it("rejects a body parameter contradicting the path and ignores _dc", async () => {
    expect(await errorsOf("POST", "/nodes/pve1/lxc/100/status/start", { form: { node: "pve2" } })).toEqual({
      node: "duplicate parameter (already defined in URI) with conflicting values!",
    });
    expect((await call(sim, "GET", "/version?_dc=1712345678")).status).toBe(200);
  });

  it("reports an existing vmid on /cluster/nextid and returns the free id as a string", async () => {
    expect(await errorsOf("GET", "/cluster/nextid?vmid=100")).toEqual({ vmid: "VM 100 already exists" });
    expect(await data(sim, "GET", "/cluster/nextid?vmid=99999")).toBe("99999");
    expect(typeof (await data(sim, "GET", "/cluster/nextid"))).toBe("string");
  });
});
