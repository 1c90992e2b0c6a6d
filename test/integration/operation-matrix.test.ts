/**
 * Every operation kind against the simulator, through the HTTP API: Proxmox failing it (its words reach
 * the user, nothing is left behind), a locked guest, and a job redelivered while its first worker lives.
 * Happy paths live in guest-operations.test.ts, deploy.test.ts and operations.test.ts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { findApp, listApps } from "../../server/src/db/apps.ts";
import { listAudit } from "../../server/src/db/audit.ts";
import { getOperation } from "../../server/src/db/operations.ts";
import { runOperationJob } from "../../server/src/operations/runner.ts";
import type { GuestInfo } from "../../server/src/simulator/index.ts";
import { ended, getJson, redelivered, run, submit, type OperationView } from "../support/commands.ts";
import { untouchedGuests } from "../support/guests.ts";
import { startProximity, type TestProximity } from "../support/proximity.ts";
import { until } from "../support/until.ts";

let app: TestProximity;

beforeAll(async () => {
  // Every test takes guests no other test touched: enough of each state and type for the whole matrix.
  app = await startProximity({ simulator: { guests: 240 } });
});

afterAll(async () => {
  await app?.stop();
});

beforeEach(() => app.sim.setFaults({}));

/** A guest no other test has touched, in the given state. */
const freshGuest = untouchedGuests(() => app);

/** A new backup of the guest, made through the API; its volid. */
async function backUp(guest: GuestInfo): Promise<string> {
  const list = async () =>
    (await getJson<{ backups: { volid: string }[] }>(app, `/api/clusters/${app.clusterId}/guests/${guest.vmid}/backups`)).backups.map((b) => b.volid);
  const before = new Set(await list());
  const op = await run(app, "guest.backup", { cluster: app.clusterId, vmid: guest.vmid });
  expect(op.state, op.error ?? "").toBe("succeeded");
  const made = (await list()).filter((volid) => !before.has(volid));
  expect(made).toHaveLength(1);
  return made[0]!;
}

/** A snapshot of the guest, taken through the API. */
async function snapshot(guest: GuestInfo, snapname: string): Promise<void> {
  const op = await run(app, "guest.snapshot", { cluster: app.clusterId, vmid: guest.vmid, snapname });
  expect(op.state, op.error ?? "").toBe("succeeded");
}

/** What a failed or refused operation must leave as it was: the guest, how many guests and volumes exist, which are managed. */
async function estateAround(vmid: number | undefined) {
  const g = vmid === undefined ? undefined : app.sim.model.getGuest(vmid);
  return {
    guest: g && { node: g.node, status: g.status, lock: g.lock, cores: g.cores, memoryMiB: g.memoryMiB, maxdiskBytes: g.maxdiskBytes, snapshots: g.snapshots },
    guests: app.sim.model.guestCount(),
    volumes: app.sim.model.volumeCount(),
    managed: (await listApps(app.server.db.sql, app.clusterId)).map((a) => a.vmid).sort(),
  };
}

interface Target {
  guest: GuestInfo | null;
  payload: Record<string, unknown>;
}

/** Makes Proxmox fail the operation; returns the words the user must read (the error exactly, or a pattern). */
type Failure = (target: Target) => Promise<string | RegExp> | string | RegExp;

/** Proxmox runs the guest's task of this type, and it ends with this exit status. */
const taskFails =
  (type: string, message: string | ((vmid: number) => string)): Failure =>
  ({ guest }) => {
    const words = typeof message === "string" ? message : message(guest!.vmid);
    app.sim.setFaults({ failTasks: [{ type, vmid: guest!.vmid, message: words }] });
    return words;
  };

/** Proxmox runs the task of this type that creates a guest (its VMID is chosen at submit), and it ends with this exit status. */
const newGuestTaskFails =
  (type: string, message: string): Failure =>
  () => {
    app.sim.setFaults({ failTasks: [{ type, message }] });
    return message;
  };

