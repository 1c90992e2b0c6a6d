/** Socket errors of a request sent on a kept-alive connection the server was closing. */
const CLOSED_CONNECTION = new Set(["UND_ERR_SOCKET", "ECONNRESET"]);

export const fetchRetries = { closedConnection: 0, lastFailure: "" };

/**
 * Node's fetch reuses a kept-alive connection even when the server has just closed it for being
 * idle (late, when its event loop was busy); the request then fails with "other side closed" or
 * ECONNRESET before the server read it. Browsers send such a request again; so does this wrapper
 * (counted). It also keeps the cause of any other failure, which the SDK's MatchMakeError drops.
 */
export function installRetryingFetch(): void {
  const base = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    try {
      return await base(input, init);
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? "";
      if (!CLOSED_CONNECTION.has(code)) {
        fetchRetries.lastFailure = describeError(error);
        throw error;
      }
      fetchRetries.closedConnection++;
      return base(input, init);
    }
  };
}

/** An error and its causes ("fetch failed" alone names no reason). */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e !== undefined && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    if (!(e instanceof Error)) break;
  }
  return parts.join(" ← ");
}
