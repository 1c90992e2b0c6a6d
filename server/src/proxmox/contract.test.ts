import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type TestContext } from "vitest";
import { startSimulator, type Simulator } from "../simulator/index.ts";
import { ProxmoxClient, type ProxmoxClientOptions, type ProxmoxConnection } from "./client.ts";
import { ProxmoxError } from "./errors.ts";
import { followTask } from "./follow-task.ts";
import type { CreateContainerParams } from "./operation-params.ts";
import { isGuestResource, type ClusterGuestResource, type GuestListEntry } from "./shapes.ts";
import { normalizeFingerprint, type ProxmoxTls } from "./tls.ts";
import { parseUpid } from "./upid.ts";

/**
 * What the contract needs to know about a PVE endpoint. Everything beyond `url` and `token` is
 * optional; checks that need a missing piece skip themselves.
 */
export interface ContractTarget {
  url: string;
  token: { tokenId: string; secret: string };
  /** Pinned leaf fingerprint of the node behind `url`. Without it the system CAs must trust it. */
  fingerprint?: string;
  caPem?: string;
  /** A PVEAuditor-like token: reads pass, actions answer 403. */
  readOnlyToken?: { tokenId: string; secret: string };
  /** For ticket auth checks. */
  password?: { username: string; password: string };
  /** Node to use; default the one answering. */
  node?: string;
  /** A disposable LXC or QEMU guest the suite may start and stop. */
  vmid?: number;
  /** Control of a simulated cluster, for checks a real cluster cannot be made to fail on demand. */
  sim?: Simulator;
  /** Moves the server's clock (ticket lifetime); simulator only. */
  advanceServerClock?: (ms: number) => void;
  close(): Promise<void>;
}

const quietLogger = { warn: () => {} };

