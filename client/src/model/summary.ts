import type { Estate } from "./estate.ts";
import { guestLedState } from "./ledState.ts";

export interface EstateSummary {
  clusters: number;
  clustersOffline: number;
  hosts: number;
  hostsOffline: number;
  guests: number;
  running: number;
  stopped: number;
  busy: number;
  /** Failed operations not yet seen, plus guests PVE cannot report on. */
  error: number;
}

export function summarize(estate: Estate): EstateSummary {
  const s: EstateSummary = { clusters: 0, clustersOffline: 0, hosts: 0, hostsOffline: 0, guests: 0, running: 0, stopped: 0, busy: 0, error: 0 };
  for (const c of estate.clusters.values()) {
    s.clusters++;
    if (c.status === "offline") s.clustersOffline++;
  }
  for (const h of estate.hosts.values()) {
    s.hosts++;
    const cluster = estate.clusters.get(h.clusterId);
    if (h.status === "offline" || cluster?.status === "offline") s.hostsOffline++;
  }
  for (const key of estate.guests.keys()) {
    s.guests++;
    switch (guestLedState(estate, key)) {
      case "running":
        s.running++;
        break;
      case "stopped":
        s.stopped++;
        break;
      case "busy":
        s.busy++;
        break;
      case "error":
      case "unknown":
        s.error++;
        break;
      case "offline":
        break;
    }
  }
  return s;
}
