import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../../shared/src/commands.ts";
import { REJECTION_CODES } from "../../shared/src/protocol.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { joinWorld, type WorldRoomClient } from "../support/world-client.ts";

const ROOM_MESSAGES = 8_000;
const HTTP_REQUESTS = 2_000;
const CLIENTS = 40;
/** Below the room's 30 messages/s limit, which is a rule of its own (tested in access tests). */
const PER_CLIENT_RATE = 25;

let app: TestProximity;

beforeAll(async () => {
  app = await startProximity();
});

afterAll(async () => {
  await app?.stop();
});

const hostile = fc.constantFrom(
  "'; DROP TABLE guests; --",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "\u0000\u0001\uFFFF",
  "x".repeat(1500),
  "😀".repeat(100),
  "lab",
  "__proto__",
  "constructor",
);
const value = fc.oneof(
  { depthSize: "small" },
  fc.jsonValue({ maxDepth: 3 }),
  hostile,
  fc.double(),
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
);
const payload = fc.oneof(
  fc.record({ cluster: fc.oneof(hostile, fc.string(), value), vmid: value }, { requiredKeys: [] }),
  fc.record({ cluster: fc.constant("lab"), vmid: fc.integer({ min: -5, max: 2_000_000_000 }), extra: value }, { requiredKeys: ["cluster", "vmid"] }),
  fc.dictionary(fc.string({ maxLength: 20 }), value, { maxKeys: 6 }),
  value,
);
const command = fc.oneof(
  { arbitrary: fc.constantFrom(...COMMAND_NAMES), weight: 6 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  { arbitrary: hostile, weight: 1 },
);

describe("fuzzing the room and the HTTP API", () => {
  it(`answers ${ROOM_MESSAGES} random commands with a clear reply, keeps every client connected, and corrupts nothing`, async () => {
    const samples = fc.sample(fc.tuple(command, payload), { numRuns: ROOM_MESSAGES, seed: 20261125 });
    const rooms: WorldRoomClient[] = [];
    for (let i = 0; i < CLIENTS; i++) rooms.push(await joinWorld(app.wsUrl, app.users[i % 2 ? "operator" : "viewer"].token));
    const heapBefore = process.memoryUsage().heapUsed;
    // rejected: our typed refusal; refused: Colyseus' own ERROR reply for a frame it cannot route
    // (no handler for the name, or a name its framing cannot decode); the connection stays open.
    const outcomes = { accepted: 0, rejected: 0, refused: 0 };
    const unclear: unknown[] = [];
    await Promise.all(
      rooms.map(async (room, c) => {
        for (let i = c; i < samples.length; i += CLIENTS) {
          const [name, body] = samples[i]!;
          const started = Date.now();
          try {
            const reply = (await room.request(name as never, body as never)) as { operationId?: unknown };
            if (typeof reply?.operationId === "string") outcomes.accepted++;
            else unclear.push({ name, reply });
          } catch (error) {
            const e = error as { reason?: { code?: string; message?: string }; message?: string };
            if (e.reason && REJECTION_CODES.includes(e.reason.code as never) && e.reason.message) outcomes.rejected++;
            else if (/has no onMessage\(|offset is out of bounds|MessagePack|end of buffer/.test(e.message ?? "")) outcomes.refused++;
            else unclear.push({ name, error: String(e.message ?? e) });
          }
          await new Promise((r) => setTimeout(r, Math.max(0, 1000 / PER_CLIENT_RATE - (Date.now() - started))));
        }
      }),
    );
    expect(unclear).toEqual([]);
    expect(outcomes.accepted + outcomes.rejected + outcomes.refused).toBe(ROOM_MESSAGES);
    expect(outcomes.rejected).toBeGreaterThan(ROOM_MESSAGES / 2);
    expect(rooms.every((r) => r.connection.isOpen)).toBe(true);
    await Promise.all(rooms.map((r) => r.leave()));

    // Nothing corrupted: operations are well-formed, guests still match Proxmox.
    const { rows } = await app.server.db.sql.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM operations WHERE state NOT IN ('queued','running','succeeded','failed') OR vmid < 100 OR cluster_id <> 'lab'",
    );
    expect(rows[0]!.n).toBe(0);
    const guests = await app.server.db.sql.query<{ vmid: number; name: string }>("SELECT vmid, name FROM guests ORDER BY vmid");
    const truth = app.sim.model.listGuests().map((g) => ({ vmid: g.vmid, name: g.name })).sort((a, b) => a.vmid - b.vmid);
    expect(guests.rows).toEqual(truth);
    const heapGrowthMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(heapGrowthMiB).toBeLessThan(64);
  }, 120_000);

  it(`answers ${HTTP_REQUESTS} random HTTP requests with a JSON reason and never a server error`, async () => {
    const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE");
    const segment = fc.oneof(hostile.map(encodeURIComponent), fc.webSegment(), fc.constantFrom("lab", "100", "actions", "start", "stop"));
    const path = fc.oneof(
      fc.tuple(segment, segment, fc.constantFrom("start", "stop", "reboot", "explode")).map(([c, v, a]) => `/api/guests/${c}/${v}/actions/${a}`),
      segment.map((s) => `/api/operations/${s}`),
      fc.array(segment, { maxLength: 4 }).map((s) => `/api/${s.join("/")}`),
      fc.constantFrom("/api/users", "/api/auth/login", "/api/auth/setup", "/api/audit"),
    );
    const body = fc.oneof(fc.constant(undefined), fc.json(), fc.string({ maxLength: 200 }), fc.constant("{\"unterminated"));
    const samples = fc.sample(fc.tuple(method, path, body), { numRuns: HTTP_REQUESTS, seed: 7 });
    const serverErrors: string[] = [];
    for (let i = 0; i < samples.length; i += 20) {
      await Promise.all(
        samples.slice(i, i + 20).map(async ([m, p, b]) => {
          const res = await app.api(p, {
            method: m,
            as: "viewer",
            body: m === "GET" || m === "DELETE" ? undefined : b,
            headers: { "content-type": "application/json" },
          });
          const text = await res.text();
          if (res.status >= 500) serverErrors.push(`${m} ${p} → ${res.status} ${text.slice(0, 120)}`);
          if (res.status >= 400) {
            const parsed = JSON.parse(text) as { code?: string; message?: string };
            expect(typeof parsed.message, `${m} ${p}`).toBe("string");
          }
        }),
      );
    }
    expect(serverErrors).toEqual([]);
    expect((await fetch(`${app.httpUrl}/healthz`)).status).toBe(200);
  }, 120_000);
});
