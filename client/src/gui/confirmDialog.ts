import { confirmCopy, type ConfirmPresenter } from "./confirmRequest.ts";
import { h } from "./dom.ts";

/**
 * A clear modal confirmation for actions that interrupt service (the text comes from the shared command
 * definition). Escape or Cancel refuses; focus starts on Cancel so a stray Enter does nothing harmful. While the
 * hall is seen in a headset, the same request is asked in the world instead (`presentIn`).
 */
export class ConfirmDialog {
  private readonly dialog: HTMLDialogElement;
  private readonly title: HTMLHeadingElement;
  private readonly message: HTMLParagraphElement;
  private readonly confirmButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly typedLabel: HTMLLabelElement;
  private readonly typed: HTMLInputElement;
  private expected: string | null = null;
  private resolve: ((ok: boolean) => void) | null = null;
  private presenter: ConfirmPresenter | null = null;

  constructor(parent: HTMLElement) {
    this.title = h("h2", { id: "confirm-title" });
    this.message = h("p", { id: "confirm-message" });
    this.cancelButton = h("button", { class: "btn", type: "button", "data-testid": "confirm-cancel" }, "Cancel");
    this.confirmButton = h("button", { class: "btn btn--danger", type: "button", "data-testid": "confirm-accept" });
    this.typed = h("input", { class: "field__input", type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "confirm-typed" });
    this.typedLabel = h("label", { class: "field" }, h("span", { class: "field__label" }, ""), this.typed);
    this.dialog = h(
      "dialog",
      { class: "confirm", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-message" },
      this.title,
      this.message,
      this.typedLabel,
      h("div", { class: "actions" }, this.cancelButton, this.confirmButton),
    );
    this.cancelButton.addEventListener("click", () => this.finish(false));
    this.confirmButton.addEventListener("click", () => this.finish(true));
    this.typed.addEventListener("input", () => (this.confirmButton.disabled = this.typed.value !== this.expected));
    this.dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      this.finish(false);
    });
    parent.append(this.dialog);
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  /**
   * Asks in the world through `presenter` from now on (null: back to this dialog). A question open on the surface
   * being left is declined: it was asked where the user no longer looks.
   */
  presentIn(presenter: ConfirmPresenter | null): void {
    this.presenter?.cancel();
    this.finish(false);
    this.presenter = presenter;
  }

  /** With `typeToConfirm`, the confirm button stays disabled until exactly that text is typed. */
  ask(title: string, message: string, confirmLabel: string, typeToConfirm?: string): Promise<boolean> {
    this.finish(false);
    const request = { title, message, confirmLabel, ...(typeToConfirm === undefined ? {} : { typeToConfirm }) };
    if (this.presenter) return this.presenter.ask(request);
    const copy = confirmCopy(request);
    this.title.textContent = copy.title;
    this.message.textContent = copy.message;
    this.confirmButton.textContent = copy.confirmLabel;
    this.expected = typeToConfirm ?? null;
    this.typedLabel.hidden = copy.typedPrompt === null;
    this.typed.value = "";
    this.typedLabel.firstElementChild!.textContent = copy.typedPrompt ?? "";
    this.confirmButton.disabled = typeToConfirm !== undefined;
    if (document.pointerLockElement) document.exitPointerLock();
    this.dialog.showModal();
    (typeToConfirm === undefined ? this.cancelButton : this.typed).focus();
    return new Promise((resolve) => (this.resolve = resolve));
  }

  private finish(ok: boolean): void {
    const resolve = this.resolve;
    this.resolve = null;
    if (this.dialog.open) this.dialog.close();
    resolve?.(ok);
  }
}
