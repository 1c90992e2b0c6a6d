import type { CommandName, CommandPayload } from "../../../../shared/src/commands.ts";
import { cloneRules, optionalText, resizeRules, validateCommand, wholeNumber, type FieldErrors, type FormResult } from "../../model/commandForms.ts";
import type { OperationContext } from "../../model/guestOperations.ts";
import type { GuestRecord } from "../../model/records.ts";
import type { ApiClient } from "../../net/api.ts";
import { h } from "../dom.ts";
import { button, field, input, select, statusLine } from "./sheet.ts";

/** What a section of the guest operations sheet works with. */
export interface OpsSection {
  guest: GuestRecord;
  context: OperationContext;
  api: ApiClient;
  /** Sends through the command runner (confirmation included); the operation id, or null when declined or refused. */
  send<N extends CommandName>(name: N, payload: CommandPayload<N>): Promise<string | null>;
  /** The command was accepted: close the sheet and follow it in the operations log. */
  accepted(message: string): void;
  /** Runs `fn` when the operation ends (lists reload then). */
  whenFinished(operationId: string, fn: () => void): void;
}

type Fields = Record<string, ReturnType<typeof field>>;

/** Validates, shows the messages beside the fields, and sends when valid. */
async function submit<N extends CommandName>(s: OpsSection, name: N, result: FormResult<N>, fields: Fields, status: ReturnType<typeof statusLine>, started: string): Promise<void> {
  for (const [key, f] of Object.entries(fields)) f.setError(result.ok ? undefined : result.errors[key]);
  if (!result.ok) {
    const loose = Object.entries(result.errors).filter(([key]) => !(key in fields));
    status.set(loose.map(([, message]) => message).join(" ") || "Check the highlighted fields.", "error");
    return;
  }
  status.set("Sending…");
  const id = await s.send(name, result.payload);
  if (id) s.accepted(started);
  else status.set("Not started (declined or refused; see the banner).", "error");
}

function nodeOptions(s: OpsSection, includeOwn: boolean) {
  const own = includeOwn ? [{ value: s.guest.node, label: `${s.guest.node} (same node)` }] : [];
  return [...own, ...s.context.otherOnlineNodes.map((n) => ({ value: n, label: n }))];
}

function actions(...children: HTMLElement[]): HTMLDivElement {
  return h("div", { class: "sheet__actions" }, ...children);
}

export function cloneSection(s: OpsSection, disabled: string | null): HTMLElement {
  const name = input({ type: "text", value: `${s.guest.name || `vm${s.guest.vmid}`}-clone`.slice(0, 63), "data-testid": "clone-name" });
  const node = select(nodeOptions(s, true), { "data-testid": "clone-node" });
  const full = h("input", { type: "radio", name: "clone-mode", value: "full", checked: true });
  const linked = h("input", { type: "radio", name: "clone-mode", value: "linked", disabled: !s.guest.template });
  const fields: Fields = { name: field("Name", name), node: field("Node", node), full: field("Copy", h("div", { class: "choice" }, h("label", {}, full, "Full copy"), h("label", { title: s.guest.template ? undefined : "Only templates can be cloned linked." }, linked, "Linked (templates only)"))) };
  const status = statusLine("clone-status");
  const go = button("Clone", "primary", { "data-testid": "clone-submit" }, disabled);
  go.addEventListener("click", () => {
    const form = { cluster: s.guest.clusterId, vmid: s.guest.vmid, name: name.value.trim(), node: node.value === s.guest.node ? undefined : node.value, full: full.checked };
    void submit(s, "guest.clone", validateCommand("guest.clone", form, cloneRules(form, s.guest.template)), fields, status, `Cloning ${s.guest.name} to ${form.name}…`);
  });
  return h("div", {}, h("div", { class: "form-grid" }, ...Object.values(fields).map((f) => f.root)), status.root, actions(go));
}

export function backupSection(s: OpsSection, disabled: string | null): HTMLElement {
  const storage = select([{ value: "", label: "Default backup storage" }], { "data-testid": "backup-storage" });
  void s.api.storages(s.guest.clusterId, "backup").then(
    (list) => {
      for (const st of list.filter((x) => x.node === s.guest.node || x.shared)) storage.append(h("option", { value: st.storage }, `${st.storage} (${st.type}, ${Math.round(st.availMiB / 1024)} GiB free)`));
    },
    (error: Error) => status.set(`Storages could not be listed: ${error.message}`, "error"),
  );
  const notes = input({ type: "text", maxlength: 200, placeholder: "Optional", "data-testid": "backup-notes" });
  const fields: Fields = { storage: field("Storage", storage), notes: field("Notes", notes) };
  const status = statusLine("backup-status");
  const go = button("Back up now", "primary", { "data-testid": "backup-submit" }, disabled);
  go.addEventListener("click", () => {
    const form = { cluster: s.guest.clusterId, vmid: s.guest.vmid, storage: optionalText(storage.value), notes: optionalText(notes.value) };
    void submit(s, "guest.backup", validateCommand("guest.backup", form), fields, status, `Backing up ${s.guest.name}…`);
  });
  return h("div", {}, h("div", { class: "form-grid" }, ...Object.values(fields).map((f) => f.root)), status.root, actions(go));
}

