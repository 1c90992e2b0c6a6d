import { connect, type PeerCertificate } from "node:tls";

export interface CertificateFacts {
  /** SHA-256 fingerprint, colon-separated upper-case hex, as Proxmox shows it. */
  fingerprint: string;
  subject: string;
  issuer: string;
  validTo: string;
}

export class ProbeError extends Error {}

const PROBE_TIMEOUT_MS = 8_000;

/**
 * Reads the certificate a Proxmox host presents, without trusting it: the user compares the fingerprint
 * with the one the node shows (Datacenter → node → Certificates) before Proximity pins it.
 */
export function probeCertificate(url: URL, timeoutMs = PROBE_TIMEOUT_MS): Promise<CertificateFacts> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: url.hostname,
      port: Number(url.port || 8006),
      servername: /^[\d.]+$|:/.test(url.hostname) ? undefined : url.hostname,
      rejectUnauthorized: false,
    });
    const fail = (message: string) => {
      socket.destroy();
      reject(new ProbeError(message));
    };
    socket.setTimeout(timeoutMs, () => fail(`No TLS answer from ${url.host} within ${timeoutMs / 1000} s.`));
    socket.once("error", (error) => fail(`Cannot reach ${url.host}: ${error.message}`));
    socket.once("secureConnect", () => {
      const cert: PeerCertificate = socket.getPeerCertificate();
      socket.end();
      if (!cert || !cert.fingerprint256) return fail(`${url.host} presented no certificate.`);
      resolve({ fingerprint: cert.fingerprint256, subject: describe(cert.subject), issuer: describe(cert.issuer), validTo: cert.valid_to });
    });
  });
}

function describe(name: PeerCertificate["subject"] | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
    .join(", ");
}
