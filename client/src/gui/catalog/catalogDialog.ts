import type { CommandPayload } from "../../../../shared/src/commands.ts";
import type { Role } from "../../../../shared/src/protocol.ts";
import { roleReason } from "../../model/guestOperations.ts";
import { validateCommand, wholeNumber } from "../../model/commandForms.ts";
import type { Estate } from "../../model/estate.ts";
import { formatMiB } from "../../model/format.ts";
import type { ApiClient, CatalogApp } from "../../net/api.ts";
import { clear, h } from "../dom.ts";
import { button, field, input, select, Sheet, statusLine } from "../dialogs/sheet.ts";
import { belowMinimums, categoriesOf, filterApps } from "./catalogFilter.ts";

export interface CatalogDeps {
  estate: Estate;
  api: ApiClient;
  role(): Role;
  deploy(payload: CommandPayload<"app.deploy">): Promise<string | null>;
  /** The deploy was accepted; the sheet has closed. */
  onDeploying(operationId: string, app: CatalogApp): void;
}

const AUTO = "";

/**
 * The app catalog, opened from the terminal in the hall or the HUD: browse by category, search, pick an app, choose
 * where it goes (a node, or the one with the most free memory, named before you confirm) and its size (prefilled
 * with the app's minimums), and deploy. Compose apps are listed but cannot be deployed yet; the card says why.
 */
export class CatalogDialog {
  private readonly sheet: Sheet;
  private apps: CatalogApp[] = [];
  private category: string | null = null;
  private selected: CatalogApp | null = null;
  private readonly search = input({ type: "search", placeholder: "Search apps", "aria-label": "Search apps", "data-testid": "catalog-search" });
  private readonly categories = h("div", { class: "tabs", role: "tablist", "aria-label": "Categories" });
  private readonly grid = h("div", { class: "catalog__grid", role: "list", "data-testid": "catalog-grid" });
  private readonly detail = h("div", { class: "catalog__detail", "data-testid": "catalog-detail" });
  private readonly status = statusLine("catalog-status");

  constructor(
    parent: HTMLElement,
    private readonly deps: CatalogDeps,
  ) {
    this.sheet = new Sheet(parent, "catalog");
    this.search.addEventListener("input", () => this.renderGrid());
  }

  get isOpen(): boolean {
    return this.sheet.isOpen;
  }

  async open(): Promise<void> {
    this.sheet.setTitle("App catalog", "Pick an app, choose where it runs, deploy.");
    this.sheet.show(
      h("div", { class: "catalog" }, h("div", { class: "catalog__filters" }, this.search, this.categories, this.grid), this.detail),
      this.status.root,
    );
    this.search.focus();
    this.status.set("Loading the catalog…");
    try {
      const catalog = await this.deps.api.catalog();
      this.apps = catalog.apps;
      this.status.set(catalog.problems.length ? `${catalog.problems.length} catalog entries were skipped as invalid (${catalog.problems.map((p) => p.file).join(", ")}).` : "", catalog.problems.length ? "error" : "info");
    } catch (error) {
      this.status.set(`The catalog could not be loaded: ${(error as Error).message}`, "error");
    }
    this.renderCategories();
    this.renderGrid();
    this.renderDetail();
  }

  private renderCategories(): void {
    clear(this.categories);
    const entries: Array<{ name: string | null; label: string }> = [{ name: null, label: `All ${this.apps.length}` }, ...categoriesOf(this.apps).map((c) => ({ name: c.name, label: `${c.name} ${c.count}` }))];
    for (const entry of entries) {
      const tab = h("button", { class: "tab", type: "button", role: "tab", "aria-selected": String(entry.name === this.category) }, entry.label);
      tab.addEventListener("click", () => {
        this.category = entry.name;
        this.renderCategories();
        this.renderGrid();
      });
      this.categories.append(tab);
    }
  }

  private renderGrid(): void {
    clear(this.grid);
    const apps = filterApps(this.apps, this.category, this.search.value);
    for (const app of apps) {
      const unavailable = app.route === "compose";
      const card = h(
        "button",
        { class: `app-card${unavailable ? " app-card--unavailable" : ""}`, type: "button", role: "listitem", "aria-pressed": String(this.selected?.id === app.id), "data-testid": `catalog-app-${app.id}` },
        h("b", {}, app.name),
        h("span", { class: "muted" }, `${app.category} · ${app.version}`),
        unavailable ? h("span", { class: "badge badge--warn" }, "Unavailable") : null,
      );
      card.addEventListener("click", () => {
        this.selected = app;
        this.renderGrid();
        this.renderDetail();
      });
      this.grid.append(card);
    }
    if (this.apps.length > 0 && apps.length === 0) this.grid.append(h("p", { class: "sheet__note" }, "No app matches."));
  }

