import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { Scene } from "@babylonjs/core/scene";
import { guestKey } from "../../../shared/src/protocol.ts";
import type { Estate } from "../model/estate.ts";
import type { OperationRecord } from "../model/records.ts";
import type { Theme } from "../theme.ts";
import { color3 } from "./assets.ts";
import { CHASSIS, frontToWorldX, type HallLayout } from "./layout.ts";
import { celebrationSweep, motionFor, motionProgress, type CelebrationRecord } from "./motion.ts";

/** How long a finished deploy waits for its new guest to appear in the hall before it goes uncelebrated. */
const PLACE_WAIT_MS = 15_000;

/**
 * Deploys that finished since the last look: an operation of kind `deploy` that is now succeeded and was seen queued
 * or running, or is met for the first time after joining (a quick deploy's first patch can already say succeeded).
 * `seen` remembers every deploy met and whether it had ended; it is updated in place. `joining` marks the batch that
 * brings the room's state on joining: deploys finished in it are history, not news.
 */
export function finishedDeploys(operations: Iterable<OperationRecord>, seen: Map<string, "open" | "ended">, joining: boolean): OperationRecord[] {
  const finished: OperationRecord[] = [];
  for (const op of operations) {
    if (op.kind !== "deploy") continue;
    const before = seen.get(op.id);
    if (op.state === "queued" || op.state === "running") {
      seen.set(op.id, "open");
      continue;
    }
    seen.set(op.id, "ended");
    if (op.state === "succeeded" && before !== "ended" && (before === "open" || !joining)) finished.push(op);
  }
  return finished;
}

/**
 * A finished deploy's one short celebration: a bar of accent light sweeps across the new guest's chassis and fades
 * (under 300 ms; a fade in place under reduced motion). Only one plays at a time: a newer deploy replaces it.
 */
export class DeployCelebration {
  private readonly bar: Mesh;
  private readonly seen = new Map<string, "open" | "ended">();
  private joined = false;
  /** Finished deploys whose new guest is not in the hall yet, with when to stop waiting for it. */
  private readonly awaitingPlace = new Map<string, number>();
  private startedAt = 0;
  private playing: { x0: number; x1: number; facing: 1 | -1 } | null = null;
  private record: CelebrationRecord | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    scene: Scene,
    theme: Theme,
    private readonly estate: Estate,
    private readonly layout: () => HallLayout,
    private readonly options: { reducedMotion(): boolean; now(): number; addGlowing(meshes: Mesh[]): void },
  ) {
    this.bar = CreateBox("deploy-sweep", { width: 0.035, height: CHASSIS.height * 0.92, depth: 0.01 }, scene);
    const material = new StandardMaterial("deploy-sweep", scene);
    material.disableLighting = true;
    material.emissiveColor = color3(theme.colors.accent);
    this.bar.material = material;
    this.bar.isPickable = false;
    this.bar.setEnabled(false);
    options.addGlowing([this.bar]);
    this.unsubscribe = estate.subscribe((changes) => {
      const changed = [...changes.operations].map((id) => estate.operations.get(id)).filter((op): op is OperationRecord => op !== undefined);
      // The first change that brings the hall's structure is the room's state arriving on joining.
      const joining = !this.joined && changes.structure;
      if (joining) this.joined = true;
      for (const op of finishedDeploys(changed, this.seen, joining)) this.awaitingPlace.set(guestKey(op.clusterId, op.targetVmid || op.vmid), options.now() + PLACE_WAIT_MS);
      if (this.awaitingPlace.size > 0 && (changes.structure || changes.operations.size > 0)) this.playPlaced();
    });
  }

  /** The latest celebration, playing or ended; null before the first. */
  get lastPlayed(): CelebrationRecord | null {
    return this.record && { ...this.record };
  }

  /** Whether a frame is needed for the sweep. */
  get isPlaying(): boolean {
    return this.playing !== null;
  }

  /**
   * Celebrates finished deploys whose guest has a place in the hall. The operation can end before the estate has the
   * new guest (inventory arrives with the next poll), so each waits for it a little.
   */
  private playPlaced(): void {
    const now = this.options.now();
    for (const [key, until] of this.awaitingPlace) {
      if (this.layout().guests.has(key)) {
        this.awaitingPlace.delete(key);
        this.play(key);
      } else if (now > until) {
        this.awaitingPlace.delete(key);
      }
    }
  }

  play(key: string): void {
    const layout = this.layout();
    const guest = layout.guests.get(key);
    const host = guest ? layout.hosts.get(guest.hostKey) : undefined;
    if (!host) return;
    const half = CHASSIS.width / 2;
    this.playing = { x0: frontToWorldX(host.front.x, -half, host.facing), x1: frontToWorldX(host.front.x, half, host.facing), facing: host.facing };
    this.bar.position.set(host.front.x, host.front.y, host.front.z + host.facing * 0.02);
    this.bar.setEnabled(true);
    this.startedAt = this.options.now();
    const motion = motionFor("celebration", this.options.reducedMotion());
    this.record = { key, durationMs: motion.durationMs, moves: motion.moves, startedAt: this.startedAt, endedAt: null, travelMetres: 0 };
  }

  /** Advances the sweep; call every frame before rendering. */
  animate(): void {
    if (!this.playing) return;
    const motion = motionFor("celebration", this.options.reducedMotion());
    const t = motionProgress(motion, this.startedAt, this.options.now());
    const sweep = celebrationSweep(t, motion.moves);
    const { x0, x1 } = this.playing;
    const x = x0 + (x1 - x0) * sweep.position;
    // The bar starts where play() put it (the chassis centre): distance covered frame to frame.
    if (this.record) this.record.travelMetres += Math.abs(x - this.bar.position.x);
    this.bar.position.x = x;
    this.bar.visibility = sweep.brightness;
    if (t >= 1) {
      if (this.record) this.record.endedAt = this.options.now();
      this.playing = null;
      this.bar.setEnabled(false);
    }
  }

  dispose(): void {
    this.unsubscribe();
    this.bar.material?.dispose();
    this.bar.dispose();
  }
}
