import type { CommandName, CommandPayload, ConfirmSubject } from "../../../../shared/src/commands.ts";
import { guestKey, type Role } from "../../../../shared/src/protocol.ts";
import { validateCommand } from "../../model/commandForms.ts";
import type { Estate } from "../../model/estate.ts";
import { formatDate, formatMiB } from "../../model/format.ts";
import { roleReason } from "../../model/guestOperations.ts";
import { OperationEndings } from "../../model/operationEndings.ts";
import type { ApiClient, StorageInfo, StoredBackup } from "../../net/api.ts";
import { clear, h } from "../dom.ts";
import { button, field, select, Sheet, statusLine, table } from "./sheet.ts";

export interface StorageBackupsDeps {
  api: ApiClient;
  estate: Estate;
  role(): Role;
  /** Sends through the command runner; `absent` describes a guest that is gone, so the command is still confirmed. */
  send<N extends CommandName>(name: N, payload: CommandPayload<N>, key: string | null, absent?: ConfirmSubject): Promise<string | null>;
}

type Outcome = { text: string; tone: "error" | "info" | "ok" };

/** Shared storages are one place seen from every node: listed once. */
export function backupPlaces(storages: readonly StorageInfo[]): StorageInfo[] {
  const seen = new Set<string>();
  return storages.filter((s) => {
    const id = s.shared ? s.storage : `${s.node}/${s.storage}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Every backup on a storage, whatever its guest: the way back to a deleted guest (restore as new) and the place to
 * clear old backups. Restoring over an existing guest stays in that guest's own sheet, where it is named.
 */
export class StorageBackupsDialog {
  private readonly sheet: Sheet;
  private readonly endings: OperationEndings;

  constructor(
    parent: HTMLElement,
    private readonly deps: StorageBackupsDeps,
  ) {
    this.sheet = new Sheet(parent, "storage-backups");
    this.endings = new OperationEndings(deps.estate);
  }

  async open(): Promise<void> {
    this.sheet.setTitle("Backups by storage", "Every backup a storage holds, including those of deleted guests");
    const status = statusLine("storage-backups-status");
    const list = h("div", {});
    const cluster = select([...this.deps.estate.clusters.values()].map((c) => ({ value: c.id, label: c.name })), { "data-testid": "storage-backups-cluster" });
    const place = select([], { "data-testid": "storage-backups-storage" });
    this.sheet.show(h("div", { class: "form-grid" }, field("Cluster", cluster).root, field("Storage", place).root), list, status.root);
    let places: StorageInfo[] = [];
    /** Lists the chosen storage's backups, then shows `outcome` (what just ended) under the list. */
    const reload = async (outcome: Outcome = { text: "", tone: "info" }) => {
      const chosen = places[place.selectedIndex];
      if (!chosen) return;
      status.set(`Loading the backups on ${chosen.storage}…`);
      try {
        const backups = await this.deps.api.storageBackups(cluster.value, chosen.node, chosen.storage);
        clear(list);
        list.append(table(["Guest", "Taken", "Size", "Notes", ""], backups.map((b) => this.row(cluster.value, b, status, reload)), `No backups on ${chosen.storage}.`, "storage-backups-list"));
        status.set(outcome.text, outcome.tone);
      } catch (error) {
        status.set(`Backups could not be listed: ${(error as Error).message}`, "error");
      }
    };
    const loadPlaces = async () => {
      clear(place);
      clear(list);
      if (!cluster.value) {
        status.set("No cluster is connected.", "error");
        return;
      }
      try {
        places = backupPlaces(await this.deps.api.storages(cluster.value, "backup"));
      } catch (error) {
        status.set(`Storages could not be listed: ${(error as Error).message}`, "error");
        return;
      }
      for (const p of places) place.append(h("option", { value: `${p.node}/${p.storage}` }, p.shared ? `${p.storage} (shared)` : `${p.storage} on ${p.node}`));
      if (places.length === 0) status.set("No storage in this cluster holds backups.", "error");
      await reload();
    };
    cluster.addEventListener("change", () => void loadPlaces());
    place.addEventListener("change", () => void reload());
    await loadPlaces();
  }

  private row(cluster: string, b: StoredBackup, status: ReturnType<typeof statusLine>, reload: (outcome: Outcome) => Promise<void>): HTMLTableRowElement {
    const key = b.vmid === null ? null : guestKey(cluster, b.vmid);
    const guest = key ? this.deps.estate.guests.get(key) : undefined;
    const label = guest ? `${guest.name} (${b.vmid})` : b.vmid === null ? "unknown guest" : `${b.vmid} (deleted)`;
    const absent: ConfirmSubject | undefined = guest || b.vmid === null ? undefined : { name: `guest ${b.vmid}`, vmid: b.vmid, type: b.guestType ?? "guest", node: b.node };
    const role = this.deps.role();
    const noVmid = b.vmid === null ? "This backup does not name its guest." : null;
    const asNew = button("Restore as new", "normal", { "data-testid": "storage-backup-restore-new" }, noVmid ?? roleReason("backup.restoreAsNew", role));
    const remove = button("Delete…", "danger", { "data-testid": "storage-backup-delete" }, b.protected ? "Protected backups cannot be deleted." : (noVmid ?? roleReason("backup.delete", role)));
    const send = (name: "backup.restoreAsNew" | "backup.delete", started: string) => async () => {
      const target = { cluster, vmid: b.vmid, volid: b.volid };
      const result = validateCommand(name, name === "backup.restoreAsNew" ? { ...target, node: b.node } : target);
      if (!result.ok) {
        status.set(`This backup cannot be used: ${Object.values(result.errors).join(" ")}`, "error");
        return;
      }
      status.set("Sending…");
      const id = await this.deps.send(name, result.payload, guest ? key : null, absent);
      if (!id) {
        status.set("Not started (declined or refused; see the banner).", "error");
        return;
      }
      status.set(started);
      this.endings.when(id, () => {
        const op = this.deps.estate.operations.get(id);
        void reload(op?.state === "failed" ? { text: `Failed: ${op.error || "see the operations log"}`, tone: "error" } : { text: "Done.", tone: "ok" });
      });
    };
    asNew.addEventListener("click", send("backup.restoreAsNew", `Restoring ${b.volid} as a new guest…`));
    remove.addEventListener("click", send("backup.delete", `Deleting ${b.volid}…`));
    return h(
      "tr",
      { "data-volid": b.volid },
      h("td", {}, label, h("div", { class: "muted mono" }, b.guestType ?? "")),
      h("td", {}, formatDate(b.createdAt), b.protected ? h("span", { class: "badge", title: "Protected" }, " 🔒") : null),
      h("td", { class: "num" }, formatMiB(b.sizeMiB)),
      h("td", { class: "muted" }, b.notes || "—"),
      h("td", { class: "actions" }, asNew, remove),
    );
  }
}