export function resizeSection(s: OpsSection, disabled: string | null): HTMLElement {
  const currentDiskGiB = Math.round(s.guest.maxDiskMiB / 1024);
  const cores = input({ type: "number", min: 1, max: 512, value: s.guest.cpus, "data-testid": "resize-cores" });
  const memory = input({ type: "number", min: 64, step: 64, value: s.guest.maxMemMiB, "data-testid": "resize-memory" });
  const disk = input({ type: "number", min: currentDiskGiB + 1, value: currentDiskGiB, "data-testid": "resize-disk" });
  const fields: Fields = {
    cores: field("Cores", cores),
    memoryMiB: field("Memory (MiB)", memory),
    diskGiB: field("Root disk (GiB)", disk, "Grow only: disks cannot shrink."),
  };
  const status = statusLine("resize-status");
  const go = button("Resize", "primary", { "data-testid": "resize-submit" }, disabled);
  go.addEventListener("click", () => {
    const changed = (el: HTMLInputElement, current: number) => {
      const value = wholeNumber(el.value);
      return value === current ? undefined : value;
    };
    const form = { cores: changed(cores, s.guest.cpus), memoryMiB: changed(memory, s.guest.maxMemMiB), diskGiB: changed(disk, currentDiskGiB) };
    const extra: FieldErrors = resizeRules(form, currentDiskGiB);
    void submit(s, "guest.resize", validateCommand("guest.resize", { cluster: s.guest.clusterId, vmid: s.guest.vmid, ...form }, extra), fields, status, `Resizing ${s.guest.name}…`);
  });
  return h("div", {}, h("div", { class: "form-grid" }, ...Object.values(fields).map((f) => f.root)), status.root, actions(go));
}

export function migrateSection(s: OpsSection, disabled: string | null): HTMLElement {
  const node = select(nodeOptions(s, false), { "data-testid": "migrate-node" });
  const fields: Fields = { node: field("Target node", node) };
  const status = statusLine("migrate-status");
  const go = button("Migrate…", "primary", { "data-testid": "migrate-submit" }, disabled);
  go.addEventListener("click", () => {
    const form = { cluster: s.guest.clusterId, vmid: s.guest.vmid, node: node.value };
    void submit(s, "guest.migrate", validateCommand("guest.migrate", form), fields, status, `Migrating ${s.guest.name} to ${node.value}…`);
  });
  const hint = h("p", { class: "sheet__note" }, "You can also drag its drive caddy onto another host's chassis in the hall. The confirmation states the expected downtime.");
  return h("div", {}, h("div", { class: "form-grid" }, fields.node!.root), hint, status.root, actions(go));
}

export function adoptSection(s: OpsSection, disabled: string | null): HTMLElement {
  const app = select([{ value: "", label: "No catalog app" }], { "data-testid": "adopt-app" });
  void s.api.catalog().then(
    (catalog) => {
      for (const a of catalog.apps) app.append(h("option", { value: a.id }, a.name));
    },
    (error: Error) => status.set(`The catalog could not be loaded: ${error.message}`, "error"),
  );
  const fields: Fields = { app: field("It runs", app) };
  const status = statusLine("adopt-status");
  const go = button("Adopt", "primary", { "data-testid": "adopt-submit" }, disabled);
  go.addEventListener("click", () => {
    const form = { cluster: s.guest.clusterId, vmid: s.guest.vmid, app: optionalText(app.value) };
    void submit(s, "guest.adopt", validateCommand("guest.adopt", form), fields, status, `Adopting ${s.guest.name}…`);
  });
  const note = h("p", { class: "sheet__note" }, "Proximity did not create this guest. Adopting it records its app and configuration so it is managed like the guests Proximity deploys; nothing on the guest changes.");
  return h("div", {}, note, h("div", { class: "form-grid" }, fields.app!.root), status.root, actions(go));
}

export function deleteSection(s: OpsSection, disabled: string | null): HTMLElement {
  const status = statusLine("delete-status");
  const go = button(`Delete ${s.guest.name || s.guest.vmid}…`, "danger", { "data-testid": "delete-submit" }, disabled);
  go.addEventListener("click", () => {
    const payload = { cluster: s.guest.clusterId, vmid: s.guest.vmid, confirmName: s.guest.name || String(s.guest.vmid) };
    void submit(s, "guest.delete", validateCommand("guest.delete", payload), {}, status, `Deleting ${s.guest.name}…`);
  });
  const note = h("p", { class: "sheet__note" }, "Deletes the guest and all its disks. Its backups stay. You will be asked to type its name.");
  return h("div", {}, note, status.root, actions(go));
}
