import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/src/app.ts";
import type { Config } from "../../server/src/config.ts";
import { getOperation } from "../../server/src/db/operations.ts";
import { createLogger } from "../../server/src/log.ts";
import { startSimulator, type Simulator } from "../../server/src/simulator/index.ts";
import { FAST_SIMULATOR, TEST_PASSWORD, testConfig } from "../support/proximity.ts";
import { findGuest, joinWorld, waitFor } from "../support/world-client.ts";

let sim: Simulator;
let dataDir: string;

beforeAll(async () => {
  sim = await startSimulator(FAST_SIMULATOR);
  dataDir = await mkdtemp(path.join(tmpdir(), "proximity-pglite-"));
});

afterAll(async () => {
  await sim?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const embeddedConfig = (): Config => testConfig(sim, "home", { kind: "pglite", dataDir });

describe("embedded database (PGlite, no DATABASE_URL)", () => {
  it("runs the same operations, and keeps the estate and its history across a restart", async () => {
    const log = createLogger("silent");
    let server: RunningServer = await startServer(embeddedConfig(), log);
    await server.auth.createUser("eve", TEST_PASSWORD, "operator");
    const signIn = async () => (await server.auth.login("eve", TEST_PASSWORD))!.token;
    const vmid = sim.model.listGuests().find((g) => g.status === "running" && !g.lock)!.vmid;
    let operationId: string;
    const room = await joinWorld(server.url.replace(/^http/, "ws"), await signIn());
    try {
      await waitFor(room, (s) => findGuest(s, "home", vmid)?.status === "running");
      ({ operationId } = (await room.request("guest.shutdown", { cluster: "home", vmid })) as { operationId: string });
      await waitFor(room, (s) => s.operations.get(operationId)?.state === "succeeded", 20_000);
      expect(sim.model.getGuest(vmid)?.status).toBe("stopped");
    } finally {
      await room.leave();
      await server.stop();
    }

    server = await startServer(embeddedConfig(), log);
    try {
      expect((await getOperation(server.db.sql, operationId))?.state).toBe("succeeded");
      // The room is seeded from the database before the first sync, so it is complete at once.
      const again = await joinWorld(server.url.replace(/^http/, "ws"), await signIn());
      expect(findGuest(again.state, "home", vmid)).toBeDefined();
      expect(again.state.operations.get(operationId)?.state).toBe("succeeded");
      await again.leave();
    } finally {
      await server.stop();
    }
  });
});
