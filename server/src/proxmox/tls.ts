import type { TLSSocket } from "node:tls";
import { Agent, buildConnector } from "undici";

export interface ProxmoxTls {
  /** SHA-256 of the node's leaf certificate (PVE's `ssl_fingerprint`); colons and case are optional. */
  fingerprint?: string;
  /** A CA to verify against, normally the cluster's /etc/pve/pve-root-ca.pem. */
  caPem?: string;
  /** Skips all verification. Only for labs; logged loudly. */
  insecure?: boolean;
}

export type TlsMode =
  | { kind: "pinned"; fingerprint: string }
  | { kind: "ca"; caPem: string }
  | { kind: "insecure" }
  | { kind: "system" };

const FINGERPRINT_HEX = /^[0-9A-F]{64}$/;

/** Upper-case colon hex, the form Node's `fingerprint256` and PVE's `ssl_fingerprint` both use. */
export function normalizeFingerprint(input: string): string {
  const hex = input.trim().replace(/:/g, "").toUpperCase();
  if (!FINGERPRINT_HEX.test(hex)) {
    throw new TypeError("tls.fingerprint must be a SHA-256 fingerprint: 32 bytes of hex, optionally colon-separated");
  }
  return hex.match(/../g)!.join(":");
}

/** One explicit way of trusting the server; mixing them would leave it unclear which one protects us. */
export function resolveTlsMode(tls: ProxmoxTls): TlsMode {
  const chosen = [tls.fingerprint !== undefined, tls.caPem !== undefined, tls.insecure === true].filter(Boolean);
  if (chosen.length > 1) throw new TypeError("set only one of tls.fingerprint, tls.caPem and tls.insecure");
  if (tls.fingerprint !== undefined) return { kind: "pinned", fingerprint: normalizeFingerprint(tls.fingerprint) };
  if (tls.caPem !== undefined) {
    if (!tls.caPem.includes("-----BEGIN CERTIFICATE-----")) throw new TypeError("tls.caPem must be a PEM certificate");
    return { kind: "ca", caPem: tls.caPem };
  }
  if (tls.insecure === true) return { kind: "insecure" };
  return { kind: "system" };
}

/** Raised from the connector, before any request byte is written to the socket. */
export class FingerprintMismatchError extends Error {
  override name = "FingerprintMismatchError";
  readonly code = "ERR_PVE_FINGERPRINT_MISMATCH";

  readonly expected: string;
  readonly actual: string;

  constructor(expected: string, actual: string) {
    super(`server certificate fingerprint ${actual || "(none)"} does not match the pinned ${expected}`);
    this.expected = expected;
    this.actual = actual;
  }
}

// PVE speaks HTTP/1.1 only; offering h2 would just add a failed negotiation.
const BASE_CONNECT = { allowH2: false } as const;

/**
 * The undici dispatcher for one PVE endpoint. Timeouts are left to the client's per-call timer, so
 * undici's own header/body timers are off.
 */
export function createDispatcher(mode: TlsMode): Agent {
  const timers = { headersTimeout: 0, bodyTimeout: 0 };
  switch (mode.kind) {
    case "system":
      return new Agent({ ...timers, connect: { ...BASE_CONNECT } });
    case "ca":
      return new Agent({ ...timers, connect: { ...BASE_CONNECT, ca: mode.caPem } });
    case "insecure":
      return new Agent({ ...timers, connect: { ...BASE_CONNECT, rejectUnauthorized: false } });
    case "pinned":
      return new Agent({ ...timers, connect: pinnedConnector(mode.fingerprint) });
  }
}

/**
 * PVE nodes use self-signed certificates whose names rarely match how they are addressed, so with a pin
 * the chain and hostname are not checked; the leaf's SHA-256 is (as pve-apiclient does). TLS sessions are
 * not cached, so every connection presents a certificate to compare.
 */
function pinnedConnector(expected: string): buildConnector.connector {
  const connect = buildConnector({ ...BASE_CONNECT, rejectUnauthorized: false, maxCachedSessions: 0 });
  return (options, callback) => {
    connect(options, (error, socket) => {
      if (error) {
        callback(error, null);
        return;
      }
      const actual = (socket as TLSSocket).getPeerCertificate().fingerprint256 ?? "";
      if (actual !== expected) {
        socket.destroy();
        callback(new FingerprintMismatchError(expected, actual), null);
        return;
      }
      callback(null, socket);
    });
  };
}
