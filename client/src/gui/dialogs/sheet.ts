import { clear, h } from "../dom.ts";
import "./dialogs.css";

type Child = Node | string | null | undefined | false;

/**
 * A HUD sheet: a modal dialog of dark glass with a title, a close button and a body the owner fills. Escape and the
 * close button close it; focus returns to where it was.
 */
export class Sheet {
  readonly dialog: HTMLDialogElement;
  readonly body: HTMLDivElement;
  private readonly heading: HTMLHeadingElement;
  private readonly subtitle: HTMLDivElement;
  private returnFocus: Element | null = null;

  constructor(
    parent: HTMLElement,
    id: string,
    private readonly onClosed: () => void = () => undefined,
  ) {
    this.heading = h("h2", { id: `${id}-title` });
    this.subtitle = h("div", { class: "sheet__subtitle muted" });
    this.body = h("div", { class: "sheet__body" });
    const close = h("button", { class: "tool sheet__close", type: "button", "aria-label": "Close", "data-testid": `${id}-close` }, "✕");
    this.dialog = h(
      "dialog",
      { class: "sheet", "aria-labelledby": `${id}-title`, "data-testid": id },
      h("header", { class: "sheet__head" }, h("div", {}, this.heading, this.subtitle), close),
      this.body,
    );
    close.addEventListener("click", () => this.close());
    this.dialog.addEventListener("close", () => {
      if (this.returnFocus instanceof HTMLElement) this.returnFocus.focus({ preventScroll: true });
      this.onClosed();
    });
    parent.append(this.dialog);
  }

  get isOpen(): boolean {
    return this.dialog.open;
  }

  setTitle(title: string, subtitle: Child = ""): void {
    this.heading.textContent = title;
    clear(this.subtitle);
    if (subtitle) this.subtitle.append(subtitle);
  }

  show(...children: Child[]): void {
    clear(this.body);
    for (const child of children) if (child) this.body.append(child);
    if (!this.dialog.open) {
      this.returnFocus = document.activeElement;
      if (document.pointerLockElement) document.exitPointerLock();
      this.dialog.showModal();
    }
  }

  close(): void {
    if (this.dialog.open) this.dialog.close();
  }
}

/** A labelled form field with a slot for its validation message. */
export function field(label: string, input: HTMLElement, hint = ""): { root: HTMLLabelElement; setError(message: string | undefined): void } {
  const error = h("span", { class: "field__error", role: "alert" });
  const root = h("label", { class: "field" }, h("span", { class: "field__label" }, label), input, hint ? h("span", { class: "field__hint muted" }, hint) : null, error);
  return {
    root,
    setError(message) {
      error.textContent = message ?? "";
      input.setAttribute("aria-invalid", String(Boolean(message)));
    },
  };
}

export function input(attrs: Record<string, string | number | boolean | undefined>): HTMLInputElement {
  return h("input", { class: "field__input", autocomplete: "off", ...attrs });
}

export function select(options: ReadonlyArray<{ value: string; label: string; disabled?: boolean }>, attrs: Record<string, string | undefined> = {}): HTMLSelectElement {
  const el = h("select", { class: "field__input", ...attrs });
  for (const o of options) el.append(h("option", { value: o.value, disabled: o.disabled === true }, o.label));
  return el;
}

export function button(label: string, kind: "primary" | "danger" | "normal", attrs: Record<string, string | undefined> = {}, disabledReason: string | null = null): HTMLButtonElement {
  const el = h("button", { class: `btn${kind === "normal" ? "" : ` btn--${kind}`}`, type: "button", title: disabledReason ?? undefined, ...attrs }, label);
  el.disabled = disabledReason !== null;
  return el;
}

/** A table of rows, or the `empty` note when there are none. */
export function table(head: string[], rows: HTMLTableRowElement[], empty: string, testId: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "sheet__note", "data-testid": testId }, empty);
  return h("table", { class: "table", "data-testid": testId }, h("thead", {}, h("tr", {}, ...head.map((t) => h("th", {}, t)))), h("tbody", {}, ...rows));
}

/** A status line under a form: progress, the server's refusal, or a result. */
export function statusLine(testId: string): { root: HTMLParagraphElement; set(text: string, tone?: "error" | "info" | "ok"): void } {
  const root = h("p", { class: "sheet__status", role: "status", "aria-live": "polite", "data-testid": testId });
  return {
    root,
    set(text, tone = "info") {
      root.textContent = text;
      root.dataset.tone = tone;
    },
  };
}
