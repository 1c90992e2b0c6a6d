import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient, type ProxmoxLogger } from "./client.ts";
import { ProxmoxError } from "./errors.ts";
import { json, makeCertificates, startTestServer, type TestCertificates, type TestServer } from "./https-fixture.ts";
import { normalizeFingerprint, resolveTlsMode, type ProxmoxTls } from "./tls.ts";

const VERSION = { version: "9.1.2", release: "9.1", repoid: "0123abcd" };
const auth = { kind: "token", tokenId: "root@pam!proximity", secret: "9f1c2d3e-aaaa-bbbb-cccc-000000000001" } as const;

let certs: TestCertificates;
let otherCerts: TestCertificates;
let server: TestServer;

beforeAll(async () => {
  [certs, otherCerts] = await Promise.all([makeCertificates(), makeCertificates()]);
  server = await startTestServer(certs, () => json(VERSION));
});
afterAll(() => server.close());

function clientFor(tls: ProxmoxTls, url = server.url, logger?: ProxmoxLogger) {
  return new ProxmoxClient({ baseUrl: url, auth, tls, timeoutMs: 5_000 }, { logger, retryDelaysMs: [] });
}

async function failure(promise: Promise<unknown>): Promise<ProxmoxError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProxmoxError);
  return error as ProxmoxError;
}

describe("certificate pinning", () => {
  it("accepts the pinned leaf in any spelling, whatever the hostname", async () => {
    const spelled = certs.fingerprint.replace(/:/g, "").toLowerCase();
    const client = clientFor({ fingerprint: spelled }, server.url.replace("127.0.0.1", "localhost"));
    await expect(client.version()).resolves.toEqual(VERSION);
    await client.close();
  });

  it("drops the connection on a mismatch before sending anything", async () => {
    const before = { requests: server.requests.length, handshakes: server.handshakes() };
    const client = clientFor({ fingerprint: otherCerts.fingerprint });
    const error = await failure(client.version());
    expect(error).toMatchObject({ kind: "tls", status: 0, method: "GET", path: "/version", retriable: false });
    expect(error.message).toContain(`does not match the pinned ${otherCerts.fingerprint}`);
    expect(error.message).toContain(certs.fingerprint);
    expect(server.requests.length).toBe(before.requests);
    await client.close();
  });
});

describe("CA verification", () => {
  it("trusts a leaf signed by the given CA", async () => {
    const client = clientFor({ caPem: certs.caPem });
    await expect(client.version()).resolves.toEqual(VERSION);
    await client.close();
  });

  it("refuses a leaf from another CA", async () => {
    const client = clientFor({ caPem: otherCerts.caPem });
    const error = await failure(client.version());
    expect(error.kind).toBe("tls");
    expect(error.message).toMatch(/TLS verification failed/);
    await client.close();
  });

  it("checks the hostname against the certificate", async () => {
    const client = clientFor({ caPem: certs.caPem }, server.url.replace("127.0.0.1", "localhost"));
    expect((await failure(client.version())).kind).toBe("tls");
    await client.close();
  });

  it("uses the system CAs when nothing is configured, which a PVE self-signed cert fails", async () => {
    const client = clientFor({});
    expect((await failure(client.version())).kind).toBe("tls");
    await client.close();
  });
});

describe("insecure opt-in", () => {
  it("works and warns once per client, without credentials in the log", async () => {
    const warnings: Array<{ obj: object; msg: string }> = [];
    const client = clientFor({ insecure: true }, server.url, { warn: (obj, msg) => warnings.push({ obj, msg }) });
    await client.version();
    await client.version();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/TLS VERIFICATION DISABLED/);
    expect(JSON.stringify(warnings)).not.toContain(auth.secret);
    await client.close();
  });
});

describe("TLS settings", () => {
  it("normalises fingerprints to upper-case colon hex", () => {
    expect(normalizeFingerprint(` ${"ab".repeat(32)} `)).toBe(Array(32).fill("AB").join(":"));
    expect(() => normalizeFingerprint("AB:CD")).toThrow(/SHA-256 fingerprint/);
  });

  it("wants exactly one way of trusting the server", () => {
    expect(() => resolveTlsMode({ fingerprint: certs.fingerprint, caPem: certs.caPem })).toThrow(/only one of/);
    expect(() => resolveTlsMode({ insecure: true, fingerprint: certs.fingerprint })).toThrow(/only one of/);
    expect(() => resolveTlsMode({ caPem: "not a pem" })).toThrow(/PEM certificate/);
    expect(resolveTlsMode({ insecure: false })).toEqual({ kind: "system" });
  });
});
