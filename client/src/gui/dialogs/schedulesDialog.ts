import { is } from "superstruct";
import { StorageId, Vmid } from "../../../../shared/src/commands.ts";
import { roleAllows, type Role } from "../../../../shared/src/protocol.ts";
import type { Estate } from "../../model/estate.ts";
import { wholeNumber } from "../../model/commandForms.ts";
import type { ApiClient, NewSchedule, Schedule } from "../../net/api.ts";
import { clear, h } from "../dom.ts";
import { button, field, input, select, Sheet, statusLine } from "./sheet.ts";
import { formatDate } from "../../model/format.ts";

export interface ScheduleForm {
  cluster: string;
  target: "vmid" | "tag";
  vmid: string;
  tag: string;
  cron: string;
  storage: string;
  keepLast: string;
}

/** Checks the add form (the server validates the cron expression fully) and builds the request body. */
export function scheduleFromForm(form: ScheduleForm): { ok: true; schedule: NewSchedule } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const vmid = form.target === "vmid" ? wholeNumber(form.vmid) : undefined;
  if (form.target === "vmid" && !is(vmid, Vmid)) errors.vmid = "A VMID from 100 up.";
  const tag = form.tag.trim();
  if (form.target === "tag" && !/^[a-zA-Z0-9_][a-zA-Z0-9_.+-]*$/.test(tag)) errors.tag = "A Proxmox tag: letters, digits, _ . + -.";
  const cron = form.cron.trim().split(/\s+/);
  if (cron.length !== 5) errors.cron = "Five fields: minute hour day month weekday, e.g. 0 3 * * *.";
  const storage = form.storage.trim();
  if (storage && !is(storage, StorageId)) errors.storage = "A storage id, e.g. local or pbs.";
  const keepLast = wholeNumber(form.keepLast);
  if (keepLast === undefined || !Number.isInteger(keepLast) || keepLast < 1 || keepLast > 365) errors.keepLast = "How many backups to keep: 1 to 365.";
  if (!form.cluster) errors.cluster = "Pick a cluster.";
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    schedule: { cluster: form.cluster, vmid: form.target === "vmid" ? vmid! : null, tag: form.target === "tag" ? tag : null, cron: cron.join(" "), storage: storage || null, keepLast: keepLast! },
  };
}

/** Backup schedules: what is backed up when (with the next runs), add one, remove one. */
export class SchedulesDialog {
  private readonly sheet: Sheet;

  constructor(
    parent: HTMLElement,
    private readonly deps: { api: ApiClient; estate: Estate; role(): Role; confirm(title: string, message: string, label: string): Promise<boolean> },
  ) {
    this.sheet = new Sheet(parent, "schedules");
  }

  async open(): Promise<void> {
    this.sheet.setTitle("Backup schedules", "Backups Proximity starts on a timetable");
    const list = h("div", {});
    const status = statusLine("schedules-status");
    this.sheet.show(list, status.root, this.addForm(() => void this.reload(list, status)));
    await this.reload(list, status);
  }

  private async reload(list: HTMLElement, status: ReturnType<typeof statusLine>): Promise<void> {
    let schedules: Schedule[];
    try {
      schedules = await this.deps.api.schedules();
    } catch (error) {
      status.set(`Schedules could not be listed: ${(error as Error).message}`, "error");
      return;
    }
    clear(list);
    if (schedules.length === 0) {
      list.append(h("p", { class: "sheet__note" }, "No schedule yet."));
      return;
    }
    const rows = schedules.map((s) => {
      const what = s.vmid !== null ? `Guest ${s.vmid}` : `Tag #${s.tag}`;
      const remove = button("Remove…", "danger", { "data-testid": "schedule-remove" }, this.changeReason());
      remove.addEventListener("click", async () => {
        if (!(await this.deps.confirm("Remove the schedule?", `${what} on ${s.cluster} is no longer backed up at ${s.cron}. Existing backups stay.`, "Remove"))) return;
        try {
          await this.deps.api.removeSchedule(s.id);
          await this.reload(list, status);
        } catch (error) {
          status.set(`Not removed: ${(error as Error).message}`, "error");
        }
      });
      return h(
        "tr",
        {},
        h("td", {}, h("b", {}, what), h("div", { class: "muted" }, s.cluster)),
        h("td", { class: "mono" }, s.cron),
        h("td", {}, s.storage ?? "default", h("div", { class: "muted" }, `keep ${s.keepLast}`)),
        h("td", {}, ...s.nextRuns.slice(0, 3).map((t) => h("div", { class: "mono" }, formatDate(t)))),
        h("td", { class: "actions" }, remove),
      );
    });
    list.append(h("table", { class: "table", "data-testid": "schedules-list" }, h("thead", {}, h("tr", {}, ...["Backs up", "When (cron)", "Storage", "Next runs", ""].map((t) => h("th", {}, t)))), h("tbody", {}, ...rows)));
  }

  /** Changing schedules needs the operator role (the server checks it too). */
  private changeReason(): string | null {
    return roleAllows(this.deps.role(), "operator") ? null : "Needs the operator role.";
  }

  private addForm(onAdded: () => void): HTMLElement {
    const cluster = select([...this.deps.estate.clusters.values()].map((c) => ({ value: c.id, label: c.name })));
    const target = select([
      { value: "vmid", label: "One guest (VMID)" },
      { value: "tag", label: "Every guest with a tag" },
    ]);
    const vmid = input({ type: "number", min: 100, placeholder: "101" });
    const tag = input({ type: "text", placeholder: "prod" });
    const cron = input({ type: "text", value: "0 3 * * *", spellcheck: "false" });
    const storage = input({ type: "text", placeholder: "Default" });
    const keepLast = input({ type: "number", min: 1, value: 7 });
    const fields = {
      cluster: field("Cluster", cluster),
      target: field("Backs up", target),
      vmid: field("VMID", vmid),
      tag: field("Tag", tag),
      cron: field("When (cron)", cron, "minute hour day month weekday"),
      storage: field("Storage", storage),
      keepLast: field("Keep last", keepLast),
    };
    const toggle = () => {
      fields.vmid.root.hidden = target.value !== "vmid";
      fields.tag.root.hidden = target.value !== "tag";
    };
    target.addEventListener("change", toggle);
    toggle();
    const status = statusLine("schedule-add-status");
    const add = button("Add schedule", "primary", { "data-testid": "schedule-add" }, this.changeReason());
    add.addEventListener("click", async () => {
      const result = scheduleFromForm({ cluster: cluster.value, target: target.value === "tag" ? "tag" : "vmid", vmid: vmid.value, tag: tag.value, cron: cron.value, storage: storage.value, keepLast: keepLast.value });
      for (const [key, f] of Object.entries(fields)) f.setError(result.ok ? undefined : result.errors[key]);
      if (!result.ok) return;
      try {
        await this.deps.api.addSchedule(result.schedule);
        status.set("Schedule added.", "ok");
        onAdded();
      } catch (error) {
        status.set(`Not added: ${(error as Error).message}`, "error");
      }
    });
    return h("section", { "aria-label": "Add a schedule" }, h("h3", { class: "oplog__title" }, "Add a schedule"), h("div", { class: "form-grid" }, ...Object.values(fields).map((f) => f.root)), status.root, h("div", { class: "sheet__actions" }, add));
  }
}
