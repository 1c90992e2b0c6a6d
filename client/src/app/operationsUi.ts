import type { Role } from "../../../shared/src/protocol.ts";
import { roleAllows } from "../../../shared/src/protocol.ts";
import { CatalogDialog } from "../gui/catalog/catalogDialog.ts";
import { AuditDialog } from "../gui/dialogs/auditDialog.ts";
import { ClustersDialog } from "../gui/dialogs/clustersDialog.ts";
import { GuestOpsDialog } from "../gui/dialogs/guestOpsDialog.ts";
import { SchedulesDialog } from "../gui/dialogs/schedulesDialog.ts";
import { SecretsDialog } from "../gui/dialogs/secretsDialog.ts";
import { StorageBackupsDialog } from "../gui/dialogs/storageBackupsDialog.ts";
import { h } from "../gui/dom.ts";
import type { Estate } from "../model/estate.ts";
import { roleReason, type GuestOperationId } from "../model/guestOperations.ts";
import { guestKey } from "../../../shared/src/protocol.ts";
import type { OperationRecord } from "../model/records.ts";
import type { ApiClient } from "../net/api.ts";
import type { CommandRunner } from "./commandRunner.ts";

export interface OperationsUiDeps {
  overlay: HTMLElement;
  estate: Estate;
  api: ApiClient;
  runner(): CommandRunner;
  role(): Role;
  confirm(title: string, message: string, confirmLabel: string): Promise<boolean>;
  banner(message: string, error: boolean): void;
}

/**
 * The HUD side of guest management: the guest operations sheet, the app catalog, the secrets shown after a deploy,
 * backups by storage, and the admin sheets for clusters and backup schedules. The hall, the panel and the guest list call into it.
 */
export class OperationsUi {
  private readonly guestOps: GuestOpsDialog;
  private readonly catalog: CatalogDialog;
  private readonly secrets: SecretsDialog;
  private readonly clusters: ClustersDialog;
  private readonly schedules: SchedulesDialog;
  private readonly audit: AuditDialog;
  private readonly storageBackups: StorageBackupsDialog;
  /** Deploys started here, by operation id: their app's name, for the secrets sheet. */
  private readonly deploys = new Map<string, string>();

  constructor(private readonly deps: OperationsUiDeps) {
    const { overlay, estate, api, role } = deps;
    this.guestOps = new GuestOpsDialog(overlay, {
      estate,
      api,
      role,
      send: (name, payload, key) => deps.runner().send(name, payload, key),
      onAccepted: (message) => deps.banner(message, false),
    });
    this.catalog = new CatalogDialog(overlay, {
      estate,
      api,
      role,
      deploy: (payload) => deps.runner().send("app.deploy", payload, null),
      onDeploying: (id, app) => {
        this.deploys.set(id, app.name);
        deps.banner(`Deploying ${app.name}… follow it in the operations log.`, false);
      },
    });
    this.secrets = new SecretsDialog(overlay, api);
    this.clusters = new ClustersDialog(overlay, { api, confirm: deps.confirm });
    this.schedules = new SchedulesDialog(overlay, { api, estate, role, confirm: deps.confirm });
    this.audit = new AuditDialog(overlay, { api });
    this.storageBackups = new StorageBackupsDialog(overlay, { api, estate, role, send: (name, payload, key, absent) => deps.runner().send(name, payload, key, absent) });
  }

  openOperation(key: string, operation: GuestOperationId): void {
    this.guestOps.open(key, operation);
  }

  openCatalog(): void {
    void this.catalog.open();
  }

  canMigrate(): boolean {
    return roleReason("guest.migrate", this.deps.role()) === null;
  }

  /** A caddy was dropped on another host: the runner asks with the shared migration text, then sends. */
  migrate(key: string, node: string): void {
    const guest = this.deps.estate.guests.get(key);
    if (!guest) return;
    void this.deps.runner().send("guest.migrate", { cluster: guest.clusterId, vmid: guest.vmid, node }, key);
  }

  /** One of this client's operations ended: a successful deploy shows its generated secrets, once. */
  onOutcome(op: OperationRecord): void {
    const app = this.deploys.get(op.id);
    if (app === undefined) return;
    this.deploys.delete(op.id);
    if (op.state !== "succeeded") return;
    const guest = this.deps.estate.guests.get(guestKey(op.clusterId, op.targetVmid || op.vmid));
    void this.secrets.show(op.id, app, guest ? `${guest.name} (${guest.vmid}) on ${guest.node}` : op.summary);
  }

  /**
   * HUD toolbar buttons: the catalog, backups by storage and backup schedules for everyone (acting on them needs an
   * operator or admin), clusters and the audit log for admins.
   */
  tools(): HTMLButtonElement[] {
    const tool = (label: string, testId: string, open: () => void) => {
      const el = h("button", { class: "tool", type: "button", "data-testid": testId }, label);
      el.addEventListener("click", open);
      return el;
    };
    const tools = [
      tool("Catalog", "open-catalog", () => this.openCatalog()),
      tool("Backups", "open-storage-backups", () => void this.storageBackups.open()),
      tool("Schedules", "open-schedules", () => void this.schedules.open()),
    ];
    if (roleAllows(this.deps.role(), "admin")) {
      tools.push(tool("Clusters", "open-clusters", () => void this.clusters.open()), tool("Audit", "open-audit", () => void this.audit.open()));
    }
    return tools;
  }
}
