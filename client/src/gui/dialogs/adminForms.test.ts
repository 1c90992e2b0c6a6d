import { describe, expect, it } from "vitest";
import { clusterFormErrors } from "./clustersDialog.ts";
import { scheduleFromForm } from "./schedulesDialog.ts";

describe("the admin forms", () => {
  it("checks a new cluster before probing it", () => {
    expect(clusterFormErrors({ id: "lab", name: "Lab", url: "https://pve1.lan:8006", tokenId: "proximity@pve!hall", secret: "s" })).toEqual({});
    const errors = clusterFormErrors({ id: "Lab X", name: " ", url: "http://pve1.lan:8006", tokenId: "root", secret: "" });
    expect(Object.keys(errors).sort()).toEqual(["id", "name", "secret", "tokenId", "url"]);
  });

  it("builds a schedule for one guest or a tag, and explains what is wrong", () => {
    const base = { cluster: "lab", target: "vmid" as const, vmid: "101", tag: "", cron: "0  3 * * *", storage: "", keepLast: "7" };
    expect(scheduleFromForm(base)).toEqual({ ok: true, schedule: { cluster: "lab", vmid: 101, tag: null, cron: "0 3 * * *", storage: null, keepLast: 7 } });
    expect(scheduleFromForm({ ...base, target: "tag", tag: "prod", storage: "pbs" })).toEqual({ ok: true, schedule: { cluster: "lab", vmid: null, tag: "prod", cron: "0 3 * * *", storage: "pbs", keepLast: 7 } });
    const bad = scheduleFromForm({ ...base, vmid: "12", cron: "daily", keepLast: "0" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(["cron", "keepLast", "vmid"]);
  });
});
