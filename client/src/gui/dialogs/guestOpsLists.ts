import { validateCommand } from "../../model/commandForms.ts";
import { formatDate, formatMiB } from "../../model/format.ts";
import { listActionReason } from "../../model/guestOperations.ts";
import type { Backup, Snapshot } from "../../net/api.ts";
import { clear, h } from "../dom.ts";
import type { OpsSection } from "./guestOpsForms.ts";
import { button, field, input, statusLine, table } from "./sheet.ts";

/** Sends a list action and reloads the list when its operation ends. */
async function act(s: OpsSection, status: ReturnType<typeof statusLine>, reload: () => void, started: string, send: () => Promise<string | null>): Promise<void> {
  status.set("Sending…");
  const id = await send();
  if (!id) {
    status.set("Not started (declined or refused; see the banner).", "error");
    return;
  }
  status.set(started);
  s.whenFinished(id, () => {
    status.set("Done.", "ok");
    reload();
  });
}

/** The guest's backups, newest first, with restore over, restore as new and delete. */
export function backupsSection(s: OpsSection): HTMLElement {
  const status = statusLine("backups-status");
  const holder = h("div", {});
  const { clusterId: cluster, vmid } = s.guest;
  const reload = () => {
    status.set("Loading backups…");
    s.api.backups(cluster, vmid).then(
      (list) => {
        status.set("");
        clear(holder);
        holder.append(table(["Taken", "Size", "Storage", "Notes", ""], [...list].sort((a, b) => b.createdAt - a.createdAt).map(row), "No backups of this guest yet.", "backups-list"));
      },
      (error: Error) => status.set(`Backups could not be listed: ${error.message}`, "error"),
    );
  };
  const row = (b: Backup) => {
    const over = button("Restore over…", "danger", { "data-testid": "backup-restore" }, listActionReason("guest.restore", s.context) ?? (s.guest.status === "stopped" ? null : "Shut it down first: a guest is restored while stopped."));
    const asNew = button("Restore as new", "normal", { "data-testid": "backup-restore-new" }, listActionReason("backup.restoreAsNew", s.context));
    const remove = button("Delete…", "danger", { "data-testid": "backup-delete" }, b.protected ? "Protected backups cannot be deleted." : listActionReason("backup.delete", s.context));
    const target = { cluster, vmid, volid: b.volid };
    const send = (name: "guest.restore" | "backup.restoreAsNew" | "backup.delete", started: string) => () => {
      const result = validateCommand(name, target);
      if (!result.ok) {
        status.set(`This backup cannot be used: ${Object.values(result.errors).join(" ")}`, "error");
        return;
      }
      void act(s, status, reload, started, () => s.send(name, result.payload));
    };
    over.addEventListener("click", send("guest.restore", "Restoring over the guest…"));
    asNew.addEventListener("click", send("backup.restoreAsNew", "Restoring as a new guest…"));
    remove.addEventListener("click", send("backup.delete", "Deleting the backup…"));
    return h(
      "tr",
      { "data-volid": b.volid },
      h("td", {}, formatDate(b.createdAt), b.protected ? h("span", { class: "badge", title: "Protected" }, " 🔒") : null),
      h("td", { class: "num" }, formatMiB(b.sizeMiB)),
      h("td", {}, b.storage),
      h("td", { class: "muted" }, b.notes || "—"),
      h("td", { class: "actions" }, over, asNew, remove),
    );
  };
  reload();
  return h("div", {}, holder, status.root);
}

/** Snapshots: take one, roll back to one, delete one. */
export function snapshotsSection(s: OpsSection, takeDisabled: string | null): HTMLElement {
  const status = statusLine("snapshots-status");
  const holder = h("div", {});
  const { clusterId: cluster, vmid } = s.guest;
  const reload = () => {
    s.api.snapshots(cluster, vmid).then(
      (list) => {
        clear(holder);
        const real = list.filter((snap) => snap.name !== "current").sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
        holder.append(table(["Name", "Taken", "Description", ""], real.map(row), "No snapshots yet.", "snapshots-list"));
      },
      (error: Error) => status.set(`Snapshots could not be listed: ${error.message}`, "error"),
    );
  };
  const row = (snap: Snapshot) => {
    const rollback = button("Roll back…", "danger", { "data-testid": "snapshot-rollback" }, listActionReason("snapshot.rollback", s.context));
    const remove = button("Delete…", "danger", { "data-testid": "snapshot-delete" }, listActionReason("snapshot.delete", s.context));
    rollback.addEventListener("click", () => void act(s, status, reload, "Rolling back…", () => s.send("snapshot.rollback", { cluster, vmid, snapname: snap.name })));
    remove.addEventListener("click", () => void act(s, status, reload, "Deleting the snapshot…", () => s.send("snapshot.delete", { cluster, vmid, snapname: snap.name })));
    return h("tr", {}, h("td", { class: "mono" }, snap.name), h("td", {}, formatDate(snap.createdAt)), h("td", { class: "muted" }, snap.description || "—"), h("td", { class: "actions" }, rollback, remove));
  };

  const name = input({ type: "text", placeholder: "before-upgrade", maxlength: 40, "data-testid": "snapshot-name" });
  const description = input({ type: "text", maxlength: 200, placeholder: "Optional", "data-testid": "snapshot-description" });
  const fields = { snapname: field("New snapshot", name), description: field("Description", description) };
  const take = button("Take snapshot", "primary", { "data-testid": "snapshot-submit" }, takeDisabled);
  take.addEventListener("click", () => {
    const result = validateCommand("guest.snapshot", { cluster, vmid, snapname: name.value.trim(), description: description.value.trim() || undefined });
    for (const [key, f] of Object.entries(fields)) f.setError(result.ok ? undefined : result.errors[key]);
    if (!result.ok) return;
    void act(s, status, reload, `Taking snapshot ${result.payload.snapname}…`, () => s.send("guest.snapshot", result.payload));
  });
  reload();
  return h("div", {}, h("div", { class: "form-grid" }, fields.snapname.root, fields.description.root), h("div", { class: "sheet__actions" }, take), holder, status.root);
}
