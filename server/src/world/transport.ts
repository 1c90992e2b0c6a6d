import type { Transport } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";

/** Client messages are small commands; anything larger is refused by the socket itself. */
const MAX_MESSAGE_BYTES = 16 * 1024;

export async function createTransport(kind: "ws" | "uws"): Promise<Transport> {
  if (kind === "ws") return new WebSocketTransport({ maxPayload: MAX_MESSAGE_BYTES });
  const moduleName = "@colyseus/uwebsockets-transport";
  try {
    const { uWebSocketsTransport } = (await import(moduleName)) as {
      uWebSocketsTransport: new (options: object) => Transport;
    };
    return new uWebSocketsTransport({ maxPayloadLength: MAX_MESSAGE_BYTES });
  } catch (error) {
    throw new Error(
      `TRANSPORT=uws needs ${moduleName} and its uWebSockets.js binary, which requires glibc 2.38 or newer ` +
        `(install the package on such a system, or use TRANSPORT=ws). Cause: ${(error as Error).message}`,
    );
  }
}
