import type { SimulatorModel } from "./model.ts";

/** Failure injection; can be changed at runtime with Simulator.setFaults. */
export interface SimulatorFaults {
  /** Added to every request, jittered by ±20 %. */
  latencyMs?: number;
  /** 0..1 fraction of authenticated requests answered 500 with a plausible PVE message. */
  serverErrorRate?: number;
  /** Requests under /nodes/<n>/… answer 595; the node shows offline and its guests "unknown". */
  unreachableNodes?: string[];
  /** 0..1 fraction of tasks that end with a realistic error exitstatus. */
  taskFailureRate?: number;
  /** Deterministic task failures: every matching task ends with `message` as exitstatus. */
  failTasks?: { vmid?: number; type?: string; message: string }[];
  /** Multiplies task durations. */
  slowTaskFactor?: number;
}

export interface SimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random free port). */
  port?: number;
  /** Default 1; the same seed gives the same estate. */
  seed?: number;
  /** Default 3, at most 50. */
  nodes?: number;
  /** Default 24, at most 10000; mixed LXC/QEMU, about 70 % running. */
  guests?: number;
  /** Default "lab". */
  clusterName?: string;
  /** Multiplies realistic task durations; default 1, tests use about 0.05. */
  taskSpeed?: number;
  /** How often /cluster/resources status and stats are re-broadcast (pvestatd: 10000 ms). */
  statusRefreshMs?: number;
  /** How often metrics move; default statusRefreshMs. */
  metricsTickMs?: number;
  /** Delay of every 401 counted from request start; default 3000 as in PVE. */
  authFailureDelayMs?: number;
  faults?: SimulatorFaults;
  /** Millisecond clock used for timestamps, uptimes and ticket lifetime; default Date.now. */
  now?: () => number;
}

export interface SimulatorToken {
  /** Full token id, e.g. "root@pam!proximity". */
  tokenId: string;
  secret: string;
}

export interface Simulator {
  /** "https://127.0.0.1:PORT" (a client appends /api2/json). */
  url: string;
  port: number;
  /** SHA-256 of the leaf certificate, upper-case colon hex as PVE shows it. */
  fingerprint: string;
  /** The simulated cluster CA (pve-root-ca.pem), for CA-verified connections. */
  caPem: string;
  /** Administrator on "/". */
  adminToken: SimulatorToken;
  /** PVEAuditor on "/": reads succeed, actions answer 403. */
  auditorToken: SimulatorToken;
  /** Password of root@pam for ticket logins (POST /access/ticket). */
  rootPassword: string;
  model: SimulatorModel;
  setFaults(faults: SimulatorFaults): void;
  /** Stops timers and the server; resolves once closed. */
  close(): Promise<void>;
}
