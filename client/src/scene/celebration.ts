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
import { celebrationSweep, motionFor, motionProgress } from "./motion.ts";

/**
 * Deploys that finished since the last look: an operation of kind `deploy` seen queued or running that is now
 * succeeded. Deploys that were already done when the client joined are not celebrated. Updates `watching` in place.
 */
export function finishedDeploys(operations: Iterable<OperationRecord>, watching: Set<string>): OperationRecord[] {
  const finished: OperationRecord[] = [];
  for (const op of operations) {
    if (op.kind !== "deploy") continue;
    if (op.state === "queued" || op.state === "running") watching.add(op.id);
    else if (watching.delete(op.id) && op.state === "succeeded") finished.push(op);
  }
  return finished;
}

/**
 * A finished deploy's one short celebration: a bar of accent light sweeps across the new guest's chassis and fades
 * (under 300 ms; a fade in place under reduced motion). Only one plays at a time: a newer deploy replaces it.
 */
export class DeployCelebration {
  private readonly bar: Mesh;
  private readonly watching = new Set<string>();
  private startedAt = 0;
  private playing: { x0: number; x1: number; facing: 1 | -1 } | null = null;
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
      if (changes.operations.size === 0) return;
      const changed = [...changes.operations].map((id) => estate.operations.get(id)).filter((op): op is OperationRecord => op !== undefined);
      for (const op of finishedDeploys(changed, this.watching)) this.play(guestKey(op.clusterId, op.targetVmid || op.vmid));
    });
  }

  /** Whether a frame is needed for the sweep. */
  get isPlaying(): boolean {
    return this.playing !== null;
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
  }

  /** Advances the sweep; call every frame before rendering. */
  animate(): void {
    if (!this.playing) return;
    const motion = motionFor("celebration", this.options.reducedMotion());
    const t = motionProgress(motion, this.startedAt, this.options.now());
    const sweep = celebrationSweep(t, motion.moves);
    const { x0, x1 } = this.playing;
    this.bar.position.x = x0 + (x1 - x0) * sweep.position;
    this.bar.visibility = sweep.brightness;
    if (t >= 1) {
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
