import { auditDetailSummary, auditTime, auditTone, filterAudit, type AuditRecord } from "../../model/audit.ts";
import type { ApiClient } from "../../net/api.ts";
import { clear, h } from "../dom.ts";
import { button, field, input, Sheet, statusLine } from "./sheet.ts";

/** How many of the newest entries the sheet loads; filtering happens on those. */
export const AUDIT_PAGE = 200;

/** The audit log for admins: every sign-in and operation (who, what, target, when, outcome), filterable, refreshable. */
export class AuditDialog {
  private readonly sheet: Sheet;
  private entries: AuditRecord[] = [];

  constructor(
    parent: HTMLElement,
    private readonly deps: { api: ApiClient },
  ) {
    this.sheet = new Sheet(parent, "audit");
  }

  async open(): Promise<void> {
    this.sheet.setTitle("Audit log", `The newest ${AUDIT_PAGE} sign-ins and operations`);
    const target = input({ type: "search", placeholder: "lab/101 or user/ada", "data-testid": "audit-target" });
    const actor = input({ type: "search", placeholder: "ada", "data-testid": "audit-actor" });
    const refresh = button("Refresh", "normal", { "data-testid": "audit-refresh" });
    const list = h("div", { "data-testid": "audit-list" });
    const status = statusLine("audit-status");
    const render = () => this.render(list, { target: target.value, actor: actor.value });
    const reload = async () => {
      refresh.disabled = true;
      status.set("Loading…");
      try {
        this.entries = await this.deps.api.audit(AUDIT_PAGE);
        status.set(`Loaded at ${new Date().toLocaleTimeString()}.`, "ok");
      } catch (error) {
        status.set(`The audit log could not be loaded: ${(error as Error).message}`, "error");
      } finally {
        refresh.disabled = false;
      }
      render();
    };
    target.addEventListener("input", render);
    actor.addEventListener("input", render);
    refresh.addEventListener("click", () => void reload());
    this.sheet.show(
      h("div", { class: "form-grid audit__filters" }, field("Target contains", target).root, field("Actor contains", actor).root, h("div", { class: "audit__refresh" }, refresh)),
      status.root,
      list,
    );
    await reload();
  }

  private render(list: HTMLElement, filter: { target: string; actor: string }): void {
    clear(list);
    const shown = filterAudit(this.entries, filter);
    if (shown.length === 0) {
      list.append(h("p", { class: "sheet__note" }, this.entries.length ? "No entry matches the filter." : "The audit log is empty."));
      return;
    }
    const rows = shown.map((e) => {
      const detail = auditDetailSummary(e.detail);
      return h(
        "tr",
        { "data-testid": "audit-entry", "data-action": e.action, "data-outcome": e.outcome },
        h("td", { class: "audit__time" }, auditTime(e.at)),
        h("td", {}, e.actor),
        h("td", { class: "mono" }, e.action),
        h("td", { class: "mono" }, e.target),
        h("td", { class: `audit__outcome audit__outcome--${auditTone(e.outcome)}` }, e.outcome),
        h("td", { class: "audit__detail muted", title: detail }, detail),
      );
    });
    list.append(
      h("p", { class: "sheet__note", "data-testid": "audit-shown" }, `Showing ${shown.length} of ${this.entries.length}.`),
      h(
        "table",
        { class: "table audit" },
        h("thead", {}, h("tr", {}, ...["When", "Who", "What", "Target", "Outcome", "Detail"].map((t) => h("th", {}, t)))),
        h("tbody", {}, ...rows),
      ),
    );
  }
}
