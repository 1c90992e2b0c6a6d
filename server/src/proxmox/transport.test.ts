import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "./client.ts";
import { ProxmoxError } from "./errors.ts";
import { json, makeCertificates, startTestServer, type Reply, type RecordedRequest, type TestServer } from "./https-fixture.ts";

// A local HTTPS server stands in for PVE only where the simulator is meant to be faithful and so never
// misbehaves: junk replies, old-style error bodies, and exact wire details.

const secret = "9f1c2d3e-aaaa-bbbb-cccc-000000000002";
const auth = { kind: "token", tokenId: "root@pam!proximity", secret } as const;

let server: TestServer;
let answer: (request: RecordedRequest) => Reply = () => json(null);
let fingerprint: string;
const clients: ProxmoxClient[] = [];

beforeAll(async () => {
  const certs = await makeCertificates();
  fingerprint = certs.fingerprint;
  server = await startTestServer(certs, (request) => answer(request));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  server.requests.length = 0;
});
afterAll(() => server.close());

function client(timeoutMs = 2_000) {
  const created = new ProxmoxClient(
    { baseUrl: `${server.url}/`, auth, tls: { fingerprint }, timeoutMs },
    { retryDelaysMs: [5, 5] },
  );
  clients.push(created);
  return created;
}

async function failure(promise: Promise<unknown>): Promise<ProxmoxError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProxmoxError);
  expect((error as Error).message).not.toContain(secret);
  return error as ProxmoxError;
}

