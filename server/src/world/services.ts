import type { WorldState } from "../../../shared/src/schema/world.ts";
import type { AuthService } from "../auth/service.ts";
import type { Logger } from "../log.ts";
import type { OperationContext } from "../operations/context.ts";
import type { PatchStats } from "./patch-stats.ts";

/** What the room is given: it reaches nothing else. */
export interface WorldServices {
  log: Logger;
  patchStats: PatchStats;
  operations: OperationContext;
  /** Loads the state and subscribes it to the feed (`sendPatch` sends what changed so far at once); resolves to the unsubscribe function. */
  projection(state: WorldState, sendPatch: () => void): Promise<() => void>;
  auth: AuthService;
  /** Browser origins allowed to open the WebSocket besides the server's own host. */
  allowedOrigins: readonly string[];
}
