import { describe, expect, it } from "vitest";
import { auditDetailSummary, auditTime, auditTone, filterAudit, type AuditRecord } from "./audit.ts";

const entry = (id: number, actor: string, target: string, outcome = "succeeded"): AuditRecord => ({
  id, at: "2026-11-26T01:00:00.000Z", actor, action: "guest.start", target, outcome, detail: {},
});
const log = [entry(4, "ada", "lab/101"), entry(3, "Bob", "lab/1010"), entry(2, "ada", "user/ada"), entry(1, "carol", "lab/102", "failed")];

describe("filterAudit", () => {
  it("keeps everything for an empty filter, in the server's order", () => {
    expect(filterAudit(log, { target: " ", actor: "" }).map((e) => e.id)).toEqual([4, 3, 2, 1]);
  });

  it("matches part of the target and part of the actor, ignoring case, both at once", () => {
    expect(filterAudit(log, { target: "LAB/101", actor: "" }).map((e) => e.id)).toEqual([4, 3]);
    expect(filterAudit(log, { target: "", actor: "bob" }).map((e) => e.id)).toEqual([3]);
    expect(filterAudit(log, { target: "lab/", actor: "ada" }).map((e) => e.id)).toEqual([4]);
    expect(filterAudit(log, { target: "nowhere", actor: "" })).toEqual([]);
  });
});

describe("audit labels", () => {
  it("colours success, failure and the rest apart", () => {
    expect(auditTone("succeeded")).toBe("ok");
    expect(auditTone("failed")).toBe("error");
    expect(auditTone("requested")).toBe("info");
  });

  it("summarises the detail on one line and cuts a long one", () => {
    expect(auditDetailSummary({})).toBe("");
    expect(auditDetailSummary({ ip: "127.0.0.1", demo: true, nested: { a: 1 } })).toBe('ip: 127.0.0.1 · demo: true · nested: {"a":1}');
    const long = auditDetailSummary({ error: "x".repeat(300) });
    expect(long).toHaveLength(120);
    expect(long.endsWith("…")).toBe(true);
  });

  it("writes the time to the second, and a dash for a time it cannot read", () => {
    expect(auditTime("2026-11-26T01:02:03.000Z")).toMatch(/:03/);
    expect(auditTime("yesterday")).toBe("—");
  });
});
