/**
 * A virtual thumbstick for phones and tablets, bottom-right where the keyboard hints were (the operations log keeps
 * the bottom-left): drag inside it to walk (up is forward). Only shown once the device is touched, so desktop users
 * never see it.
 */
export class TouchStick {
  readonly element: HTMLDivElement;
  private readonly knob: HTMLDivElement;
  private active: number | null = null;

  constructor(
    parent: HTMLElement,
    private readonly onMove: (x: number, y: number) => void,
  ) {
    this.element = document.createElement("div");
    this.element.className = "touch-stick";
    this.element.setAttribute("aria-hidden", "true");
    this.knob = document.createElement("div");
    this.knob.className = "touch-stick__knob";
    this.element.append(this.knob);
    parent.append(this.element);
    window.addEventListener("touchstart", this.reveal, { passive: true, once: true });
    this.element.addEventListener("pointerdown", this.start);
    this.element.addEventListener("pointermove", this.move);
    this.element.addEventListener("pointerup", this.end);
    this.element.addEventListener("pointercancel", this.end);
  }

  dispose(): void {
    window.removeEventListener("touchstart", this.reveal);
    this.element.remove();
  }

  /** Also marks the page as touch-driven, so the HUD can drop its keyboard and mouse hints for the stick. */
  private readonly reveal = () => {
    this.element.classList.add("touch-stick--visible");
    this.element.ownerDocument.body.classList.add("touch-controls");
  };

  private readonly start = (e: PointerEvent) => {
    this.active = e.pointerId;
    this.element.setPointerCapture(e.pointerId);
    this.move(e);
  };

  private readonly move = (e: PointerEvent) => {
    if (this.active !== e.pointerId) return;
    const rect = this.element.getBoundingClientRect();
    const radius = rect.width / 2;
    let dx = (e.clientX - (rect.left + radius)) / radius;
    let dy = (e.clientY - (rect.top + radius)) / radius;
    const length = Math.hypot(dx, dy);
    if (length > 1) {
      dx /= length;
      dy /= length;
    }
    this.knob.style.transform = `translate(${dx * radius * 0.6}px, ${dy * radius * 0.6}px)`;
    this.onMove(dx, -dy);
  };

  private readonly end = (e: PointerEvent) => {
    if (this.active !== e.pointerId) return;
    this.active = null;
    this.knob.style.transform = "";
    this.onMove(0, 0);
  };
}