describe("wire format", () => {
  it("sends GET and DELETE parameters in the query and never a body", async () => {
    answer = () => json([]);
    await client().storageContent("pve 1", "local", { content: "backup" });
    await client().request("DELETE", "/nodes/pve1/tasks/x", { force: true });
    const [get, del] = server.requests;
    expect(get).toMatchObject({ method: "GET", url: "/api2/json/nodes/pve%201/storage/local/content?content=backup", body: "" });
    expect(del).toMatchObject({ method: "DELETE", url: "/api2/json/nodes/pve1/tasks/x?force=1", body: "" });
    for (const request of [get!, del!]) {
      expect(request.headers["content-length"]).toBeUndefined();
      expect(request.headers["transfer-encoding"]).toBeUndefined();
    }
    expect(get!.headers.authorization).toBe(`PVEAPIToken=root@pam!proximity=${secret}`);
  });

  it("sends POST parameters as a form with a Content-Length and booleans as 1/0", async () => {
    answer = () => json("UPID:pve1:0003A2F1:01B2C3D4:6790A1B5:vzstart:100:root@pam!proximity:");
    await client().guestPowerAction("pve1", "lxc", 100, "start", { debug: false, skiplock: true });
    const [post] = server.requests;
    expect(post).toMatchObject({ method: "POST", url: "/api2/json/nodes/pve1/lxc/100/status/start", body: "debug=0&skiplock=1" });
    expect(post!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(post!.headers["content-length"]).toBe("18");
    expect(post!.headers["transfer-encoding"]).toBeUndefined();
  });
});

describe("malformed replies", () => {
  it.each([
    ["not JSON", { body: "<html>oops</html>" }, /reply is not JSON/],
    ["no envelope", { body: JSON.stringify({ version: "9.1" }) }, /no "data" envelope/],
    ["wrong types", json({ version: "9.1.2", release: "9.1", repoid: ["x"] }), /malformed reply: at repoid: Expected a string/],
    ["missing field", json({ version: "9.1.2", release: "9.1" }), /at repoid: Expected a string, but received: undefined/],
    ["null data", json(null), /malformed reply: Expected an object/],
  ])("%s → kind protocol", async (_name, reply, message) => {
    answer = () => reply;
    const error = await failure(client().version());
    expect(error).toMatchObject({ kind: "protocol", method: "GET", path: "/version", retriable: false });
    expect(error.message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it("checks list items and the total", async () => {
    answer = () => json([{ n: 1, t: "ok" }, { n: "two", t: "x" }], { total: 2 });
    expect((await failure(client().taskLog("pve1", "UPID:x", 0, 50))).message).toMatch(/at 1\.n: Expected an integer/);
    answer = () => json([{ n: 1, t: "ok" }]);
    expect((await failure(client().taskLog("pve1", "UPID:x"))).message).toMatch(/no "total"/);
  });

  it("wants a UPID back from a power action", async () => {
    answer = () => json(null);
    const error = await failure(client().guestPowerAction("pve1", "qemu", 100, "stop"));
    expect(error).toMatchObject({ kind: "protocol", method: "POST" });
    expect(server.requests).toHaveLength(1);
  });

  it("hands raw data through request()", async () => {
    answer = () => json({ anything: [1, "2"] });
    await expect(client().request("GET", "/cluster/options")).resolves.toEqual({ anything: [1, "2"] });
  });
});

describe("error replies", () => {
  it("reads message and errors from the body and the reason phrase from the status line", async () => {
    answer = () => ({
      status: 400,
      reason: "Parameter verification failed.",
      body: JSON.stringify({ data: null, message: "Parameter verification failed.\n", errors: { vmid: "type check ('integer') failed - got 'x'\n" } }),
    });
    const error = await failure(client().request("POST", "/nodes/pve1/lxc", { vmid: "x" }));
    expect(error).toMatchObject({
      kind: "validation",
      status: 400,
      reason: "Parameter verification failed.",
      pveMessage: "Parameter verification failed.",
      errors: { vmid: "type check ('integer') failed - got 'x'" },
    });
  });

  it("falls back to the reason phrase for servers before libpve-http-server 5.2", async () => {
    answer = () => ({ status: 500, reason: "CT 100 already running", body: JSON.stringify({ data: null }) });
    const error = await failure(client().guestPowerAction("pve1", "lxc", 100, "start"));
    expect(error).toMatchObject({ kind: "conflict", status: 500, pveMessage: "", reason: "CT 100 already running" });
    expect(error.message).toBe("PVE 500 POST /nodes/pve1/lxc/100/status/start: CT 100 already running");
  });
});

describe("retries", () => {
  it("retries a GET on a transient failure", async () => {
    let calls = 0;
    answer = () => (++calls < 3 ? { status: 503, reason: "Service Unavailable" } : json({ version: "9.1.2", release: "9.1", repoid: "0a" }));
    await expect(client().version()).resolves.toMatchObject({ version: "9.1.2" });
    expect(server.requests).toHaveLength(3);
  });

  it("gives up on a GET after the configured retries", async () => {
    answer = () => ({ status: 596, reason: "Connection timed out" });
    const error = await failure(client().nodeStatus("pve2"));
    expect(error).toMatchObject({ kind: "unreachable", status: 596, retriable: true });
    expect(server.requests).toHaveLength(3);
  });

  it("never repeats a write", async () => {
    answer = () => ({ status: 503, reason: "Service Unavailable" });
    expect((await failure(client().stopTask("pve1", "UPID:x"))).kind).toBe("server");
    expect((await failure(client().request("PUT", "/nodes/pve1/lxc/100/config", { memory: 512 }))).retriable).toBe(false);
    expect(server.requests).toHaveLength(2);
  });

  it("does not repeat a timed-out POST", async () => {
    answer = () => ({ hang: true });
    const error = await failure(client(200).guestPowerAction("pve1", "lxc", 100, "start"));
    expect(error).toMatchObject({ kind: "timeout", status: 0, retriable: false });
    expect(error.message).toBe("PVE POST /nodes/pve1/lxc/100/status/start: no reply within 200 ms");
    expect(server.requests).toHaveLength(1);
  });
});

describe("cancellation", () => {
  it("rejects with the caller's abort reason and does not retry", async () => {
    answer = () => ({ hang: true });
    const controller = new AbortController();
    const pending = client().version({ signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    controller.abort(new Error("user went away"));
    await expect(pending).rejects.toThrow("user went away");
    expect(server.requests).toHaveLength(1);
  });

  it("uses the per-call timeout over the connection default", async () => {
    answer = () => ({ hang: true });
    const error = await failure(client(5_000).version({ timeoutMs: 100 }));
    expect(error).toMatchObject({ kind: "timeout", retriable: true });
    expect(server.requests).toHaveLength(3);
  });
});

describe("ticket sessions", () => {
  const password = "correct horse battery staple";
  let issued = 0;
  const ticketFor = (n: number) => `PVE:root@pam:6790A1B${n}::c2lnbmF0dXJl${n}+/==`;

  function ticketClient(now: () => number) {
    const created = new ProxmoxClient(
      { baseUrl: server.url, auth: { kind: "ticket", username: "root@pam", password }, tls: { fingerprint } },
      { now, retryDelaysMs: [] },
    );
    clients.push(created);
    return created;
  }

  function issuing(accept: (request: RecordedRequest) => boolean) {
    issued = 0;
    return (request: RecordedRequest): Reply => {
      if (request.url === "/api2/json/access/ticket") {
        issued++;
        return json({ username: "root@pam", ticket: ticketFor(issued), CSRFPreventionToken: `6790A1B${issued}:csrf${issued}` });
      }
      return accept(request) ? json(null) : { status: 401, reason: "Authentication failed!" };
    };
  }

  it("sends the cookie, adds CSRF on writes and renews with the ticket as password after an hour", async () => {
    answer = issuing(() => true);
    let clock = 0;
    const session = ticketClient(() => clock);
    await session.request("GET", "/nodes");
    await session.request("POST", "/nodes/pve1/lxc/100/status/start");
    clock += 3_600_000;
    await session.request("GET", "/nodes");
    const [login, get, post, renew, after] = server.requests;
    expect(login!.body).toBe(new URLSearchParams({ username: "root@pam", password }).toString());
    expect(get!.headers.cookie).toBe(`PVEAuthCookie=${ticketFor(1)}`);
    expect(get!.headers.csrfpreventiontoken).toBeUndefined();
    expect(post!.headers.csrfpreventiontoken).toBe("6790A1B1:csrf1");
    expect(renew!.body).toBe(new URLSearchParams({ username: "root@pam", password: ticketFor(1) }).toString());
    expect(after!.headers.cookie).toBe(`PVEAuthCookie=${ticketFor(2)}`);
  });

  it("shares one login between concurrent requests", async () => {
    answer = issuing(() => true);
    const session = ticketClient(Date.now);
    await Promise.all([session.request("GET", "/nodes"), session.request("GET", "/version"), session.request("GET", "/cluster/status")]);
    expect(issued).toBe(1);
  });

  it("logs in once more after a 401 and then reports the 401", async () => {
    answer = issuing(() => false);
    const error = await failure(ticketClient(Date.now).request("POST", "/nodes/pve1/lxc/100/status/start"));
    expect(error).toMatchObject({ status: 401, kind: "auth", reason: "Authentication failed!", method: "POST" });
    expect(issued).toBe(2);
    expect(server.requests.map((r) => r.url.replace("/api2/json", ""))).toEqual([
      "/access/ticket",
      "/nodes/pve1/lxc/100/status/start",
      "/access/ticket",
      "/nodes/pve1/lxc/100/status/start",
    ]);
    expect(error.message).not.toContain(password);
  });

  it("refuses a second factor it cannot provide", async () => {
    answer = () => json({ username: "root@pam", ticket: "PVE:!tfa!x", CSRFPreventionToken: "x", NeedTFA: 1 });
    const error = await failure(ticketClient(Date.now).request("GET", "/nodes"));
    expect(error).toMatchObject({ kind: "auth", path: "/access/ticket" });
    expect(error.message).toMatch(/second factor/);
  });
});

describe("bad input", () => {
  it("refuses unsafe paths, bad VMIDs and bad settings before sending", async () => {
    await expect(client().request("GET", "/nodes/../access")).rejects.toThrow(TypeError);
    await expect(client().guestStatus("pve1", "lxc", 5)).rejects.toThrow(/vmid must be an integer/);
    await expect(client().listGuests("pve1", "docker" as "lxc")).rejects.toThrow(/guest type/);
    expect(() => new ProxmoxClient({ baseUrl: "http://pve:8006", auth, tls: {} })).toThrow(/https/);
    expect(() => new ProxmoxClient({ baseUrl: server.url, auth: { ...auth, tokenId: "root" }, tls: {} })).toThrow(/tokenId/);
    expect(server.requests).toHaveLength(0);
  });
});