  private renderDetail(): void {
    clear(this.detail);
    const app = this.selected;
    if (!app) {
      this.detail.append(h("p", { class: "sheet__note" }, "Choose an app to see what it needs and where it would run."));
      return;
    }
    this.detail.append(
      h("h3", {}, app.name, " ", h("span", { class: "muted mono" }, app.version)),
      h("p", { class: "sheet__note" }, app.description),
      h("div", { class: "muted mono" }, app.image ? app.image.reference : "", app.port ? ` · port ${app.port}` : ""),
    );
    if (app.website) this.detail.append(h("a", { href: app.website, target: "_blank", rel: "noopener noreferrer" }, "Project website ↗"));
    if (app.route === "compose") {
      this.detail.append(h("p", { class: "sheet__status", "data-tone": "error", "data-testid": "catalog-unavailable" }, `Unavailable: ${app.composeReason ?? "this app needs Docker Compose, which Proximity cannot deploy yet."}`));
      return;
    }
    this.detail.append(this.deployForm(app));
  }

  private deployForm(app: CatalogApp): HTMLElement {
    const clusters = [...this.deps.estate.clusters.values()].filter((c) => c.status !== "offline");
    const cluster = select(clusters.map((c) => ({ value: c.id, label: c.name })), { "data-testid": "deploy-cluster" });
    const node = select([], { "data-testid": "deploy-node" });
    const name = input({ type: "text", value: app.id.slice(0, 63), "data-testid": "deploy-name" });
    const cores = input({ type: "number", min: app.minimums.cores, value: app.minimums.cores, "data-testid": "deploy-cores" });
    const memory = input({ type: "number", min: app.minimums.memoryMiB, step: 64, value: app.minimums.memoryMiB, "data-testid": "deploy-memory" });
    const disk = input({ type: "number", min: app.minimums.diskGiB, value: app.minimums.diskGiB, "data-testid": "deploy-disk" });
    const fields = {
      cluster: field("Cluster", cluster),
      node: field("Node", node),
      name: field("Name", name),
      cores: field("Cores", cores),
      memoryMiB: field("Memory (MiB)", memory),
      diskGiB: field("Disk (GiB)", disk),
    };
    const placement = h("div", { class: "placement", role: "status", "aria-live": "polite", "data-testid": "deploy-placement" }, "…");
    const status = statusLine("deploy-status");
    const go = button("Deploy", "primary", { "data-testid": "deploy-submit" }, roleReason("app.deploy", this.deps.role()) ?? (clusters.length ? null : "No cluster is online."));
    let target: string | null = null;
    let placementRequest = 0;

    const fillNodes = () => {
      clear(node);
      node.append(h("option", { value: AUTO }, "Most free memory"));
      for (const host of [...this.deps.estate.hosts.values()].filter((x) => x.clusterId === cluster.value).sort((a, b) => a.node.localeCompare(b.node))) {
        node.append(h("option", { value: host.node, disabled: host.status !== "online" }, `${host.node} · ${formatMiB(host.maxMemMiB - host.memMiB)} free${host.status === "online" ? "" : ` · ${host.status}`}`));
      }
    };
    const updatePlacement = async () => {
      const request = ++placementRequest;
      target = null;
      go.disabled = true;
      if (node.value !== AUTO) {
        target = node.value;
        placement.textContent = `Runs on ${target}.`;
      } else {
        const memoryMiB = wholeNumber(memory.value) ?? app.minimums.memoryMiB;
        placement.textContent = "Finding the node with the most free memory…";
        try {
          const answer = await this.deps.api.placement(cluster.value, Number.isFinite(memoryMiB) ? memoryMiB : app.minimums.memoryMiB);
          if (request !== placementRequest) return;
          const best = answer.candidates.find((c) => c.node === answer.node);
          target = answer.node;
          placement.textContent = answer.node ? `Runs on ${answer.node}${best ? ` (${formatMiB(best.freeMiB)} free)` : ""}, the node with the most free memory.` : "No online node has that much free memory.";
        } catch (error) {
          if (request !== placementRequest) return;
          placement.textContent = `Placement unknown: ${(error as Error).message}`;
        }
      }
      go.disabled = target === null || go.title !== "";
    };
    cluster.addEventListener("change", () => {
      fillNodes();
      void updatePlacement();
    });
    node.addEventListener("change", () => void updatePlacement());
    memory.addEventListener("change", () => void updatePlacement());
    fillNodes();
    void updatePlacement();

    go.addEventListener("click", async () => {
      const form = { cores: wholeNumber(cores.value), memoryMiB: wholeNumber(memory.value), diskGiB: wholeNumber(disk.value) };
      const payload = { cluster: cluster.value, app: app.id, node: target ?? undefined, name: name.value.trim() || undefined, ...form };
      const result = validateCommand("app.deploy", payload, belowMinimums(app, form));
      for (const [key, f] of Object.entries(fields)) f.setError(result.ok ? undefined : result.errors[key]);
      if (!result.ok) return;
      status.set(`Deploying ${app.name} on ${target}…`);
      go.disabled = true;
      const id = await this.deps.deploy(result.payload);
      if (!id) {
        status.set("Not started (refused; see the banner).", "error");
        go.disabled = false;
        return;
      }
      this.sheet.close();
      this.deps.onDeploying(id, app);
    });

    return h(
      "div",
      { class: "catalog__form" },
      h("div", { class: "form-grid" }, ...Object.values(fields).map((f) => f.root)),
      placement,
      status.root,
      h("div", { class: "sheet__actions" }, go),
    );
  }
}
