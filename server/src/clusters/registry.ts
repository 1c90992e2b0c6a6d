import type { ProxmoxClient } from "../proxmox/index.ts";

/** The Proxmox client of each configured cluster: the only way code reaches a cluster. */
export class ClusterRegistry {
  readonly #clients = new Map<string, ProxmoxClient>();

  set(clusterId: string, client: ProxmoxClient): void {
    this.#clients.set(clusterId, client);
  }

  get(clusterId: string): ProxmoxClient | undefined {
    return this.#clients.get(clusterId);
  }

  /** Forgets a cluster's client and closes its connections. */
  async remove(clusterId: string): Promise<void> {
    const client = this.#clients.get(clusterId);
    this.#clients.delete(clusterId);
    await client?.close();
  }

  ids(): string[] {
    return [...this.#clients.keys()];
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => c.close()));
    this.#clients.clear();
  }
}
