import { describe, expect, it } from "vitest";
import type { CatalogApp } from "../../net/api.ts";
import { belowMinimums, categoriesOf, filterApps } from "./catalogFilter.ts";

const app = (id: string, category: string, extra: Partial<CatalogApp> = {}): CatalogApp => ({
  id, name: id[0]!.toUpperCase() + id.slice(1), description: `${id} app`, category, version: "1.0", route: "oci", minimums: { cores: 1, memoryMiB: 512, diskGiB: 4 }, ...extra,
});
const apps = [app("gitea", "Development"), app("nextcloud", "Files", { route: "compose", composeReason: "needs several containers" }), app("jellyfin", "Media"), app("immich", "Media", { description: "photo library" })];

describe("catalog browsing", () => {
  it("lists categories with counts", () => {
    expect(categoriesOf(apps)).toEqual([{ name: "Development", count: 1 }, { name: "Files", count: 1 }, { name: "Media", count: 2 }]);
  });

  it("filters by category and by every word of the query, deployable apps first", () => {
    expect(filterApps(apps, "Media", "").map((a) => a.id)).toEqual(["immich", "jellyfin"]);
    expect(filterApps(apps, null, "photo lib").map((a) => a.id)).toEqual(["immich"]);
    expect(filterApps(apps, null, "").map((a) => a.id)).toEqual(["gitea", "immich", "jellyfin", "nextcloud"]);
  });

  it("refuses sizes below the app's minimums", () => {
    expect(belowMinimums(apps[0]!, { cores: 1, memoryMiB: 512, diskGiB: 4 })).toEqual({});
    expect(Object.keys(belowMinimums(apps[0]!, { cores: 0, memoryMiB: 256, diskGiB: 2 })).sort()).toEqual(["cores", "diskGiB", "memoryMiB"]);
  });
});
