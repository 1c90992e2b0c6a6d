import { describe, expect, it } from "vitest";
import { formatAge, formatKiB, formatMiB, formatPercent, formatUptime, uptimeSeconds } from "./format.ts";

describe("formats", () => {
  it("formats uptime, sizes, percentages and ages", () => {
    expect(formatUptime(0)).toBe("—");
    expect(formatUptime(75)).toBe("1m 15s");
    expect(formatUptime(3 * 86_400 + 4 * 3600)).toBe("3d 4h");
    expect(formatMiB(512)).toBe("512 MiB");
    expect(formatMiB(2048)).toBe("2.0 GiB");
    expect(formatKiB(512)).toBe("512 KiB");
    expect(formatKiB(4096)).toBe("4 MiB");
    expect(formatPercent(0.234)).toBe("23%");
    expect(formatAge(0, 65_000)).toBe("1 min ago");
    expect(uptimeSeconds(1_000_000, 1_075_000)).toBe(75);
    expect(uptimeSeconds(0, 1_075_000)).toBe(0);
  });
});
