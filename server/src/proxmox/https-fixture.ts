import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

// Test support only: a real HTTPS server for what the PVE simulator is meant never to do (junk replies)
// and for certificate checks that need certificates of our own choosing.

export interface TestCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
  /** SHA-256 of the leaf, upper-case colon hex. */
  fingerprint: string;
}

/** A CA and a leaf it signed for 127.0.0.1 (and `altName`, if given). */
export async function makeCertificates(altName?: string): Promise<TestCertificates> {
  const ca = await generate([{ name: "commonName", value: "Proximity Test CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "pve-test" }], {
    keyType: "ec",
    algorithm: "sha256",
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [{ type: 7, ip: "127.0.0.1" }, ...(altName ? [{ type: 2 as const, value: altName }] : [])],
      },
    ],
  });
  return {
    caPem: ca.cert,
    certPem: leaf.cert,
    keyPem: leaf.private,
    fingerprint: new X509Certificate(leaf.cert).fingerprint256,
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Reply {
  status?: number;
  reason?: string;
  body?: string;
  /** Never answer (to provoke client timeouts). */
  hang?: boolean;
}

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** TLS handshakes completed, whether or not a request followed. */
  handshakes: () => number;
  close(): Promise<void>;
}

export async function startTestServer(
  certificates: TestCertificates,
  reply: (request: RecordedRequest) => Reply,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  let handshakes = 0;
  const server: Server = createServer({ key: certificates.keyPem, cert: certificates.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(recorded);
      const answer = reply(recorded);
      if (answer.hang) return;
      res.writeHead(answer.status ?? 200, answer.reason ?? "OK", { "content-type": "application/json;charset=UTF-8" });
      res.end(answer.body ?? "");
    });
  });
  server.on("secureConnection", () => handshakes++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    handshakes: () => handshakes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(data: unknown, extra: Record<string, unknown> = {}): Reply {
  return { body: JSON.stringify({ data, ...extra }) };
}
