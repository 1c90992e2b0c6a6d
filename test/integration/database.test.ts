import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, openPostgres, type Database } from "../../server/src/db/connect.ts";
import { migrate } from "../../server/src/db/migrate.ts";
import { finishOperation, getOperation, insertOperation } from "../../server/src/db/operations.ts";
import { bossDb, startBoss } from "../../server/src/jobs/boss.ts";
import { createLogger } from "../../server/src/log.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const log = createLogger("silent");

describe.each([
  ["postgres", async () => {
    const test = await createTestDatabase();
    return { db: await openPostgres(test.url), test };
  }],
  ["pglite", async () => ({ db: await openPglite(null), test: null })],
] as const)("database on %s", (_name, open) => {
  let db: Database;
  let test: TestDatabase | null;

  beforeAll(async () => {
    ({ db, test } = await open());
  });
  afterAll(async () => {
    await db?.close();
    await test?.drop();
  });

  it("applies the migrations once; a second run applies nothing", async () => {
    const applied = await migrate(db.sql);
    expect(applied).toEqual([...applied].sort());
    expect(applied.slice(0, 3)).toEqual(["001_estate", "002_accounts", "003_alerts"]);
    expect(await migrate(db.sql)).toEqual([]);
    await db.sql.query(
      "INSERT INTO clusters (id, name, api_url, auth_kind, auth_user, auth_secret) VALUES ('c', 'C', 'https://x:8006', 'token', 'a@b!c', 's')",
    );
  });

  it("lets one operation per guest be in flight; the loser of a race gets null", async () => {
    const base = { kind: "stop" as const, clusterId: "c", vmid: 100, node: "pve1", guestType: "lxc" as const, requestedBy: "t", params: {} };
    const now = new Date();
    const results = await Promise.all(
      ["11111111-0000-4000-8000-000000000001", "11111111-0000-4000-8000-000000000002"].map((id) =>
        db.sql.transaction((tx) => insertOperation(tx, { ...base, id }, now)),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results.find(Boolean)!;
    expect(await finishOperation(db.sql, winner.id, { state: "succeeded", message: "ok", error: "" }, now)).not.toBeNull();
    expect(await finishOperation(db.sql, winner.id, { state: "failed", message: "again", error: "x" }, now)).toBeNull();
    expect((await getOperation(db.sql, winner.id))?.state).toBe("succeeded");
    expect(await insertOperation(db.sql, { ...base, id: "11111111-0000-4000-8000-000000000003" }, now)).not.toBeNull();
  });

  it("commits an operation and its job together, or neither", async () => {
    const boss = await startBoss(db, log);
    try {
      await boss.createQueue("t.queue");
      const id = "22222222-0000-4000-8000-000000000001";
      await expect(
        db.sql.transaction(async (tx) => {
          await insertOperation(tx, { id, kind: "start", clusterId: "c", vmid: 200, node: "pve1", guestType: "qemu", requestedBy: "t", params: {} }, new Date());
          await boss.send("t.queue", { operationId: id }, { db: bossDb(tx) });
          throw new Error("crash before commit");
        }),
      ).rejects.toThrow("crash before commit");
      expect(await getOperation(db.sql, id)).toBeNull();
      expect(await boss.findJobs("t.queue")).toHaveLength(0);

      await db.sql.transaction(async (tx) => {
        await insertOperation(tx, { id, kind: "start", clusterId: "c", vmid: 200, node: "pve1", guestType: "qemu", requestedBy: "t", params: {} }, new Date());
        await boss.send("t.queue", { operationId: id }, { db: bossDb(tx) });
      });
      expect(await getOperation(db.sql, id)).not.toBeNull();
      expect(await boss.findJobs("t.queue")).toHaveLength(1);
    } finally {
      await boss.stop({ graceful: false, close: false });
    }
  });
});