interface OperationCase {
  command: string;
  /** The guest it acts on (null: it creates one); an LXC container unless it says otherwise. */
  guest: { status: "running" | "stopped"; type?: "qemu" } | null;
  /** Builds what the command needs (a backup, a snapshot) through the API; returns the rest of its payload. */
  prepare: (guest: GuestInfo | null) => Promise<Record<string, unknown>>;
  /** The Proxmox task that does the work: its type, and the id in its UPID when that is not the operation's VMID. */
  task: { type: string; id?: (op: OperationView, payload: Record<string, unknown>) => string } | null;
  fails: Failure;
  /**
   * "refused": Proxmox refuses a locked guest; a function: Proxmox goes ahead, and it checks the result;
   * null: no guest to lock, or a case elsewhere covers it (the comment says which).
   */
  locked: "refused" | ((op: OperationView, target: Target) => Promise<void> | void) | null;
}

const otherNode = (guest: GuestInfo) => app.sim.model.listNodes().find((n) => n.name !== guest.node && n.reachable)!.name;
const nothing = async () => ({});

const OPERATIONS: OperationCase[] = [
  {
    command: "guest.backup",
    guest: { status: "running" },
    prepare: nothing,
    task: { type: "vzdump" },
    fails: taskFails("vzdump", "job errors"),
    locked: "refused",
  },
  {
    command: "guest.snapshot",
    guest: { status: "running" },
    prepare: async () => ({ snapname: "each-op" }),
    task: { type: "vzsnapshot" },
    fails: taskFails("vzsnapshot", "snapshot create failed: starting cleanup"),
    locked: "refused",
  },
  {
    command: "guest.clone",
    guest: { status: "running" },
    prepare: async (g) => ({ name: `each-${g!.vmid}`, full: true }),
    task: { type: "vzclone" },
    // The clone's own failure is in guest-operations.test.ts; here its first step, the temporary snapshot, fails.
    fails: taskFails("vzsnapshot", "snapshot create failed: starting cleanup"),
    locked: "refused",
  },
  {
    command: "guest.resize",
    guest: { status: "running" },
    prepare: async (g) => ({ diskGiB: Math.ceil(g!.maxdiskBytes / 1024 ** 3) + 1 }),
    task: { type: "resize" },
    fails: taskFails("resize", "command 'resize2fs /dev/pve/vm-disk' failed: exit code 1"),
    locked: "refused",
  },
  {
    command: "guest.migrate",
    guest: { status: "running" },
    prepare: async (g) => ({ node: otherNode(g!) }),
    task: { type: "vzmigrate" },
    fails: taskFails("vzmigrate", "migration aborted"),
    locked: "refused",
  },
  {
    command: "guest.restore",
    guest: { status: "stopped" },
    prepare: async (g) => ({ volid: await backUp(g!) }),
    task: { type: "vzrestore" },
    fails: taskFails("vzrestore", (vmid) => `unable to restore CT ${vmid} - command 'tar xpf - --zstd' failed: exit code 2`),
    locked: "refused",
  },
  {
    command: "backup.restoreAsNew",
    guest: { status: "stopped" },
    prepare: async (g) => ({ volid: await backUp(g!), name: `as-new-${g!.vmid}` }),
    task: { type: "vzrestore" },
    fails: newGuestTaskFails("vzrestore", "unable to restore CT - command 'tar xpf - --zstd' failed: exit code 2"),
    // Restoring into a new VMID reads only the archive: PVE never looks at the source guest's lock.
    locked: (op) => {
      expect(app.sim.model.getGuest(op.vmid)).toMatchObject({ type: "lxc" });
    },
  },
  {
    command: "backup.delete",
    guest: { status: "stopped" },
    prepare: async (g) => ({ volid: await backUp(g!) }),
    task: { type: "imgdel", id: (op, payload) => `${op.vmid}@${String(payload.volid).split(":")[0]}` },
    fails: ({ payload }) => {
      app.sim.model.setVolumeProtected(String(payload.volid), true);
      return /^cannot remove protected archive '.+'$/;
    },
    // Deleting an archive is a storage task: PVE does not check the guest's lock for it.
    locked: (_op, { payload }) => {
      expect(app.sim.model.listVolumes().map((v) => v.volid)).not.toContain(payload.volid);
    },
  },
  {
    command: "guest.delete",
    guest: { status: "stopped" },
    prepare: async (g) => ({ confirmName: g!.name }),
    task: { type: "vzdestroy" },
    // A protected guest's refusal (a synchronous 500) is in guest-operations.test.ts; here the task itself fails.
    fails: taskFails("vzdestroy", "lvremove 'pve/vm-disk' error:   Logical volume pve/vm-disk in use."),
    locked: "refused",
  },
  {
    command: "snapshot.rollback",
    guest: { status: "stopped" },
    prepare: async (g) => {
      await snapshot(g!, "matrix");
      return { snapname: "matrix" };
    },
    task: { type: "vzrollback" },
    fails: taskFails("vzrollback", "rollback failed: command 'lvconvert --merge' failed: exit code 5"),
    locked: "refused",
  },
  {
    command: "snapshot.delete",
    guest: { status: "stopped" },
    prepare: async (g) => {
      await snapshot(g!, "matrix");
      return { snapname: "matrix" };
    },
    task: { type: "vzdelsnapshot" },
    fails: taskFails("vzdelsnapshot", "lvremove snapshot 'pve/snap_vm-disk_matrix' error: device busy"),
    locked: "refused",
  },
  {
    command: "guest.adopt",
    guest: { status: "running" },
    prepare: async () => ({ app: "nginx" }),
    // Adopting reads the guest's config and runs no task.
    task: null,
    fails: async ({ guest }) => {
      // Moved in the web UI after Proximity last looked: the config read on the old node answers 500.
      // The sync is paused so that Proximity still believes the old node when the command is planned.
      const sync = app.server.syncs.get(app.clusterId)!;
      await sync.stop();
      onTestFinished(() => sync.start());
      app.sim.model.migrateGuest(guest!.vmid, otherNode(guest!));
      return `Configuration file 'nodes/${guest!.node}/lxc/${guest!.vmid}.conf' does not exist`;
    },
    // PVE reads a locked guest's config like any other (the lock is one of its keys): adoption goes ahead.
    locked: async (op) => {
      const recorded = await findApp(app.server.db.sql, app.clusterId, op.vmid);
      expect(recorded).toMatchObject({ origin: "adopted", appId: "nginx" });
      expect(recorded!.config).not.toHaveProperty("lock");
    },
  },
  {
    command: "app.deploy",
    guest: null,
    prepare: async () => ({ app: "uptime-kuma" }),
    task: { type: "vzcreate" },
    // A failed start (the last step) is in deploy.test.ts; here creating the container fails.
    fails: newGuestTaskFails("vzcreate", "unable to create CT - command 'tar xpf - --zstd' failed: exit code 2"),
    // A deploy creates its guest: there is none to lock beforehand.
    locked: null,
  },
  {
    command: "guest.start",
    guest: { status: "stopped" },
    prepare: nothing,
    task: { type: "vzstart" },
    fails: taskFails("vzstart", (vmid) => `startup for container '${vmid}' failed`),
    // Starting a locked container is in operations.test.ts ("surfaces Proxmox's own error text").
    locked: null,
  },
  {
    command: "guest.stop",
    guest: { status: "running" },
    prepare: nothing,
    task: { type: "vzstop" },
    fails: taskFails("vzstop", (vmid) => `command 'lxc-stop -n ${vmid} --kill' failed: exit code 1`),
    locked: "refused",
  },
  {
    command: "guest.shutdown",
    guest: { status: "running" },
    prepare: nothing,
    task: { type: "vzshutdown" },
    fails: taskFails("vzshutdown", (vmid) => `command 'lxc-stop -n ${vmid} --nokill --timeout 60' failed: exit code 1`),
    locked: "refused",
  },
  {
    // A VM: PVE's container reboot (stop, then start under the config lock) does not check the lock.
    command: "guest.reboot",
    guest: { status: "running", type: "qemu" },
    prepare: nothing,
    task: { type: "qmreboot" },
    fails: taskFails("qmreboot", "VM quit/powerdown failed - got timeout"),
    locked: "refused",
  },
];

