export interface Endpoint {
  /** WebSocket base of the Colyseus server, e.g. ws://host:2567 */
  wsUrl: string;
  /** HTTP base of the same server (sign-in, health, operations API). */
  httpUrl: string;
}

/**
 * Where the server is: the page's own origin (the server serves the client), or `?server=ws://host:port` to point a
 * development build elsewhere. Bad overrides fail loudly rather than silently falling back.
 */
export function resolveEndpoint(href: string): Endpoint {
  const url = new URL(href);
  const override = url.searchParams.get("server");
  if (override !== null) {
    let target: URL;
    try {
      target = new URL(override);
    } catch {
      throw new Error(`?server= must be a ws:// or wss:// URL, got "${override}"`);
    }
    if (target.protocol !== "ws:" && target.protocol !== "wss:") {
      throw new Error(`?server= must be a ws:// or wss:// URL, got "${override}"`);
    }
    const base = `${target.protocol}//${target.host}`;
    return { wsUrl: base, httpUrl: base.replace(/^ws/, "http") };
  }
  const ws = url.protocol === "https:" ? "wss:" : "ws:";
  return { wsUrl: `${ws}//${url.host}`, httpUrl: `${url.protocol}//${url.host}` };
}
