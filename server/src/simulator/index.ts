/**
 * Proxmox VE API simulator: an HTTPS server that looks like a small PVE 9 cluster to an API client,
 * for the endpoints Proximity uses. See README.md in this folder.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { AuthService } from "./auth.ts";
import { Cluster } from "./cluster.ts";
import { SimulatorModel } from "./model.ts";
import { createPipeline } from "./pipeline.ts";
import { forkRng } from "./prng.ts";
import { simulatorTls } from "./tls.ts";
import type { Simulator, SimulatorFaults, SimulatorOptions } from "./types.ts";

export type { Simulator, SimulatorFaults, SimulatorOptions, SimulatorToken } from "./types.ts";
export { SimulatorModel, type CreateGuestInput, type GuestInfo, type NodeInfo, type TaskInfo, type VolumeFilter, type VolumeInfo } from "./model.ts";

const MAX_NODES = 50;
const MAX_GUESTS = 10_000;

function intOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`simulator option ${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

function positiveOption(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`simulator option ${name} must be a positive number, got ${v}`);
  return v;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? "127.0.0.1";
  const port = intOption("port", options.port, 0, 0, 65_535);
  const seed = intOption("seed", options.seed, 1, 0, 2 ** 32 - 1);
  const nodes = intOption("nodes", options.nodes, 3, 1, MAX_NODES);
  const guests = intOption("guests", options.guests, 24, 0, MAX_GUESTS);
  const statusRefreshMs = positiveOption("statusRefreshMs", options.statusRefreshMs, 10_000);
  const metricsTickMs = positiveOption("metricsTickMs", options.metricsTickMs, statusRefreshMs);
  const taskSpeed = positiveOption("taskSpeed", options.taskSpeed, 1);
  const authFailureDelayMs = options.authFailureDelayMs ?? 3000;
  if (!Number.isFinite(authFailureDelayMs) || authFailureDelayMs < 0) throw new RangeError("simulator option authFailureDelayMs must be >= 0");
  const now = options.now ?? Date.now;

  const tls = await simulatorTls(host);
  const cluster = new Cluster({
    name: options.clusterName ?? "lab",
    seed,
    nodes,
    guests,
    taskSpeed,
    statusRefreshMs,
    metricsTickMs,
    now,
    faults: { ...options.faults },
  });
  cluster.fingerprint = tls.fingerprint;
  const auth = new AuthService(seed, tls.key, now);
  const server = createServer({ key: tls.key, cert: tls.cert }, createPipeline({ cluster, auth, authFailureDelayMs, faultRng: forkRng(seed, "faults") }));
  server.on("clientError", (_err, socket) => socket.destroy());
  server.on("tlsClientError", (_err, socket) => socket.destroy());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    cluster.dispose();
    throw err;
  }
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `https://${urlHost}:${bound}`,
    port: bound,
    fingerprint: tls.fingerprint,
    caPem: tls.caPem,
    adminToken: auth.adminToken,
    auditorToken: auth.auditorToken,
    rootPassword: auth.rootPassword,
    model: new SimulatorModel(cluster),
    setFaults(faults: SimulatorFaults) {
      cluster.faults = { ...faults };
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        cluster.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
