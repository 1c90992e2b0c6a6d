import { guestKey } from "../../../shared/src/protocol.ts";
import type { Estate } from "./estate.ts";
import { hostKey, type GuestRecord, type HostRecord } from "./records.ts";

export interface SampleOptions {
  clusters: number;
  hostsPerCluster: number;
  guestsPerHost: number;
  hostsPerRack: number;
}

/** A fixed "now" keeps the sample deterministic: boot times are this far in the past. */
const SAMPLE_NOW = Date.UTC(2026, 0, 1);

const NAMES = ["web", "db", "cache", "queue", "auth", "git", "ci", "mon", "dns", "proxy", "mail", "files", "media", "vpn", "build", "search"];

/**
 * A deterministic estate for unit tests and the scene preview page (no server): a few clusters of racked hosts with a
 * realistic mix of running and stopped VMs and containers. Not used by the product, which always shows the live room.
 */
export function fillSampleEstate(estate: Estate, options: SampleOptions): void {
  let vmid = 100;
  for (let c = 0; c < options.clusters; c++) {
    const clusterId = `cluster-${String.fromCharCode(97 + c)}`;
    estate.upsertCluster({ id: clusterId, name: `${["Lab", "Prod", "Edge", "DR"][c % 4]} ${c + 1}`, status: "online", error: "", lastSyncAt: 0 });
    for (let h = 0; h < options.hostsPerCluster; h++) {
      const node = `pve-${c + 1}${String(h + 1).padStart(2, "0")}`;
      const host: HostRecord = {
        key: hostKey(clusterId, node),
        clusterId,
        node,
        status: "online",
        cpu: ((h * 37 + c * 11) % 90) / 100 + 0.05,
        maxCpu: 32,
        memMiB: 96_000,
        maxMemMiB: 256_000,
        bootedAt: SAMPLE_NOW - 86_400_000 * (h + 3),
        rack: `${String.fromCharCode(65 + c)}${String(Math.floor(h / options.hostsPerRack) + 1).padStart(2, "0")}`,
        slot: h % options.hostsPerRack,
      };
      estate.upsertHost(host);
      for (let g = 0; g < options.guestsPerHost; g++) {
        const id = vmid++;
        const type = g % 3 === 0 ? "qemu" : "lxc";
        const guest: GuestRecord = {
          key: guestKey(clusterId, id),
          clusterId,
          node,
          vmid: id,
          name: `${NAMES[(id * 7) % NAMES.length]}-${String(id % 100).padStart(2, "0")}`,
          type,
          status: (id * 13) % 7 === 0 ? "stopped" : "running",
          cpu: ((id * 17) % 100) / 100,
          cpus: type === "qemu" ? 4 : 2,
          memMiB: 1024 + ((id * 97) % 3000),
          maxMemMiB: 4096,
          diskMiB: 8000 + ((id * 131) % 20000),
          maxDiskMiB: 32768,
          netInKiB: (id * 1031) % 900_000,
          netOutKiB: (id * 733) % 500_000,
          bootedAt: SAMPLE_NOW - ((id * 3571) % 2_000_000) * 1000,
          tags: id % 4 === 0 ? ["prod", "web"] : ["lab"],
          lock: "",
          template: false,
          operationId: "",
          managed: id % 5 !== 0,
          app: "",
          appUrl: "",
        };
        estate.upsertGuest(guest);
      }
    }
  }
}