/** The client behaviour the rest of Proximity relies on, checked against a live endpoint. */
export function registerProxmoxContract(name: string, factory: () => Promise<ContractTarget>): void {
  describe(`Proxmox client contract: ${name}`, () => {
    let target: ContractTarget;
    let client: ProxmoxClient;
    let node: string;
    const opened: ProxmoxClient[] = [];

    function tlsOf(t: ContractTarget): ProxmoxTls {
      return t.fingerprint ? { fingerprint: t.fingerprint } : {};
    }

    function connect(overrides: Partial<ProxmoxConnection> = {}, options: ProxmoxClientOptions = {}): ProxmoxClient {
      const created = new ProxmoxClient(
        { baseUrl: target.url, auth: { kind: "token", ...target.token }, tls: tlsOf(target), timeoutMs: 10_000, ...overrides },
        { logger: quietLogger, retryDelaysMs: [20, 20], ...options },
      );
      opened.push(created);
      return created;
    }

    async function failure(promise: Promise<unknown>): Promise<ProxmoxError> {
      const error = await promise.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ProxmoxError);
      for (const secret of [target.token.secret, target.readOnlyToken?.secret, target.password?.password]) {
        if (secret) expect((error as Error).message).not.toContain(secret);
      }
      return error as ProxmoxError;
    }

    /** A guest the suite may power-cycle: the configured one, or a plain LXC of the simulator. */
    async function disposableGuest(ctx: TestContext): Promise<ClusterGuestResource> {
      const guests = (await client.clusterResources("vm")).filter(isGuestResource);
      const chosen = target.vmid !== undefined
        ? guests.find((g) => g.vmid === target.vmid)
        : target.sim
          ? guests.find((g) => g.type === "lxc" && !g.template && !g.lock && g.node === node)
          : undefined;
      if (!chosen) ctx.skip();
      return chosen!;
    }

    async function power(guest: ClusterGuestResource, action: "start" | "stop", onLog?: (lines: string[]) => void) {
      const upid = await client.guestPowerAction(guest.node, guest.type, guest.vmid, action);
      return followTask(client, upid, { intervalMs: target.sim ? 50 : 1_000, onLog, timeoutMs: 120_000 });
    }

    beforeAll(async () => {
      target = await factory();
      client = connect();
      const local = (await client.clusterStatus()).find((entry) => entry.type === "node" && entry.local);
      node = target.node ?? local?.name ?? (await client.nodes())[0]!.node;
    });

    afterAll(async () => {
      await Promise.all(opened.map((c) => c.close()));
      await target?.close();
    });

    it("reads the version", async () => {
      const version = await client.version();
      expect(version.version).toMatch(/^\d+\.\d+/);
      expect(version.release).toMatch(/^\d+\.\d+$/);
      expect(version.repoid).toMatch(/^[0-9a-f]{8,64}$/i);
    });

    it("reads cluster resources with coerced types", async () => {
      const resources = await client.clusterResources();
      const guests = resources.filter(isGuestResource);
      expect(resources.some((r) => r.type === "node" && r.node === node)).toBe(true);
      for (const guest of guests) {
        expect(Number.isInteger(guest.vmid)).toBe(true);
        expect(typeof guest.template).toBe("boolean");
        expect(Array.isArray(guest.tags)).toBe(true);
        expect(guest.id).toBe(`${guest.type}/${guest.vmid}`);
      }
      for (const storage of resources.filter((r) => r.type === "storage")) {
        expect(typeof storage.shared).toBe("boolean");
        expect(Array.isArray(storage.content)).toBe(true);
      }
      const vmsOnly = await client.clusterResources("vm");
      expect(vmsOnly.every(isGuestResource)).toBe(true);
    });

    it("reads cluster status, tasks and the next free VMID", async () => {
      const status = await client.clusterStatus();
      expect(status.filter((e) => e.type === "node" && e.local)).toHaveLength(1);
      for (const task of await client.clusterTasks()) expect(parseUpid(task.upid).node).toBe(task.node);
      const next = await client.nextId();
      expect(Number.isInteger(next) && next >= 100).toBe(true);
    });

    it("lists nodes, and the answering node's fingerprint is the pinned one", async () => {
      const nodes = await client.nodes();
      const self = nodes.find((n) => n.node === node);
      expect(self?.status).toBe("online");
      if (target.fingerprint) expect(self?.ssl_fingerprint).toBe(normalizeFingerprint(target.fingerprint));
      const status = await client.nodeStatus(node);
      expect(status.loadavg).toHaveLength(3);
      for (const load of status.loadavg) expect(typeof load).toBe("number");
      expect(status.cpuinfo.cpus).toBeGreaterThan(0);
      expect(status.memory.total).toBeGreaterThan(0);
    });

    it("reads guests, their status and config", async () => {
      const listed: GuestListEntry[] = [...(await client.listGuests(node, "lxc")), ...(await client.listGuests(node, "qemu"))];
      for (const guest of listed) expect(["running", "stopped"]).toContain(guest.status);
      const first = listed[0];
      if (!first) return;
      const status = await client.guestStatus(node, first.type, first.vmid);
      expect(status).toMatchObject({ vmid: first.vmid, type: first.type });
      const config = await client.guestConfig(node, first.type, first.vmid);
      expect(config.digest).toMatch(/^[0-9a-f]{40}$/);
    });

    it("reads storages, their content and the node's task list", async () => {
      const storages = await client.listStorages(node);
      expect(storages.length).toBeGreaterThan(0);
      const withContent = storages.find((s) => s.active !== false && s.content.length > 0)!;
      for (const item of await client.storageContent(node, withContent.storage)) {
        expect(item.volid.startsWith(`${withContent.storage}:`)).toBe(true);
        expect(typeof item.size).toBe("number");
      }
      const { tasks, total } = await client.nodeTasks(node, { limit: 5 });
      expect(tasks.length).toBeLessThanOrEqual(5);
      expect(total).toBeGreaterThanOrEqual(tasks.length);
    });

    it("starts and stops a guest through followTask, with its log", async (ctx) => {
      const guest = await disposableGuest(ctx);
      const wasRunning = (await client.guestStatus(guest.node, guest.type, guest.vmid)).status === "running";
      if (wasRunning) await power(guest, "stop");

      const lines: string[] = [];
      const started = await power(guest, "start", (batch) => lines.push(...batch));
      expect(started).toMatchObject({ exitstatus: "OK", warnings: 0, node: guest.node });
      expect(started.status.type).toBe(guest.type === "lxc" ? "vzstart" : "qmstart");
      expect(lines.at(-1)).toBe("TASK OK");
      expect(new Set(lines).size).toBe(lines.length);
      expect((await client.guestStatus(guest.node, guest.type, guest.vmid)).status).toBe("running");

      if (guest.type === "lxc") {
        // LXC refuses a second start before forking a task (reference §6.3).
        const again = await failure(client.guestPowerAction(guest.node, "lxc", guest.vmid, "start"));
        expect(again).toMatchObject({ status: 500, kind: "conflict", retriable: false, method: "POST" });
        expect(again.message).toBe(
          `PVE 500 POST /nodes/${guest.node}/lxc/${guest.vmid}/status/start: CT ${guest.vmid} already running`,
        );
      }

      const stopped = await power(guest, "stop");
      expect(stopped.exitstatus).toBe("OK");
      expect((await client.guestStatus(guest.node, guest.type, guest.vmid)).status).toBe("stopped");
      if (wasRunning) await power(guest, "start");
    });

    it("answers an action with a read-only token with a typed 403", async (ctx) => {
      if (!target.readOnlyToken) ctx.skip();
      const auditor = connect({ auth: { kind: "token", ...target.readOnlyToken! } });
      const [guest] = await auditor.listGuests(node, "lxc");
      if (!guest) ctx.skip();
      const error = await failure(auditor.guestPowerAction(node, "lxc", guest!.vmid, guest!.status === "running" ? "shutdown" : "start"));
      expect(error).toMatchObject({ status: 403, kind: "permission", retriable: false });
      expect(error.message).toMatch(/Permission check failed/);
    });

    it("answers a wrong token secret with a typed 401", async () => {
      const intruder = connect({ auth: { kind: "token", tokenId: target.token.tokenId, secret: "00000000-0000-0000-0000-000000000000" } });
      const error = await failure(intruder.version());
      expect(error).toMatchObject({ status: 401, kind: "auth", retriable: false, method: "GET", path: "/version" });
    });

    it("answers bad parameters with a 400 and per-parameter errors", async () => {
      const taken = (await client.clusterResources("vm")).find(isGuestResource);
      if (!taken) return;
      const error = await failure(client.request("GET", "/cluster/nextid", { vmid: taken.vmid }));
      expect(error).toMatchObject({ status: 400, kind: "validation", retriable: false });
      expect(error.errors?.vmid).toMatch(/already exists/);
    });

    it("refuses a server whose certificate is not the pinned one, before sending anything", async () => {
      const before = target.sim?.model.requestCount();
      const wrongPin = Array.from({ length: 32 }, () => "AB").join(":");
      const error = await failure(connect({ tls: { fingerprint: wrongPin } }).version());
      expect(error).toMatchObject({ kind: "tls", status: 0, retriable: false });
      if (target.sim) expect(target.sim.model.requestCount()).toBe(before);
    });

    it("connects with the cluster CA", async (ctx) => {
      if (!target.caPem) ctx.skip();
      await expect(connect({ tls: { caPem: target.caPem! } }).version()).resolves.toBeTruthy();
    });

    it("connects insecurely only when asked, and says so", async () => {
      const warnings: string[] = [];
      const insecure = connect({ tls: { insecure: true } }, { logger: { warn: (_obj, msg) => warnings.push(msg) } });
      await insecure.version();
      await insecure.nodes();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/TLS VERIFICATION DISABLED/);
    });

    describe("ticket auth", () => {
      it("logs in, sends the CSRF token on writes and renews after an hour", async (ctx) => {
        if (!target.password || !target.sim) ctx.skip();
        let clock = Date.now();
        const ticketClient = connect({ auth: { kind: "ticket", ...target.password! } }, { now: () => clock });
        const logins = () => target.sim!.model.requestCount({ method: "POST", path: "/access/ticket" });
        const before = logins();
        await Promise.all([ticketClient.version(), ticketClient.nodes(), ticketClient.clusterStatus()]);
        expect(logins()).toBe(before + 1);

        // A write without CSRF would be a 401; "already running" proves the write got through auth.
        const running = (await ticketClient.listGuests(node, "lxc")).find((g) => g.status === "running");
        if (running) {
          const error = await failure(ticketClient.guestPowerAction(node, "lxc", running.vmid, "start"));
          expect(error.kind).toBe("conflict");
        }
        await ticketClient.nodes();
        expect(logins()).toBe(before + 1);

        clock += 61 * 60_000;
        target.advanceServerClock?.(61 * 60_000);
        await ticketClient.version();
        expect(logins()).toBe(before + 2);
        await ticketClient.version();
        expect(logins()).toBe(before + 2);
      });

      // That a second 401 is then reported, without a third login, is in transport.test.ts: a faithful
      // server cannot be made to refuse a ticket it has just issued.
      it("logs in again when the server no longer accepts the ticket", async (ctx) => {
        if (!target.password || !target.sim || !target.advanceServerClock) ctx.skip();
        const ticketClient = connect({ auth: { kind: "ticket", ...target.password! } });
        await ticketClient.version();
        // The server's clock moves past the ticket's two-hour lifetime; the client's does not notice.
        target.advanceServerClock!(3 * 3_600_000);
        const logins = () => target.sim!.model.requestCount({ method: "POST", path: "/access/ticket" });
        const reads = () => target.sim!.model.requestCount({ method: "GET", path: "/version" });
        const before = { logins: logins(), reads: reads() };
        await expect(ticketClient.version()).resolves.toBeTruthy();
        expect(logins()).toBe(before.logins + 1);
        expect(reads()).toBe(before.reads + 2);
      });

      it("answers a wrong password with a typed 401", async (ctx) => {
        if (!target.password) ctx.skip();
        const wrong = connect({ auth: { kind: "ticket", username: target.password!.username, password: "not-the-password" } });
        const error = await failure(wrong.version());
        expect(error).toMatchObject({ status: 401, kind: "auth", method: "POST", path: "/access/ticket" });
        expect(error.message).not.toContain("not-the-password");
      });
    });

    // Writes that create and destroy guests: only against a simulator, never a real cluster.
    describe("guest operations", () => {
      const DEBIAN = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
      const finish = (upid: string) => followTask(client, upid, { intervalMs: 25, timeoutMs: 30_000 });
      const lockOf = async (vmid: number) => (await client.clusterResources("vm")).filter(isGuestResource).find((g) => g.vmid === vmid)?.lock;
      const sim = () => target.sim!;

      beforeEach((ctx) => {
        if (!target.sim) ctx.skip();
      });
      afterEach(() => target.sim?.setFaults({}));

      async function container(overrides: Partial<CreateContainerParams> = {}): Promise<number> {
        const vmid = await client.nextId();
        await finish(await client.createContainer(node, { vmid, ostemplate: DEBIAN, hostname: `ct-${vmid}`, rootfs: "local-lvm:4", ...overrides }));
        return vmid;
      }

      it("checks vmids, lists storages by content and their volumes by vmid", async () => {
        const next = await client.nextId();
        expect(await client.isVmidFree(next)).toBe(true);
        const taken = (await client.clusterResources("vm")).find(isGuestResource)!;
        expect(await client.isVmidFree(taken.vmid)).toBe(false);
        const backupStores = await client.listStorages(node, { content: "backup" });
        expect(backupStores.map((s) => s.storage).sort()).toEqual(["local", "nas"]);
        expect(backupStores.find((s) => s.storage === "nas")).toMatchObject({ shared: true, active: true, enabled: true });
        for (const s of backupStores) expect(s.content).toContain("backup");
        const templates = await client.storageContent(node, "local", { content: "vztmpl" });
        expect(templates.map((t) => t.volid)).toContain(DEBIAN);
        const rootdirs = await client.storageContent(node, "local-lvm", { vmid: taken.vmid });
        for (const v of rootdirs) expect(v.vmid).toBe(taken.vmid);
      });

      it("creates a container locked 'create' until its task ends, visible in /cluster/resources at once", async () => {
        sim().setFaults({ slowTaskFactor: 4 });
        const vmid = await client.nextId();
        const upid = await client.createContainer(node, {
          vmid,
          ostemplate: DEBIAN,
          hostname: "web-1",
          cores: 2,
          memory: 1024,
          rootfs: "local-lvm:8",
          net0: "name=eth0,bridge=vmbr0,ip=dhcp",
          unprivileged: true,
          tags: "prod;web",
          start: true,
        });
        expect(parseUpid(upid)).toMatchObject({ type: "vzcreate", id: String(vmid), node });
        expect(await lockOf(vmid)).toBe("create");
        expect(await client.isVmidFree(vmid)).toBe(false);
        await finish(upid);
        expect(await lockOf(vmid)).toBeUndefined();
        const config = await client.guestConfig(node, "lxc", vmid);
        expect(config).toMatchObject({ hostname: "web-1", cores: 2, memory: 1024, tags: "prod;web", rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G` });
        await expect.poll(async () => (await client.guestStatus(node, "lxc", vmid)).status).toBe("running");
        const nics = await client.containerInterfaces(node, vmid);
        expect(nics.find((n) => n.name === "eth0")?.inet).toMatch(/^10\.20\.\d+\.\d+\/24$/);

        const missing = await failure(client.createContainer(node, { vmid: vmid + 1000, ostemplate: "local:vztmpl/none.tar.zst", rootfs: "local-lvm:4" }));
        expect(missing).toMatchObject({ status: 500, kind: "not_found", method: "POST" });
        expect(missing.message).toContain("volume 'local:vztmpl/none.tar.zst' does not exist");
        const duplicate = await failure(client.createContainer(node, { vmid, ostemplate: DEBIAN, rootfs: "local-lvm:4" }));
        expect(duplicate).toMatchObject({ status: 500, kind: "conflict" });
        expect(duplicate.message).toContain(`CT ${vmid} already exists on node '${node}'`);
      });

      it("updates the config synchronously and resizes disks upwards only", async () => {
        const vmid = await container();
        const { digest } = await client.guestConfig(node, "lxc", vmid);
        expect(await client.updateGuestConfig(node, "lxc", vmid, { cores: 3, memory: 2048, digest })).toBeNull();
        expect(await client.guestConfig(node, "lxc", vmid)).toMatchObject({ cores: 3, memory: 2048 });
        const stale = await failure(client.updateGuestConfig(node, "lxc", vmid, { cores: 1, digest }));
        expect(stale.kind).toBe("conflict");

        const grow = await client.resizeDisk(node, "lxc", vmid, "rootfs", "+2G");
        expect(grow).not.toBeNull();
        await finish(grow!);
        expect((await client.guestConfig(node, "lxc", vmid)).rootfs).toBe(`local-lvm:vm-${vmid}-disk-0,size=6G`);
        const shrink = await failure(finish((await client.resizeDisk(node, "lxc", vmid, "rootfs", "1G"))!));
        expect(shrink).toMatchObject({ exitstatus: "unable to shrink disk size", taskType: "resize" });
      });

      it("snapshots, lists with 'current', rolls back and deletes, locking while each task runs", async () => {
        const vmid = await container({ cores: 1 });
        sim().setFaults({ slowTaskFactor: 4 });
        const first = await client.createSnapshot(node, "lxc", vmid, "before", "clean install");
        expect(await lockOf(vmid)).toBe("snapshot");
        await finish(first);
        sim().setFaults({});
        await client.updateGuestConfig(node, "lxc", vmid, { cores: 4 });
        await finish(await client.createSnapshot(node, "lxc", vmid, "after"));
        const listed = await client.listSnapshots(node, "lxc", vmid);
        expect(listed.map((s) => [s.name, s.parent])).toEqual([["before", undefined], ["after", "before"], ["current", "after"]]);
        expect(listed[0]).toMatchObject({ description: "clean install" });
        expect(typeof listed[0]!.snaptime).toBe("number");
        expect(listed.at(-1)).toMatchObject({ running: false, description: "You are here!" });

        await finish(await client.rollbackSnapshot(node, "lxc", vmid, "before"));
        expect((await client.guestConfig(node, "lxc", vmid)).cores).toBe(1);
        await finish(await client.deleteSnapshot(node, "lxc", vmid, "before"));
        expect((await client.listSnapshots(node, "lxc", vmid)).map((s) => s.name)).toEqual(["after", "current"]);
        const duplicate = await failure(finish(await client.createSnapshot(node, "lxc", vmid, "after")));
        expect(duplicate).toMatchObject({ exitstatus: "snapshot name 'after' already used", kind: "conflict" });
        expect(() => client.createSnapshot(node, "lxc", vmid, "no spaces")).toThrow(TypeError);
      });

      it("clones with the right name parameter per type and refuses a linked clone of a non-template", async () => {
        const vmid = await container();
        const linked = await failure(client.cloneGuest(node, "lxc", vmid, { newid: await client.nextId(), full: false }));
        expect(linked).toMatchObject({ status: 500, kind: "server" });
        expect(linked.message).toContain("Linked clone feature for");
        const newid = await client.nextId();
        await finish(await client.cloneGuest(node, "lxc", vmid, { newid, name: "ct-copy", full: true }));
        expect((await client.guestConfig(node, "lxc", newid)).hostname).toBe("ct-copy");

        const template = sim().model.createGuest({ type: "qemu", node, template: true, name: "golden" });
        const vmClone = await client.nextId();
        const upid = await client.cloneGuest(node, "qemu", template.vmid, { newid: vmClone, name: "from-golden" });
        expect(parseUpid(upid)).toMatchObject({ type: "qmclone", id: String(template.vmid) });
        expect(await lockOf(vmClone)).toBe("clone");
        await finish(upid);
        expect((await client.guestConfig(node, "qemu", vmClone)).name).toBe("from-golden");
      });

      it("backs up with notes, restores over the original and deletes the archive", async () => {
        const vmid = await container();
        const backup = await client.vzdump(node, { vmid, storage: "local", mode: "snapshot", compress: "zstd", "notes-template": "{{guestname}}" });
        expect(await lockOf(vmid)).toBe("backup");
        await finish(backup);
        expect(await lockOf(vmid)).toBeUndefined();
        const [archive] = await client.storageContent(node, "local", { content: "backup", vmid });
        expect(archive).toMatchObject({ vmid, notes: `ct-${vmid}`, format: "tar.zst", content: "backup", protected: false });
        expect(archive!.volid).toMatch(new RegExp(`^local:backup/vzdump-lxc-${vmid}-\\d{4}_\\d\\d_\\d\\d-\\d\\d_\\d\\d_\\d\\d\\.tar\\.zst$`));
        expect(archive!.ctime).toBeGreaterThan(0);

        await finish(await client.createContainer(node, { vmid, ostemplate: archive!.volid, restore: true, force: true, storage: "local-lvm" }));
        const removal = await client.deleteVolume(node, "local", archive!.volid);
        await finish(removal!);
        expect(await client.storageContent(node, "local", { content: "backup", vmid })).toEqual([]);

        const vm = sim().model.createGuest({ type: "qemu", node, name: "vm-to-restore", diskGiB: 4 });
        await finish(await client.vzdump(node, { vmid: vm.vmid, storage: "nas" }));
        const [vma] = await client.storageContent(node, "nas", { content: "backup", vmid: vm.vmid });
        const restoredId = await client.nextId();
        await finish(await client.restoreVm(node, { vmid: restoredId, archive: vma!.volid, storage: "local-lvm", unique: true }));
        expect((await client.guestConfig(node, "qemu", restoredId)).name).toBe("vm-to-restore");
      });

      it("pulls an OCI image that a container can then be created from", async () => {
        const upid = await client.pullOciImage(node, "local", { reference: "docker.io/library/redis:7.4", filename: "redis-7.4" });
        await finish(upid);
        const volid = "local:vztmpl/redis-7.4.tar";
        expect((await client.storageContent(node, "local", { content: "vztmpl" })).map((v) => v.volid)).toContain(volid);
        const vmid = await container({ ostemplate: volid, entrypoint: "redis-server", env: "REDIS_PORT=6379" });
        expect(await client.guestConfig(node, "lxc", vmid)).toMatchObject({ entrypoint: "redis-server", ostype: "unmanaged" });
      });

      it("migrates a running container only with restart, then it lives on the target", async () => {
        const other = (await client.nodes()).map((n) => n.node).find((n) => n !== node)!;
        const vmid = await container();
        sim().model.externalAction(vmid, "start");
        const refused = await failure(client.migrateGuest(node, "lxc", vmid, { target: other }));
        expect(refused).toMatchObject({ status: 500, kind: "conflict" });
        await finish(await client.migrateGuest(node, "lxc", vmid, { target: other, restart: true }));
        const moved = (await client.clusterResources("vm")).filter(isGuestResource).find((g) => g.vmid === vmid);
        expect(moved?.node).toBe(other);
        expect((await client.guestStatus(other, "lxc", vmid)).status).toBe("running");
      });

      it("refuses to delete running and protected guests, then deletes one everywhere", async () => {
        const vmid = await container();
        sim().model.externalAction(vmid, "start");
        const running = await failure(client.deleteGuest(node, "lxc", vmid));
        expect(running).toMatchObject({ status: 500, kind: "conflict" });
        expect(running.message).toContain(`unable to destroy CT ${vmid} - container is running`);
        sim().model.externalAction(vmid, "stop");
        sim().model.setProtection(vmid, true);
        const protectedGuest = await failure(client.deleteGuest(node, "lxc", vmid));
        expect(protectedGuest.message).toContain(`can't remove CT ${vmid} - protection mode enabled`);
        await client.updateGuestConfig(node, "lxc", vmid, { delete: "protection" });
        await finish(await client.deleteGuest(node, "lxc", vmid, { purge: true, "destroy-unreferenced-disks": true }));
        expect((await client.clusterResources("vm")).some((r) => isGuestResource(r) && r.vmid === vmid)).toBe(false);
        expect(await client.isVmidFree(vmid)).toBe(true);
      });
    });

    describe("failures a simulator can inject", () => {
      it("reports an unreachable node as 595, retrying reads only", async (ctx) => {
        const sim = target.sim;
        if (!sim) ctx.skip();
        const other = (await client.nodes()).map((n) => n.node).find((n) => n !== node);
        if (!other) ctx.skip();
        sim!.setFaults({ unreachableNodes: [other!] });
        try {
          const before = sim!.model.requestCount();
          const error = await failure(client.nodeStatus(other!));
          expect(error).toMatchObject({ status: 595, kind: "unreachable", retriable: true });
          expect(sim!.model.requestCount()).toBe(before + 3);
          const write = await failure(client.request("POST", `/nodes/${other}/lxc/100/status/start`));
          expect(write).toMatchObject({ kind: "unreachable", retriable: false });
          expect(sim!.model.requestCount()).toBe(before + 4);
        } finally {
          sim!.setFaults({});
        }
      });

      it("times out reads (retried) and writes (never repeated)", async (ctx) => {
        const sim = target.sim;
        if (!sim) ctx.skip();
        const guest = await disposableGuest(ctx);
        const slow = connect({ timeoutMs: 100 });
        sim!.setFaults({ latencyMs: 400 });
        try {
          const before = sim!.model.requestCount();
          const read = await failure(slow.version());
          expect(read).toMatchObject({ kind: "timeout", status: 0, retriable: true });
          expect(read.message).toBe("PVE GET /version: no reply within 100 ms");
          await expect.poll(() => sim!.model.requestCount()).toBe(before + 3);

          const write = await failure(slow.guestPowerAction(guest.node, guest.type, guest.vmid, "stop"));
          expect(write).toMatchObject({ kind: "timeout", retriable: false, method: "POST" });
          await expect.poll(() => sim!.model.requestCount()).toBe(before + 4);
        } finally {
          sim!.setFaults({});
        }
      });
    });
  });
}

