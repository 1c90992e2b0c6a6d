/**
 * Finished tasks a real cluster would already have when we first connect: the nightly vzdump jobs
 * behind the backups in `local`, and the start tasks of guests booted during the last week.
 */
import type { Cluster } from "./cluster.ts";
import type { StorageItem } from "./state.ts";

const WEEK_S = 7 * 86_400;

function stamp(epochSec: number): string {
  return new Date(epochSec * 1000).toISOString().slice(0, 19).replace("T", " ");
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function seedTaskHistory(cluster: Cluster): void {
  for (const node of cluster.nodes.values()) {
    const backups = node.storages.flatMap((s) => s.items).filter((i) => i.content === "backup" && i.ctime !== undefined);
    const byDay = new Map<string, StorageItem[]>();
    for (const b of backups) {
      const day = stamp(b.ctime as number).slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), b]);
    }
    for (const items of byDay.values()) recordBackupJob(cluster, node.name, items.sort((a, b) => (a.ctime ?? 0) - (b.ctime ?? 0)));
  }
  const nowSec = Math.floor(cluster.now() / 1000);
  for (const g of cluster.guests.values()) {
    const started = Math.floor(g.startedAt / 1000);
    if (g.status !== "running" || nowSec - started > WEEK_S) continue;
    cluster.tasks.recordFinished({
      node: g.node,
      type: g.type === "lxc" ? "vzstart" : "qmstart",
      id: String(g.vmid),
      user: "root@pam",
      starttime: started - 2,
      endtime: started,
      exitstatus: "OK",
      lines: ["TASK OK"],
    });
  }
}

function recordBackupJob(cluster: Cluster, node: string, items: StorageItem[]): void {
  const vmids = items.map((i) => i.vmid as number);
  const start = (items[0]?.ctime as number) - 3;
  const lines = [`INFO: starting new backup job: vzdump ${vmids.join(" ")} --storage local --mode snapshot --compress zstd --notes-template '{{guestname}}' --quiet 1`];
  let end = start;
  for (const item of items) {
    const kind = item.subtype === "lxc" ? "lxc" : "qemu";
    const began = item.ctime as number;
    const took = Math.max(8, Math.round(item.size / 90_000_000));
    const file = item.volid.replace(/^local:backup\//, "/var/lib/vz/dump/");
    lines.push(
      `INFO: Starting Backup of VM ${item.vmid} (${kind})`,
      `INFO: Backup started at ${stamp(began)}`,
      "INFO: status = running",
      `INFO: ${kind === "lxc" ? "CT" : "VM"} Name: ${item.notes ?? ""}`,
      "INFO: backup mode: snapshot",
      "INFO: ionice priority: 7",
      `INFO: creating vzdump archive '${file}'`,
      `INFO: archive file size: ${(item.size / 1024 ** 3).toFixed(2)}GB`,
      "INFO: adding notes to backup",
      `INFO: Finished Backup of VM ${item.vmid} (${duration(took)})`,
      `INFO: Backup finished at ${stamp(began + took)}`,
    );
    end = Math.max(end, began + took);
  }
  lines.push("INFO: Backup job finished successfully", "TASK OK");
  cluster.tasks.recordFinished({
    node,
    type: "vzdump",
    // PVE names the single guest only when the job covers exactly one.
    id: vmids.length === 1 ? String(vmids[0]) : "",
    user: "root@pam",
    starttime: start,
    endtime: end + 1,
    exitstatus: "OK",
    lines,
  });
}
