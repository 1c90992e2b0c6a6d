import fc from "fast-check";
import { array } from "superstruct";
import { describe, expect, it } from "vitest";
import { ProxmoxClient } from "./client.ts";
import { parseClusterResources } from "./cluster-resources.ts";
import { parseShape, ReplyShapeError } from "./coerce.ts";
import { ProxmoxError } from "./errors.ts";
import { json, makeCertificates, startTestServer } from "./https-fixture.ts";
import { ClusterResourceShape } from "./shapes.ts";

const reference = (reply: unknown) => parseShape(array(ClusterResourceShape), reply);

function outcome(parse: (reply: unknown) => unknown, reply: unknown): { ok: unknown } | { error: string } {
  try {
    return { ok: parse(reply) };
  } catch (error) {
    expect(error).toBeInstanceOf(ReplyShapeError);
    return { error: (error as Error).message };
  }
}

// Every key the shapes read, with well-formed, legacy (strings, 0/1) and wrong values mixed.
const FIELDS = [
  "id", "vmid", "node", "status", "name", "template", "cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "netin",
  "netout", "diskread", "diskwrite", "uptime", "lock", "tags", "pool", "hastate", "level", "cgroup-mode", "storage",
  "plugintype", "shared", "content", "pveType", "extra",
] as const;
const value = fc.oneof(
  fc.constantFrom("qemu", "lxc", "node", "storage", "other", "running", "stopped", "unknown", "online", "offline", "pve1", "web;prod, db", "iso, backup,", "1", "0", "12", " 3.5 ", "1e3", "1e999", "-4", "", "x"),
  fc.constantFrom(0, 1, 2, 0.5, -1, 100, true, false, null),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 1 }),
);
// A well-formed entry of each kind, then up to two fields replaced and one removed: most entries stay
// close enough to valid that the deeper fields are reached.
const WELL_FORMED: Record<string, unknown>[] = [
  { id: "qemu/100", type: "qemu", vmid: 100, node: "pve1", status: "running", name: "web", cpu: 0.1, maxmem: 1024, uptime: 5, tags: "a;b" },
  { id: "lxc/101", type: "lxc", vmid: "101", node: "pve2", status: "stopped", template: 1, netin: "12", lock: "backup" },
  { id: "node/pve1", type: "node", node: "pve1", status: "online", maxcpu: 8, mem: 1, "cgroup-mode": 2 },
  { id: "storage/pve1/local", type: "storage", node: "pve1", storage: "local", status: "available", content: "iso,backup", shared: 0 },
  { id: "/pool/lab", type: "pool", pool: "lab" },
  { id: "sdn/pve1/z", type: "sdn", node: "pve1", status: "ok", name: 5 },
];
const entry = fc
  .tuple(
    fc.constantFrom(...WELL_FORMED),
    fc.dictionary(fc.constantFrom("type", ...FIELDS), value, { maxKeys: 2 }),
    fc.subarray([...FIELDS], { maxLength: 1 }),
  )
  .map(([base, replaced, removed]) => {
    const result: Record<string, unknown> = { ...base, ...replaced };
    for (const key of removed) delete result[key];
    return result;
  });
const reply = fc.oneof(
  { weight: 8, arbitrary: fc.array(entry, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

describe("parseClusterResources", () => {
  it("coerces and drops keys exactly as ClusterResourceShape does", () => {
    const sample = [
      { id: "lxc/100", type: "lxc", vmid: "100", node: "pve1", status: "running", template: 0, tags: "web;prod", cpu: "0.25", uptime: 50, diskread: 1, x: 1 },
      { id: "qemu/101", type: "qemu", vmid: 101, node: "pve1", status: "stopped", name: 1234, tags: ["a"], lock: "backup" },
      { id: "node/pve1", type: "node", node: "pve1", status: "online", maxcpu: 8, "cgroup-mode": "2", level: "" },
      { id: "storage/pve1/local", type: "storage", node: "pve1", storage: "local", status: "available", shared: 1, content: "iso, vztmpl,backup" },
      { id: "/pool/lab", type: "pool", pool: "lab" },
    ];
    expect(parseClusterResources(sample)).toEqual(reference(sample));
    expect(parseClusterResources(sample)[0]).toEqual({
      id: "lxc/100", type: "lxc", vmid: 100, node: "pve1", status: "running", template: false, tags: ["web", "prod"], cpu: 0.25, uptime: 50, diskread: 1,
    });
  });

  it("fails on malformed replies with a ReplyShapeError naming the entry and field", () => {
    const guest = { id: "qemu/100", type: "qemu", vmid: 100, node: "pve1", status: "running" };
    const cases: [unknown, string][] = [
      [{ data: [] }, "Expected an array value, but received: [object Object]"],
      [[guest, null], "at 1: Expected an object, but received: null"],
      [[{ ...guest, vmid: "abc" }], 'at 0.vmid: Expected an integer, but received: "abc"'],
      [[{ ...guest, vmid: 1.5 }], "at 0.vmid: Expected an integer, but received: 1.5"],
      [[{ ...guest, status: "paused" }], 'at 0.status: Expected one of `"running","stopped","unknown"`, but received: "paused"'],
      [[{ ...guest, mem: "lots" }], 'at 0.mem: Expected a number, but received: "lots"'],
      [[{ ...guest, template: 2 }], "at 0.template: Expected a value of type `boolean`, but received: `2`"],
      [[{ ...guest, tags: ["ok", 3] }], "at 0.tags.1: Expected a string, but received: 3"],
      [[{ ...guest, node: undefined }], "at 0.node: Expected a string, but received: undefined"],
      [[{ type: 5, id: "x" }], 'at 0.type: Expected the literal `"other"`, but received: 5'],
    ];
    for (const [bad, message] of cases) {
      expect(() => parseClusterResources(bad)).toThrow(ReplyShapeError);
      expect(outcome(parseClusterResources, bad)).toEqual({ error: message });
    }
  });

  it("agrees with ClusterResourceShape on 3,000 random replies, results and error messages alike", () => {
    fc.assert(
      // Through JSON, as every reply arrives.
      fc.property(reply.map((v) => JSON.parse(JSON.stringify(v ?? null)) as unknown), (r) => {
        expect(outcome(parseClusterResources, r)).toEqual(outcome(reference, r));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe("ProxmoxClient.clusterResources", () => {
  it("turns a malformed reply into a protocol error that names the entry and field, without retrying", async () => {
    const certs = await makeCertificates();
    const server = await startTestServer(certs, () => json([{ id: "qemu/100", type: "qemu", vmid: "1x", node: "pve1", status: "running" }]));
    const client = new ProxmoxClient(
      { baseUrl: server.url, auth: { kind: "token", tokenId: "root@pam!proximity", secret: "s" }, tls: { fingerprint: certs.fingerprint } },
      { retryDelaysMs: [5] },
    );
    try {
      const error: unknown = await client.clusterResources().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProxmoxError);
      expect(error).toMatchObject({ kind: "protocol", status: 200, method: "GET", path: "/cluster/resources", retriable: false });
      expect((error as Error).message).toContain('malformed reply: at 0.vmid: Expected an integer, but received: "1x"');
      expect(server.requests).toHaveLength(1);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
