import type { Matrix } from "@babylonjs/core/Maths/math.vector";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import "@babylonjs/core/Meshes/thinInstanceMesh";

export interface InstanceBatchOptions {
  /** Register a per-instance "color" buffer (LED colours, caddy tints). */
  colors: boolean;
  /** Matrices that change only on structure changes go in a static GPU buffer (see anchors §2.1). */
  staticMatrices: boolean;
}

/**
 * One mesh drawn as thin instances: owns its matrix and colour arrays, over-allocates so growth is rare, and keeps
 * the mesh disabled while empty (a mesh with zero thin instances would otherwise draw its base geometry once).
 */
export class InstanceBatch {
  private matrices = new Float32Array(0);
  private colorData: Float32Array | null = null;
  private capacity = 0;
  private count_ = 0;
  private matricesDirty = false;
  private colorsDirty = false;

  constructor(
    readonly mesh: Mesh,
    private readonly options: InstanceBatchOptions,
  ) {
    mesh.setEnabled(false);
  }

  get count(): number {
    return this.count_;
  }

  /** Sets the number of instances; contents are undefined until written. */
  resize(count: number): void {
    if (count > this.capacity) {
      this.capacity = Math.max(16, 1 << Math.ceil(Math.log2(count)));
      this.matrices = new Float32Array(this.capacity * 16);
      if (this.options.colors) this.colorData = new Float32Array(this.capacity * 4);
      this.mesh.thinInstanceSetBuffer("matrix", this.matrices, 16, this.options.staticMatrices);
      if (this.colorData) this.mesh.thinInstanceSetBuffer("color", this.colorData, 4, false);
    }
    this.count_ = count;
    this.matricesDirty = true;
    this.colorsDirty = true;
  }

  setMatrix(index: number, matrix: Matrix): void {
    matrix.copyToArray(this.matrices, index * 16);
    this.matricesDirty = true;
  }

  setColor(index: number, r: number, g: number, b: number, a = 1): void {
    const data = this.colorData;
    if (!data) throw new Error(`${this.mesh.name} has no colour buffer`);
    const o = index * 4;
    data[o] = r;
    data[o + 1] = g;
    data[o + 2] = b;
    data[o + 3] = a;
    this.colorsDirty = true;
  }

  colorAt(index: number): [number, number, number, number] {
    const data = this.colorData;
    if (!data || index >= this.count_) throw new Error(`${this.mesh.name} has no colour at ${index}`);
    const o = index * 4;
    return [data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!];
  }

  /** Uploads what changed; matrix changes also refresh the bounding box so frustum culling stays right. */
  commit(): void {
    if (this.matricesDirty) {
      if (this.options.staticMatrices) this.mesh.thinInstanceSetBuffer("matrix", this.matrices, 16, true);
      else this.mesh.thinInstanceBufferUpdated("matrix");
      if (this.colorData) {
        // Re-setting the matrix buffer resets the instance count; colours must follow the same count.
        this.mesh.thinInstanceSetBuffer("color", this.colorData, 4, false);
      }
      this.mesh.thinInstanceCount = this.count_;
      this.mesh.setEnabled(this.count_ > 0);
      if (this.count_ > 0) this.mesh.thinInstanceRefreshBoundingInfo(false);
      this.matricesDirty = false;
      this.colorsDirty = false;
      return;
    }
    if (this.colorsDirty && this.colorData) {
      this.mesh.thinInstanceBufferUpdated("color");
      this.colorsDirty = false;
    }
  }

  dispose(): void {
    this.mesh.dispose(false, false);
  }
}
