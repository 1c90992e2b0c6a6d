import fc from "fast-check";
import { array } from "superstruct";
import { describe, expect, it } from "vitest";
import { parseShape, ReplyShapeError } from "./coerce.ts";
import * as shapes from "./shapes.ts";

const SHAPES = Object.entries(shapes).filter(([name]) => name.endsWith("Shape")) as [string, Parameters<typeof parseShape>[0]][];

// Plausible replies with wrong types, missing keys and junk mixed in: a reply either parses to the
// declared shape or fails with ReplyShapeError naming the path; nothing else may escape.
const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("1", "0", "", "NaN", "1e999", "-1", null, true));
const replyLike = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom("vmid", "node", "type", "status", "name", "cpu", "maxmem", "template", "tags", "upid", "exitstatus", "id", "n", "t", "storage"),
    junk,
  ),
);

describe("Proxmox replies under fuzzing", () => {
  it.each(SHAPES)("%s parses or fails with a ReplyShapeError, for 1,000 random replies", (_name, shape) => {
    fc.assert(
      // Through JSON, as every reply arrives (fast-check alone also makes null-prototype objects).
      fc.property(fc.oneof(replyLike, fc.array(replyLike, { maxLength: 4 })).map((v) => JSON.parse(JSON.stringify(v ?? null))), (value) => {
        for (const struct of [shape, array(shape)] as (typeof shape)[]) {
          try {
            parseShape(struct, value);
          } catch (error) {
            expect(error).toBeInstanceOf(ReplyShapeError);
            expect((error as Error).message.length).toBeLessThan(400);
          }
        }
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});
