import type { ApiClient, Certificate, ClusterEntry } from "../../net/api.ts";
import { clear, h } from "../dom.ts";
import { button, field, input, Sheet, statusLine } from "./sheet.ts";
import { formatDate } from "../../model/format.ts";

export interface ClustersDeps {
  api: ApiClient;
  confirm(title: string, message: string, confirmLabel: string): Promise<boolean>;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Client-side checks of the add form, before anything is sent; the server checks again and tests the connection. */
export function clusterFormErrors(form: { id: string; name: string; url: string; tokenId: string; secret: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!SLUG.test(form.id)) errors.id = "Lower-case letters, digits and hyphens, e.g. lab or prod-east.";
  if (!form.name.trim()) errors.name = "Give it a name.";
  let url: URL | null = null;
  try {
    url = new URL(form.url);
  } catch {
    url = null;
  }
  if (!url || url.protocol !== "https:") errors.url = "The API's https address, e.g. https://pve1.example.net:8006.";
  if (!/^[^@\s]+@[^!\s]+![^\s]+$/.test(form.tokenId)) errors.tokenId = "An API token id: user@realm!tokenname.";
  if (!form.secret.trim()) errors.secret = "The token's secret.";
  return errors;
}

/**
 * Admin: the Proxmox clusters Proximity manages. Adding one checks its certificate first and shows the fingerprint,
 * which the admin compares with the one on the Proxmox host before trusting it; the server then tests the token.
 */
export class ClustersDialog {
  private readonly sheet: Sheet;

  constructor(
    parent: HTMLElement,
    private readonly deps: ClustersDeps,
  ) {
    this.sheet = new Sheet(parent, "clusters");
  }

  async open(): Promise<void> {
    this.sheet.setTitle("Clusters", "Proxmox VE clusters this Proximity manages");
    const list = h("div", {});
    const status = statusLine("clusters-status");
    this.sheet.show(list, status.root, this.addForm(() => void this.reload(list, status)));
    await this.reload(list, status);
  }

  private async reload(list: HTMLElement, status: ReturnType<typeof statusLine>): Promise<void> {
    let clusters: ClusterEntry[];
    try {
      clusters = await this.deps.api.clusters();
    } catch (error) {
      status.set(`Clusters could not be listed: ${(error as Error).message}`, "error");
      return;
    }
    clear(list);
    if (clusters.length === 0) {
      list.append(h("p", { class: "sheet__note" }, "No cluster yet. Add one below."));
      return;
    }
    const rows = clusters.map((c) => {
      const remove = button("Remove…", "danger", { "data-testid": "cluster-remove" });
      remove.addEventListener("click", async () => {
        const ok = await this.deps.confirm(`Remove ${c.name}?`, `Proximity stops managing ${c.name} (${c.url}). Its guests keep running; they leave the hall.`, "Remove");
        if (!ok) return;
        try {
          await this.deps.api.removeCluster(c.id);
          status.set(`${c.name} removed.`, "ok");
          await this.reload(list, status);
        } catch (error) {
          status.set(`${c.name} could not be removed: ${(error as Error).message}`, "error");
        }
      });
      return h(
        "tr",
        { "data-cluster": c.id },
        h("td", {}, h("b", {}, c.name), h("div", { class: "muted mono" }, c.id)),
        h("td", { class: "mono" }, c.url, h("div", { class: "muted" }, c.tokenId)),
        h("td", { class: c.status === "online" ? "state--running" : "state--error", title: c.lastError ?? undefined }, c.status, c.lastError ? h("div", { class: "muted" }, c.lastError) : null),
        h("td", { class: "actions" }, remove),
      );
    });
    list.append(h("table", { class: "table", "data-testid": "clusters-list" }, h("thead", {}, h("tr", {}, ...["Cluster", "API", "Status", ""].map((t) => h("th", {}, t)))), h("tbody", {}, ...rows)));
  }

  private addForm(onAdded: () => void): HTMLElement {
    const inputs = {
      id: input({ type: "text", placeholder: "lab", "data-testid": "cluster-id" }),
      name: input({ type: "text", placeholder: "Home lab", "data-testid": "cluster-name" }),
      url: input({ type: "url", placeholder: "https://pve1.example.net:8006", "data-testid": "cluster-url" }),
      tokenId: input({ type: "text", placeholder: "proximity@pve!hall", "data-testid": "cluster-token-id" }),
      secret: input({ type: "password", "data-testid": "cluster-secret" }),
    };
    const fields = {
      id: field("Id", inputs.id),
      name: field("Name", inputs.name),
      url: field("API address", inputs.url),
      tokenId: field("API token id", inputs.tokenId),
      secret: field("Token secret", inputs.secret),
    };
    const certificate = h("div", {});
    const status = statusLine("cluster-add-status");
    const probe = button("Check certificate", "primary", { "data-testid": "cluster-probe" });
    const values = () => ({ id: inputs.id.value.trim(), name: inputs.name.value.trim(), url: inputs.url.value.trim(), tokenId: inputs.tokenId.value.trim(), secret: inputs.secret.value });

    probe.addEventListener("click", async () => {
      const form = values();
      const errors = clusterFormErrors(form);
      for (const [key, f] of Object.entries(fields)) f.setError(errors[key]);
      clear(certificate);
      if (Object.keys(errors).length) return;
      status.set(`Reading the certificate of ${form.url}…`);
      let cert: Certificate;
      try {
        cert = await this.deps.api.probeCluster(form.url);
      } catch (error) {
        status.set(`No certificate: ${(error as Error).message}`, "error");
        return;
      }
      status.set("Compare this fingerprint with the one shown on the Proxmox host (Certificates page) before trusting it.");
      const save = button("Trust and add", "primary", { "data-testid": "cluster-save" });
      save.addEventListener("click", async () => {
        save.disabled = true;
        status.set("Testing the connection and saving…");
        try {
          await this.deps.api.addCluster({ ...values(), fingerprint: cert.fingerprint });
          status.set(`${form.name} added.`, "ok");
          inputs.secret.value = "";
          clear(certificate);
          onAdded();
        } catch (error) {
          status.set(`Not added: ${(error as Error).message}`, "error");
          save.disabled = false;
        }
      });
      certificate.append(
        h("div", { class: "fingerprint", "data-testid": "cluster-fingerprint" }, cert.fingerprint),
        h("p", { class: "sheet__note" }, `Subject ${cert.subject} · issued by ${cert.issuer} · valid until ${typeof cert.validTo === "number" ? formatDate(cert.validTo) : cert.validTo}`),
        h("div", { class: "sheet__actions" }, save),
      );
    });
    return h("section", { "aria-label": "Add a cluster" }, h("h3", { class: "oplog__title" }, "Add a cluster"), h("div", { class: "form-grid" }, ...Object.values(fields).map((f) => f.root)), h("div", { class: "sheet__actions" }, probe), certificate, status.root);
  }
}
