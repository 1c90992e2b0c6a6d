/**
 * Certificates shaped like a PVE cluster's: a cluster CA (pve-root-ca.pem) and a node certificate
 * signed by it (pve-ssl.pem), see pve-cluster src/PVE/Cluster/Setup.pm. RSA key generation is the
 * slow part, so the pair is generated once per process and host and then reused.
 */
import { X509Certificate, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";

export interface SimulatorTls {
  key: string;
  cert: string;
  caPem: string;
  caKey: string;
  /** SHA-256 of the leaf, upper-case colon hex (as PVE's ssl_fingerprint). */
  fingerprint: string;
}

const cache = new Map<string, Promise<SimulatorTls>>();

export function simulatorTls(host: string): Promise<SimulatorTls> {
  let pending = cache.get(host);
  if (!pending) {
    pending = generateTls(host);
    cache.set(host, pending);
    pending.catch(() => cache.delete(host));
  }
  return pending;
}

async function generateTls(host: string): Promise<SimulatorTls> {
  const now = new Date();
  const caUntil = new Date(now);
  caUntil.setFullYear(caUntil.getFullYear() + 10);
  const ca = await generate(
    [
      { name: "commonName", value: "Proxmox Virtual Environment" },
      { shortName: "OU", value: randomUUID() },
      { name: "organizationName", value: "PVE Cluster Manager CA" },
    ],
    {
      keySize: 2048,
      algorithm: "sha256",
      notBeforeDate: now,
      notAfterDate: caUntil,
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
  );
  const leafUntil = new Date(now);
  leafUntil.setFullYear(leafUntil.getFullYear() + 2);
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 7, ip: "127.0.0.1" },
    { type: 7, ip: "::1" },
    { type: 2, value: "localhost" },
    { type: 2, value: "pve1" },
    { type: 2, value: "pve1.lab.local" },
  ];
  if (isIP(host) && host !== "127.0.0.1" && host !== "::1" && host !== "0.0.0.0" && host !== "::") altNames.push({ type: 7, ip: host });
  else if (!isIP(host) && host !== "localhost") altNames.push({ type: 2, value: host });
  const leaf = await generate(
    [
      { shortName: "OU", value: "PVE Cluster Node" },
      { name: "organizationName", value: "Proxmox Virtual Environment" },
      { name: "commonName", value: "pve1.lab.local" },
    ],
    {
      keySize: 2048,
      algorithm: "sha256",
      notBeforeDate: now,
      notAfterDate: leafUntil,
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, nonRepudiation: true, keyEncipherment: true, dataEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames },
      ],
    },
  );
  return {
    key: leaf.private,
    cert: leaf.cert,
    caPem: ca.cert,
    caKey: ca.private,
    fingerprint: new X509Certificate(leaf.cert).fingerprint256,
  };
}
