import { ApiError, type ApiClient } from "../../net/api.ts";
import { h } from "../dom.ts";
import { button, Sheet, statusLine } from "./sheet.ts";

/**
 * Shows the secrets a deploy generated (admin passwords and the like), once: the server hands them out a single
 * time, so the sheet says to store them before closing.
 */
export class SecretsDialog {
  private readonly sheet: Sheet;

  constructor(
    parent: HTMLElement,
    private readonly api: ApiClient,
  ) {
    this.sheet = new Sheet(parent, "secrets");
  }

  async show(operationId: string, appName: string, guestName: string): Promise<void> {
    this.sheet.setTitle(`${appName} is deployed`, guestName);
    const status = statusLine("secrets-status");
    this.sheet.show(status.root);
    status.set("Fetching the generated secrets…");
    try {
      const secrets = await this.api.secrets(operationId);
      const rows = secrets.map((secret) => {
        const copy = button("Copy", "normal");
        copy.addEventListener("click", () => {
          void navigator.clipboard?.writeText(secret.value).then(
            () => (copy.textContent = "Copied"),
            () => (copy.textContent = "Select and copy"),
          );
        });
        return h("div", { class: "secret", "data-testid": "secret" }, h("span", { class: "muted" }, secret.name), h("code", {}, secret.value), copy);
      });
      const done = button(secrets.length ? "I have stored them" : "Close", "primary", { "data-testid": "secrets-done" });
      done.addEventListener("click", () => this.sheet.close());
      this.sheet.show(
        h("p", { class: "sheet__note" }, secrets.length ? "These are shown only this once. Store them in your password manager now." : "This app generated no secrets."),
        ...rows,
        h("div", { class: "sheet__actions" }, done),
      );
    } catch (error) {
      const gone = error instanceof ApiError && error.status === 410;
      status.set(gone ? "These secrets were already shown once and are no longer available." : `The secrets could not be fetched: ${(error as Error).message}`, "error");
    }
  }
}
