import { connect, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface Relay {
  /** http://127.0.0.1:port of the relay: open the hall here to go through it. */
  url: string;
  /** Cuts the network: every open connection is reset and new ones are reset as they arrive. */
  cut(): void;
  /** The network is back: new connections reach the server again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay between a browser and the server, standing in for the network between them. Cutting it resets the
 * sockets as a dropped Wi-Fi link or a restarting proxy would: the page sees an abnormal close (1006), not a
 * goodbye from the server, so the client's real reconnection path runs.
 */
export async function startRelay(targetUrl: string): Promise<Relay> {
  const target = new URL(targetUrl);
  const open = new Set<Socket>();
  let down = false;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((incoming) => {
    track(incoming);
    if (down) {
      incoming.resetAndDestroy();
      return;
    }
    const outgoing = connect(Number(target.port), target.hostname);
    track(outgoing);
    incoming.pipe(outgoing);
    outgoing.pipe(incoming);
    incoming.on("close", () => outgoing.destroy());
    outgoing.on("close", () => incoming.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      down = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
