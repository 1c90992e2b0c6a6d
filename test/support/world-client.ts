import { Callbacks, Client, type Room } from "@colyseus/sdk";
import { ROOM_NAME } from "../../shared/src/protocol.ts";
import { WorldState, type Guest } from "../../shared/src/schema/world.ts";

export type WorldRoomClient = Room<any, WorldState>;

/** Joins the world as a browser would (the real SDK over a real WebSocket) and waits for the full state. */
export async function joinWorld(wsUrl: string, token: string): Promise<WorldRoomClient> {
  const client = new Client(wsUrl);
  client.auth.token = token;
  const room = (await client.joinOrCreate(ROOM_NAME, {}, WorldState)) as WorldRoomClient;
  await waitFor(room, (s) => s.clusters.size > 0);
  return room;
}

/** Resolves when the predicate holds on the client's state, re-checking on every patch. */
export function waitFor(room: WorldRoomClient, predicate: (state: WorldState) => boolean, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      try {
        return room.state !== undefined && predicate(room.state);
      } catch {
        return false;
      }
    };
    if (check()) return resolve();
    const timer = setTimeout(() => {
      room.onStateChange.remove(listener);
      reject(new Error(`state condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = () => {
      if (!check()) return;
      clearTimeout(timer);
      room.onStateChange.remove(listener);
      resolve();
    };
    room.onStateChange(listener);
  });
}

export function findGuest(state: WorldState, clusterId: string, vmid: number): Guest | undefined {
  for (const host of state.clusters.get(clusterId)?.hosts.values() ?? []) {
    const guest = host.guests.get(String(vmid));
    if (guest) return guest;
  }
  return undefined;
}

export { Callbacks };