registerProxmoxContract("simulator", async () => {
  let offset = 0;
  const sim = await startSimulator({
    seed: 1,
    taskSpeed: 0.05,
    authFailureDelayMs: 20,
    statusRefreshMs: 200,
    now: () => Date.now() + offset,
  });
  return {
    url: sim.url,
    token: sim.adminToken,
    fingerprint: sim.fingerprint,
    caPem: sim.caPem,
    readOnlyToken: sim.auditorToken,
    password: { username: "root@pam", password: sim.rootPassword },
    sim,
    advanceServerClock: (ms) => {
      offset += ms;
    },
    close: () => sim.close(),
  };
});

const real = process.env;
if (real.PVE_TEST_URL && real.PVE_TEST_TOKEN_ID && real.PVE_TEST_TOKEN_SECRET) {
  registerProxmoxContract("real PVE", async () => ({
    url: real.PVE_TEST_URL!,
    token: { tokenId: real.PVE_TEST_TOKEN_ID!, secret: real.PVE_TEST_TOKEN_SECRET! },
    fingerprint: real.PVE_TEST_FINGERPRINT || undefined,
    node: real.PVE_TEST_NODE || undefined,
    vmid: real.PVE_TEST_VMID ? Number(real.PVE_TEST_VMID) : undefined,
    close: async () => {},
  }));
}
