import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENDPOINT_PARAMS } from "./params.ts";

/** The official schema is AGPL reference material beside the repo; it is read, never copied. */
const repoRoot = path.resolve(import.meta.dirname, "../../..");
const schemaFile = path.resolve(repoRoot, "../shared/reference/pve-apidata.json");

interface OfficialProperty {
  type?: string;
  optional?: number;
  enum?: string[];
  minimum?: number | string;
  maximum?: number | string;
  maxLength?: number;
}
interface OfficialNode {
  path: string;
  info?: Record<string, { parameters?: { properties?: Record<string, OfficialProperty> } }>;
  children?: OfficialNode[];
}

it("defines parameters for every served endpoint", () => {
  expect(ENDPOINT_PARAMS.length).toBeGreaterThan(25);
  for (const e of ENDPOINT_PARAMS) {
    for (const name of e.path.match(/\{(\w+)\}/g) ?? []) expect(e.params, `${e.method} ${e.path}`).toHaveProperty(name.slice(1, -1));
  }
});

describe.runIf(existsSync(schemaFile))("parameters conform to the official PVE schema", () => {
  const byPath = new Map<string, OfficialNode>();
  const walk = (nodes: OfficialNode[]) => {
    for (const n of nodes) {
      byPath.set(n.path, n);
      walk(n.children ?? []);
    }
  };
  walk(JSON.parse(readFileSync(schemaFile, "utf8")) as OfficialNode[]);
  const num = (v: number | string | undefined) => (v === undefined ? undefined : Number(v));

  it.each(ENDPOINT_PARAMS.map((e) => [`${e.method} ${e.path}`, e] as const))("%s", (_label, endpoint) => {
    const method = byPath.get(endpoint.path)?.info?.[endpoint.method];
    expect(method, "endpoint exists in the schema").toBeDefined();
    const official = method!.parameters?.properties ?? {};
    for (const [name, ours] of Object.entries(endpoint.params)) {
      const theirs = official[name];
      expect(theirs, `parameter ${name} exists`).toBeDefined();
      expect({ name, type: ours.type, optional: !!ours.optional }).toEqual({ name, type: theirs!.type, optional: theirs!.optional === 1 });
      expect({ name, enum: ours.enum }).toEqual({ name, enum: theirs!.enum });
      expect({ name, min: ours.min, max: ours.max }).toEqual({ name, min: num(theirs!.minimum), max: num(theirs!.maximum) });
      if (ours.maxLength !== undefined) expect({ name, maxLength: ours.maxLength }).toEqual({ name, maxLength: theirs!.maxLength });
    }
    for (const [name, theirs] of Object.entries(official)) {
      if (theirs.optional !== 1) expect(endpoint.params, `required official parameter ${name} is accepted`).toHaveProperty(name);
    }
  });
});
