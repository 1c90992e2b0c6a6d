import { h } from "./dom.ts";

/** Full-screen loader with a progress bar and the current step; fades out when the hall is ready. */
export class LoadingScreen {
  private readonly root: HTMLDivElement;
  private readonly fill: HTMLDivElement;
  private readonly step: HTMLDivElement;
  private readonly error: HTMLDivElement;

  constructor(parent: HTMLElement) {
    this.fill = h("div", { class: "loading__fill" });
    this.step = h("div", { class: "loading__step", role: "status", "aria-live": "polite" }, "Starting…");
    this.error = h("div", { class: "loading__error", role: "alert" });
    this.root = h(
      "div",
      { class: "loading", "data-testid": "loading" },
      h(
        "div",
        { class: "loading__box" },
        h("div", { class: "loading__brand" }, h("span", { class: "brand__mark" }), "Proximity"),
        h("div", { class: "loading__track", role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100, "aria-label": "Loading" }, this.fill),
        this.step,
        this.error,
      ),
    );
    parent.append(this.root);
  }

  /** Shows a step; each is also a performance mark ("loading: <step>"), so a profile or bench:client can time it. */
  progress(fraction: number, step: string): void {
    performance.mark(`loading: ${step}`);
    const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    this.fill.style.width = `${pct}%`;
    this.fill.parentElement?.setAttribute("aria-valuenow", String(pct));
    this.step.textContent = step;
  }

  fail(message: string): void {
    this.error.textContent = message;
  }

  done(): void {
    this.progress(1, "Ready");
    this.root.classList.add("loading--done");
    this.root.setAttribute("aria-hidden", "true");
    setTimeout(() => this.root.remove(), 400);
  }
}
