import { describe, expect, it } from "vitest";
import { backupPlaces } from "./storageBackupsDialog.ts";

const place = (node: string, storage: string, shared: boolean) => ({ node, storage, shared, type: shared ? "nfs" : "dir", availMiB: 1, totalMiB: 2 });

describe("backupPlaces", () => {
  it("lists a shared storage once and each node's local storage on its own", () => {
    const places = backupPlaces([place("pve1", "local", false), place("pve1", "nas", true), place("pve2", "local", false), place("pve2", "nas", true)]);
    expect(places.map((p) => `${p.node}/${p.storage}`)).toEqual(["pve1/local", "pve1/nas", "pve2/local"]);
  });
});
