import type { ClusterStatus } from "../../../shared/src/protocol.ts";
import type { ManagedApp } from "../db/apps.ts";
import type { OperationRecord } from "../db/operations.ts";
import type { EstateUpdate } from "../sync/model.ts";

/** Change events from sync and jobs to the world; the only way either reaches the room. */
export type FeedEvent =
  | { type: "cluster"; clusterId: string; name: string; status: ClusterStatus; error: string; lastSyncAt: number }
  | { type: "cluster.removed"; clusterId: string }
  /** A cycle's observation, metrics included (metrics travel only here, never into Postgres): whole, or what changed. */
  | ({ type: "estate"; clusterId: string } & EstateUpdate)
  /** A listener joined late and needs whole estates: each sync loop makes its next estate event full. */
  | { type: "estate.resend" }
  | { type: "operation"; operation: OperationRecord }
  /** Proximity started or stopped managing a guest (deploy, clone, restore, adopt; delete): `app` null when it stopped. */
  | { type: "app"; clusterId: string; vmid: number; app: ManagedApp | null }
  /** Self-healing at work, or an alert for a person. */
  | {
      type: "event";
      id: string;
      kind: "maintenance" | "alert";
      severity: "info" | "warning" | "error";
      source: string;
      message: string;
      clusterId: string;
      vmid: number;
      at: number;
    }
  /** An alert whose condition is gone. */
  | { type: "event.cleared"; id: string }
  /** Rows of a cluster were rewritten outside its sync loop (the reconciler): reload them. */
  | { type: "estate.rewritten"; clusterId: string }
  /** Sessions that no longer grant access (sign-out, a user disabled or demoted): drop their connections. */
  | { type: "session.revoked"; sessionId: string | null; userId: string | null };

export interface Feed {
  publish(event: FeedEvent): void;
  subscribe(listener: (event: FeedEvent) => void): () => void;
}

/**
 * In-process feed. A listener that throws is reported and never stops delivery to the others,
 * so a bug in one projection cannot silence the world.
 */
export class LocalFeed implements Feed {
  readonly #listeners = new Set<(event: FeedEvent) => void>();

  constructor(private readonly onListenerError: (error: unknown, event: FeedEvent) => void) {}

  publish(event: FeedEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  subscribe(listener: (event: FeedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
