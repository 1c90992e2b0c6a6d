import { describe, expect, it } from "vitest";
import type { GuestRecord } from "./records.ts";
import { searchGuests } from "./search.ts";

const g = (vmid: number, name: string, tags: string[] = []): GuestRecord => ({
  key: `c/${vmid}`, clusterId: "c", node: "n", vmid, name, type: "lxc", status: "running", cpu: 0, cpus: 1, memMiB: 0, maxMemMiB: 0,
  diskMiB: 0, maxDiskMiB: 0, netInKiB: 0, netOutKiB: 0, bootedAt: 0, tags, lock: "", template: false, operationId: "", managed: false, app: "", appUrl: "",
});
const guests = [g(100, "web-01", ["prod"]), g(101, "db-01", ["prod", "sql"]), g(1100, "webhook"), g(102, "cache", ["web"])];

describe("searchGuests", () => {
  it("finds by exact VMID first, then VMID prefix", () => {
    expect(searchGuests(guests, "100").map((h) => h.guest.vmid)).toEqual([100]);
    expect(searchGuests(guests, "110").map((h) => h.guest.vmid)).toEqual([1100]);
  });

  it("finds by name prefix before tag and substring matches", () => {
    expect(searchGuests(guests, "web").map((h) => h.guest.name)).toEqual(["web-01", "webhook", "cache"]);
  });

  it("finds by tag, with or without #, case-insensitively", () => {
    expect(searchGuests(guests, "#SQL").map((h) => h.guest.name)).toEqual(["db-01"]);
    expect(searchGuests(guests, "prod").map((h) => h.guest.name)).toEqual(["db-01", "web-01"]);
  });

  it("returns nothing for an empty query and respects the limit", () => {
    expect(searchGuests(guests, "  ")).toEqual([]);
    expect(searchGuests(guests, "-", 1)).toHaveLength(1);
  });
});
