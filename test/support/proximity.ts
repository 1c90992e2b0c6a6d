import { ROLES, type Role } from "../../shared/src/protocol.ts";
import { startServer, type RunningServer } from "../../server/src/app.ts";
import type { Config } from "../../server/src/config.ts";
import { createLogger } from "../../server/src/log.ts";
import { startSimulator, type Simulator, type SimulatorOptions } from "../../server/src/simulator/index.ts";
import { createTestDatabase } from "./database.ts";

export interface TestUser {
  name: string;
  role: Role;
  token: string;
}

export interface TestProximity {
  httpUrl: string;
  wsUrl: string;
  sim: Simulator;
  server: RunningServer;
  clusterId: string;
  /** Signed-in users, one per role, named after it ("admin", "operator", "viewer"). */
  users: Record<Role, TestUser>;
  /** fetch with the given user's session. */
  api(path: string, init?: RequestInit & { as?: Role }): Promise<Response>;
  stop(): Promise<void>;
}

export const TEST_PASSWORD = "correct horse battery";
export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

export const TEST_CLUSTER_ID = "lab";

/** Fast but faithful defaults: short task durations, quick status broadcasts, short 401 delay. */
export const FAST_SIMULATOR: SimulatorOptions = { seed: 7, taskSpeed: 0.05, statusRefreshMs: 200, authFailureDelayMs: 20 };

/**
 * The whole product as a user runs it: the simulator over HTTPS, a fresh Postgres database,
 * pg-boss, the world room and HTTP, on a random port.
 */
export async function startProximity(
  options: { simulator?: SimulatorOptions; config?: Partial<Config>; database?: "postgres" | "pglite" } = {},
): Promise<TestProximity> {
  const sim = await startSimulator({ ...FAST_SIMULATOR, ...options.simulator });
  const database = options.database === "pglite" ? null : await createTestDatabase();
  const config: Config = {
    ...testConfig(sim, TEST_CLUSTER_ID, database ? { kind: "postgres", url: database.url } : { kind: "pglite", dataDir: "" }),
    ...options.config,
  };
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
  let server: RunningServer;
  try {
    server = await startServer(config, log);
  } catch (error) {
    await sim.close();
    await database?.drop();
    throw error;
  }
  const users = {} as Record<Role, TestUser>;
  for (const role of ROLES) {
    await server.auth.createUser(role, TEST_PASSWORD, role);
    users[role] = { name: role, role, token: (await server.auth.login(role, TEST_PASSWORD))!.token };
  }
  return {
    httpUrl: server.url,
    users,
    api: (path, init = {}) => {
      const { as = "admin", ...rest } = init;
      return fetch(`${server.url}${path}`, { ...rest, headers: { authorization: `Bearer ${users[as].token}`, ...rest.headers } });
    },
    wsUrl: server.url.replace(/^http/, "ws"),
    sim,
    server,
    clusterId: TEST_CLUSTER_ID,
    stop: async () => {
      await server.stop();
      await sim.close();
      await database?.drop();
    },
  };
}

/** A server configuration for tests: one cluster (the given simulator), quiet, on a random port. */
export function testConfig(sim: Simulator, clusterId: string, database: Config["database"]): Config {
  return {
    port: 0,
    host: "127.0.0.1",
    database,
    demo: null,
    demoSignIn: false,
    allowedOrigins: [],
    cluster: {
      id: clusterId,
      name: `Test ${clusterId}`,
      url: sim.url,
      auth: { kind: "token", tokenId: sim.adminToken.tokenId, secret: sim.adminToken.secret },
      fingerprint: sim.fingerprint,
      insecure: false,
    },
    secretKey: TEST_SECRET_KEY,
    catalogDir: "./assets/catalog",
    syncIntervalMs: 300,
    transport: "ws",
    logLevel: "silent",
    staticDir: "./dist-client",
  };
}
