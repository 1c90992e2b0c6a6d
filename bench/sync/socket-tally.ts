import { nowMs } from "./stats.ts";

/** What one WebSocket received, by Colyseus message kind. */
export interface Tally {
  fullStateBytes: number;
  patchBytes: number;
  patches: number;
  otherBytes: number;
  /** Arrival (epoch ms) and size of the latest ROOM_STATE_PATCH, before the SDK decoded it. */
  lastPatchAt: number;
  lastPatchBytes: number;
}

/** Colyseus protocol codes are the first byte's low 5 bits (@colyseus/shared-types Protocol). */
const PROTOCOL_CODE_MASK = 0x1f;
const tallies = new WeakMap<object, Tally>();
const all: Tally[] = [];

/**
 * Replaces globalThis.WebSocket with a subclass that counts what each socket receives. The SDK
 * reads globalThis.WebSocket once, when it is first imported, so call this before importing it.
 * The counting listener is added before the SDK's own onmessage, so it sees each message's
 * arrival before the SDK decodes it.
 */
export function installCountingWebSocket(codes: { state: number; patch: number }): void {
  const Base = globalThis.WebSocket;
  globalThis.WebSocket = class CountingWebSocket extends Base {
    constructor(url: string | URL, init?: unknown) {
      // The SDK passes Node's { headers, protocols } options object, which Node's WebSocket accepts.
      super(url, init as string[] | undefined);
      const tally: Tally = { fullStateBytes: 0, patchBytes: 0, patches: 0, otherBytes: 0, lastPatchAt: 0, lastPatchBytes: 0 };
      tallies.set(this, tally);
      all.push(tally);
      this.addEventListener("message", (event: MessageEvent) => count(tally, event.data, codes));
    }
  };
}

function count(tally: Tally, data: unknown, codes: { state: number; patch: number }): void {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : null;
  const size = bytes ? bytes.byteLength : Buffer.byteLength(String(data));
  const code = bytes && size > 0 ? bytes[0]! & PROTOCOL_CODE_MASK : -1;
  if (code === codes.state) tally.fullStateBytes += size;
  else if (code === codes.patch) {
    tally.patchBytes += size;
    tally.patches++;
    tally.lastPatchAt = nowMs();
    tally.lastPatchBytes = size;
  } else tally.otherBytes += size;
}

/** The tally of a socket opened after installCountingWebSocket. */
export function tallyOf(socket: object): Tally {
  const tally = tallies.get(socket);
  if (!tally) throw new Error("the SDK did not open its socket through the counting WebSocket");
  return tally;
}

/** Sums over every socket opened so far (reconnections and failed joins included). */
export function tallyTotals(): Omit<Tally, "lastPatchAt" | "lastPatchBytes"> {
  const sum = (pick: (t: Tally) => number) => all.reduce((n, t) => n + pick(t), 0);
  return { fullStateBytes: sum((t) => t.fullStateBytes), patchBytes: sum((t) => t.patchBytes), patches: sum((t) => t.patches), otherBytes: sum((t) => t.otherBytes) };
}
