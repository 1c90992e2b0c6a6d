import type { Estate } from "./estate.ts";

const ended = (state: string | undefined) => state === "succeeded" || state === "failed";

/** Runs a callback once an operation ends (at once if it already has), for lists that reload afterwards. */
export class OperationEndings {
  private readonly waiting = new Map<string, () => void>();

  constructor(private readonly estate: Estate) {
    estate.subscribe((changes) => {
      for (const id of changes.operations) {
        const fn = this.waiting.get(id);
        if (fn && ended(estate.operations.get(id)?.state)) {
          this.waiting.delete(id);
          fn();
        }
      }
    });
  }

  when(operationId: string, fn: () => void): void {
    if (ended(this.estate.operations.get(operationId)?.state)) fn();
    else this.waiting.set(operationId, fn);
  }
}