async function prepared(c: OperationCase): Promise<Target> {
  const guest = c.guest ? freshGuest(c.guest.status, c.guest.type ?? "lxc") : null;
  return { guest, payload: await c.prepare(guest) };
}

const commandPayload = ({ guest, payload }: Target) => ({ cluster: app.clusterId, ...(guest ? { vmid: guest.vmid } : {}), ...payload });

describe.each(OPERATIONS)("$command", (c) => {
  const { command, fails, locked, task } = c;

  it("fails in Proxmox: the user reads Proxmox's words, and nothing is changed or left behind", async () => {
    const target = await prepared(c);
    const words = await fails(target);
    const before = await estateAround(target.guest?.vmid);
    const op = await run(app, command, commandPayload(target));
    expect(op.state).toBe("failed");
    if (typeof words === "string") expect(op.error).toBe(words);
    else expect(op.error).toMatch(words);
    expect(await estateAround(target.guest?.vmid)).toEqual(before);
  }, 60_000);

  if (locked === "refused") {
    it("on a locked guest: fails with Proxmox's words, and the guest is as it was", async () => {
      const target = await prepared(c);
      app.sim.model.lockGuest(target.guest!.vmid, "snapshot");
      try {
        const before = await estateAround(target.guest!.vmid);
        const op = await run(app, command, commandPayload(target));
        expect(op.state).toBe("failed");
        // Proxmox's words: the task's status, or for tasks that end with a generic one, its log's error line.
        expect(`${op.error} ${op.message}`).toMatch(/(CT|VM) is locked \(snapshot\)/);
        expect(await estateAround(target.guest!.vmid)).toEqual(before);
      } finally {
        app.sim.model.unlockGuest(target.guest!.vmid);
      }
    }, 60_000);
  } else if (locked) {
    it("on a locked guest: Proxmox does not check the lock, so the operation goes ahead and leaves the lock alone", async () => {
      const target = await prepared(c);
      app.sim.model.lockGuest(target.guest!.vmid, "snapshot");
      try {
        const op = await run(app, command, commandPayload(target));
        expect(op.state, op.error ?? "").toBe("succeeded");
        expect(app.sim.model.getGuest(target.guest!.vmid)?.lock).toBe("snapshot");
        await locked(op, target);
      } finally {
        app.sim.model.unlockGuest(target.guest!.vmid);
      }
    }, 60_000);
  }

  it("a job redelivered while its first worker lives stands back: the operation acts once", async () => {
    const target = await prepared(c);
    // Every Proxmox call takes 1.5 s: the first worker needs at least one more after it is seen at work,
    // so the second delivery arrives while it is still at it.
    app.sim.setFaults({ latencyMs: 1_500 });
    // A new guest's VMID may be one an earlier test's failed operation had: only this test's tasks count.
    const earlier = new Set(app.sim.model.listTasks().map((t) => t.upid));
    const submitted = await submit(app, command, commandPayload(target));
    expect(submitted.status, submitted.message).toBe(202);
    const operationId = submitted.operationId!;
    await until(async () => {
      const op = await getOperation(app.server.db.sql, operationId);
      return op?.state === "running" && (!task || Object.keys(op.steps).length > 0);
    });
    // What pg-boss does when it wrongly believes the first worker died: the same job, again.
    const kind = (await getOperation(app.server.db.sql, operationId))!.kind;
    await runOperationJob(app.server.operations, redelivered(`operation.${kind}`, operationId));
    // It came back at once, leaving the operation to the first worker instead of running it alongside.
    expect((await getOperation(app.server.db.sql, operationId))!.state).toBe("running");
    // The slow Proxmox was there to keep the first worker busy through the redelivery; the rest can run at speed.
    app.sim.setFaults({});
    const op = await ended(app, operationId, 60_000);
    expect(op.state, op.error ?? "").toBe("succeeded");
    if (task) {
      const id = task.id?.(op, target.payload) ?? String(op.vmid);
      const tasks = app.sim.model.listTasks().filter((t) => !earlier.has(t.upid) && t.type === task.type && t.id === id);
      expect(tasks.map((t) => `${t.upid} ${t.exitstatus}`)).toHaveLength(1);
    }
    const audit = await listAudit(app.server.db.sql, { target: `${app.clusterId}/${op.vmid}`, limit: 50 });
    expect(audit.filter((a) => a.detail?.operationId === operationId && a.outcome === "succeeded")).toHaveLength(1);
  }, 90_000);
});
