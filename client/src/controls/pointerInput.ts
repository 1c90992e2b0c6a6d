export interface PointerCallbacks {
  /** Turn the view by screen pixels. */
  look(dx: number, dy: number): void;
  /** The pointer (or, in mouse-look, the crosshair) is over canvas pixel (x, y). */
  hover(x: number, y: number): void;
  /** A click or tap at canvas pixel (x, y); returns whether it hit something to select. */
  click(x: number, y: number): boolean;
  /** A press at (x, y): return true to drag what is there (a guest to migrate) instead of looking around. */
  grab?(x: number, y: number): boolean;
  /** A grabbed object is being dragged over (x, y). */
  drag?(x: number, y: number): void;
  /** The grabbed object was released at (x, y), or the drag was cancelled (null). */
  drop?(at: { x: number; y: number } | null): void;
}

const DRAG_THRESHOLD = 5;
const TOUCH_LOOK_SCALE = 1.4;

/**
 * Canvas pointer handling. A mouse drags to look and clicks to select; a press on something grabbable (a guest's
 * caddy, for migration) drags it instead; clicking empty floor enters mouse-look
 * (pointer lock, Esc leaves), where the crosshair aims and a click selects what it covers. A finger drags to look
 * and taps to select.
 */
export class PointerInput {
  private down: { id: number; x: number; y: number; dragged: boolean; touch: boolean; grabbed: boolean } | null = null;
  private readonly listeners: Array<[string, EventListener, EventTarget]> = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly callbacks: PointerCallbacks,
  ) {
    const on = <E extends Event>(target: EventTarget, type: string, fn: (e: E) => void) => {
      const listener = fn as EventListener;
      target.addEventListener(type, listener);
      this.listeners.push([type, listener, target]);
    };
    on<PointerEvent>(canvas, "pointerdown", (e) => this.onDown(e));
    on<PointerEvent>(canvas, "pointermove", (e) => this.onMove(e));
    on<PointerEvent>(canvas, "pointerup", (e) => this.onUp(e));
    on<PointerEvent>(canvas, "pointercancel", () => {
      if (this.down?.grabbed) this.callbacks.drop?.(null);
      this.down = null;
    });
    on<Event>(canvas, "contextmenu", (e) => e.preventDefault());
  }

  get locked(): boolean {
    return document.pointerLockElement === this.canvas;
  }

  requestMouseLook(): void {
    if (this.locked || !this.canvas.requestPointerLock) return;
    try {
      const result = this.canvas.requestPointerLock() as unknown;
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // Refused (iframe without permission, headless): drag-to-look still works.
    }
  }

  releaseMouseLook(): void {
    if (this.locked) document.exitPointerLock();
  }

  dispose(): void {
    for (const [type, listener, target] of this.listeners) target.removeEventListener(type, listener);
    this.listeners.length = 0;
  }

  private local(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  }

  private centre(): [number, number] {
    return [this.canvas.clientWidth / 2, this.canvas.clientHeight / 2];
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0 && e.pointerType === "mouse") return;
    this.canvas.focus({ preventScroll: true });
    const local = this.local(e);
    const grabbed = !this.locked && (this.callbacks.grab?.(local.x, local.y) ?? false);
    this.down = { id: e.pointerId, x: e.clientX, y: e.clientY, dragged: false, touch: e.pointerType !== "mouse", grabbed };
    this.canvas.setPointerCapture?.(e.pointerId);
  }

  private onMove(e: PointerEvent): void {
    if (this.locked) {
      this.callbacks.look(e.movementX, e.movementY);
      this.callbacks.hover(...this.centre());
      return;
    }
    const down = this.down;
    if (down && down.id === e.pointerId) {
      if (!down.dragged && Math.hypot(e.clientX - down.x, e.clientY - down.y) > DRAG_THRESHOLD) down.dragged = true;
      if (down.dragged && down.grabbed) {
        const local = this.local(e);
        this.callbacks.drag?.(local.x, local.y);
        return;
      }
      if (down.dragged) {
        // A finger grabs the world (drag right turns left); a mouse steers like mouse-look.
        const k = down.touch ? -TOUCH_LOOK_SCALE : 1;
        this.callbacks.look(e.movementX * k, e.movementY * k);
        return;
      }
    }
    if (e.pointerType === "mouse") {
      const rect = this.canvas.getBoundingClientRect();
      this.callbacks.hover(e.clientX - rect.left, e.clientY - rect.top);
    }
  }

  private onUp(e: PointerEvent): void {
    const down = this.down;
    this.down = null;
    if (this.locked) {
      if (e.button === 0) this.callbacks.click(...this.centre());
      return;
    }
    if (down?.grabbed && down.id === e.pointerId && down.dragged) {
      this.callbacks.drop?.(this.local(e));
      return;
    }
    if (down?.grabbed) this.callbacks.drop?.(null);
    if (!down || down.id !== e.pointerId || down.dragged) return;
    const rect = this.canvas.getBoundingClientRect();
    const hit = this.callbacks.click(e.clientX - rect.left, e.clientY - rect.top);
    if (!hit && !down.touch) this.requestMouseLook();
  }
}
