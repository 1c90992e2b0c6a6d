import type { OperationKind } from "../../shared/src/protocol.ts";
import type { GuestInfo, SimulatorModel, TaskInfo } from "../../server/src/simulator/index.ts";
import { pick, type Rng } from "../../server/src/simulator/prng.ts";

/** An operation as the crash test reads it back from the database once it ended. */
export interface EndedOperation {
  id: string;
  kind: OperationKind;
  vmid: number;
  node: string;
  state: "succeeded" | "failed";
  error: string;
  message: string;
  upid: string | null;
  targetVmid: number | null;
  targetNode: string | null;
  params: Record<string, unknown>;
  /** Step name → UPID of the Proxmox task the server recorded for it. */
  steps: Record<string, string>;
}

/** What the database says about an operation, whatever its state. */
export type OperationFacts = Omit<EndedOperation, "state">;

/** The simulator's truth once the round ended. */
export interface World {
  sim: SimulatorModel;
  /** Descriptions of the guests that did not exist before the round (the model does not expose them; read over the API). */
  newGuestDescriptions: Map<number, string>;
}

/** What a kind may choose from while the round is planned. */
export interface Choice {
  rng: Rng;
  clusterId: string;
  /** Guests no other operation of this round touches. */
  free: GuestInfo[];
  onlineNodes: string[];
  /** Single-image catalog apps no other deploy of this round uses (a pulled image is shared per storage). */
  freeApps: string[];
  /** A name no other guest of the run gets. */
  newName: string;
  sim: SimulatorModel;
}

/**
 * One Proxmox task an operation may run, at most once. `mine` tells this operation's task apart from
 * others' of the same type; `cleanup` tasks only follow a final failure.
 */
export interface TaskRule {
  type: string;
  cleanup?: boolean;
  /** A success cannot do without it. */
  required?: boolean;
  mine(task: TaskInfo, op: OperationFacts): boolean;
}

/** One submitted operation: what was asked, and how to judge what came of it. */
export interface Submission {
  kind: OperationKind;
  /** The guest it acts on, as it was before the round; null for a deploy. */
  guest: GuestInfo | null;
  /** The HTTP request that submits it; the answer is 202 {operationId}. */
  request: { path: string; body?: unknown };
  /** The tasks it may run, steps in the order it runs them, then cleanup. */
  tasks: TaskRule[];
  /** The step whose success means the operation succeeded: a failed operation must not have it succeed. */
  finalStep: string;
  /** Where the simulator disagrees with how the operation ended (its own tasks of the round given); empty when it agrees. */
  verify(op: EndedOperation, world: World, tasks: TaskInfo[]): string[];
  /** The guest ids the simulator must hold after the operation, given those before it. */
  expectGuestIds(ids: Set<number>, op: EndedOperation): Set<number>;
}

export interface CrashKind {
  kind: OperationKind;
  /** A submission for this round, or null when nothing left free can take this kind now. */
  prepare(choice: Choice): Submission | null;
}

type PowerAction = "start" | "stop" | "shutdown" | "reboot";

const TASK_PREFIX = { lxc: "vz", qemu: "qm" } as const;
const STATUS_AFTER: Record<PowerAction, "running" | "stopped"> = { start: "running", stop: "stopped", shutdown: "stopped", reboot: "running" };
/** The simulator's migrate task names (`qmigrate`, not `qmmigrate`). */
const MIGRATE_TASK = { lxc: "vzmigrate", qemu: "qmigrate" } as const;

const onGuest = (task: TaskInfo, vmid: number | null) => vmid !== null && task.id === String(vmid);
const sourceTask = (type: string, extra: Partial<TaskRule> = {}): TaskRule => ({ type, ...extra, mine: (t, op) => onGuest(t, op.vmid) });
const targetTask = (type: string, extra: Partial<TaskRule> = {}): TaskRule => ({ type, ...extra, mine: (t, op) => onGuest(t, op.targetVmid) });
const mark = (op: EndedOperation) => `proximity-operation:${op.id}`;
const free = (g: GuestInfo) => !g.lock;
/**
 * Clones, migrations and backups copy the disk and last with its size (the biggest take minutes even
 * at the test's task speed): the test keeps to guests whose copies last seconds, so 20 rounds fit.
 */
const MAX_COPIED_DISK_BYTES = 32 * 1024 ** 3;
const copyable = (g: GuestInfo) => free(g) && g.maxdiskBytes <= MAX_COPIED_DISK_BYTES;

export const taskSucceeded = (task: TaskInfo) => task.exitstatus === "OK" || Boolean(task.exitstatus?.startsWith("WARNINGS"));

/**
 * Whether the task that should have removed some debris ran and failed: cleanup is tried once, and the
 * operation then ends saying what may be left behind (docs/operations.md), so that debris is expected.
 */
const removalFailed = (tasks: TaskInfo[], ...types: string[]) => tasks.some((t) => types.includes(t.type) && t.status === "stopped" && !taskSucceeded(t));

/** Debris a failed operation's cleanup left: a problem unless its removal failed and the operation says so. */
function debris(op: EndedOperation, tasks: TaskInfo[], removers: string[], what: string): string[] {
  if (!removalFailed(tasks, ...removers)) return [`failed, but left ${what} behind`];
  return op.message.includes("Cleanup failed") ? [] : [`left ${what} behind without saying so (${op.message})`];
}

/** Guests still carrying the mark of a failed operation. */
function markedDebris(op: EndedOperation, world: World, tasks: TaskInfo[], removers: string[]): string[] {
  return [...world.newGuestDescriptions]
    .filter(([, description]) => description.includes(mark(op)))
    .flatMap(([vmid]) => debris(op, tasks, removers, `guest ${vmid} (marked with the operation)`));
}

/** A new guest the operation made: there, named as asked, marked as the operation's, on the expected node. */
function madeGuest(op: EndedOperation, world: World, name: string, node: string): string[] {
  const vmid = op.targetVmid;
  if (vmid === null) return ["succeeded without a target VMID"];
  const g = world.sim.getGuest(vmid);
  if (!g) return [`succeeded, but guest ${vmid} does not exist`];
  const problems: string[] = [];
  if (g.name !== name) problems.push(`made guest ${vmid} named ${g.name} (asked for ${name})`);
  if (g.node !== node) problems.push(`made guest ${vmid} on ${g.node} (expected ${node})`);
  if (!(world.newGuestDescriptions.get(vmid) ?? "").includes(mark(op))) problems.push(`guest ${vmid} does not carry the operation's mark`);
  const twins = world.sim.findGuestsByName(name).filter((other) => other.vmid !== vmid);
  if (twins.length > 0) problems.push(`duplicate guests named ${name}: ${twins.map((t) => t.vmid).join(", ")}`);
  return problems;
}

const addTarget = (ids: Set<number>, op: EndedOperation) =>
  op.state === "succeeded" && op.targetVmid !== null ? new Set([...ids, op.targetVmid]) : ids;

function lifecycle(action: PowerAction): CrashKind {
  return {
    kind: action,
    prepare: ({ rng, clusterId, free: guests }) => {
      const fits = guests.filter((g) => free(g) && !g.template && g.status === (action === "start" ? "stopped" : "running"));
      if (fits.length === 0) return null;
      const guest = pick(rng, fits);
      const taskType = `${TASK_PREFIX[guest.type]}${action}`;
      return {
        kind: action,
        guest,
        request: { path: `/api/guests/${clusterId}/${guest.vmid}/actions/${action}` },
        tasks: [sourceTask(taskType)],
        finalStep: taskType,
        verify: (op, { sim }) => {
          const now = sim.getGuest(op.vmid);
          if (!now) return [`guest ${op.vmid} is gone after ${action}`];
          const expected = op.state === "succeeded" ? STATUS_AFTER[action] : guest.status;
          return now.status === expected ? [] : [`${action} ${op.state}, but guest ${op.vmid} is ${now.status} (expected ${expected})`];
        },
        expectGuestIds: (ids) => ids,
      };
    },
  };
}

/** Pull the app's image (skipped when the template exists), create, start; after a final failure remove what it made. */
const deploy: CrashKind = {
  kind: "deploy",
  prepare: ({ rng, clusterId, freeApps, newName }) => {
    if (freeApps.length === 0) return null;
    const app = pick(rng, freeApps);
    const templateVolid = (op: OperationFacts) => `${String(op.params.templateStorage)}:vztmpl/${String(op.params.templateFile)}`;
    return {
      kind: "deploy",
      guest: null,
      request: { path: "/api/commands/app.deploy", body: { cluster: clusterId, app, name: newName } },
      tasks: [
        { type: "download", mine: (t, op) => t.id === op.params.templateFile },
        targetTask("vzcreate", { required: true }),
        targetTask("vzstart", { required: true }),
        targetTask("vzstop", { cleanup: true }),
        targetTask("vzdestroy", { cleanup: true }),
        {
          type: "imgdel",
          cleanup: true,
          // Filed as `@<storage>`: told apart by the step the server recorded or the volume its log names.
          mine: (t, op) =>
            t.id === `@${String(op.params.templateStorage)}` && (Object.values(op.steps).includes(t.upid) || t.log.some((l) => l.includes(templateVolid(op)))),
        },
      ],
      finalStep: "vzstart",
      verify: (op, world, tasks) => {
        if (op.state === "succeeded") {
          const problems = madeGuest(op, world, newName, op.node);
          const status = op.targetVmid === null ? undefined : world.sim.getGuest(op.targetVmid)?.status;
          if (status && status !== "running") problems.push(`deployed guest ${op.targetVmid} is ${status} (expected running)`);
          return problems;
        }
        const problems = markedDebris(op, world, tasks, ["vzstop", "vzdestroy"]);
        const pulled = tasks.some((t) => t.type === "download" && taskSucceeded(t));
        const volid = templateVolid(op);
        if (pulled && world.sim.listVolumes({ node: op.node, content: "vztmpl" }).some((v) => v.volid === volid)) {
          problems.push(...debris(op, tasks, ["imgdel"], `the image it pulled (${volid})`));
        }
        return problems;
      },
      expectGuestIds: addTarget,
    };
  },
};

/** A full clone; of a non-template through a temporary snapshot that must be gone afterwards, whatever the outcome. */
const clone: CrashKind = {
  kind: "clone",
  prepare: ({ rng, clusterId, free: guests, newName }) => {
    const fits = guests.filter(copyable);
    if (fits.length === 0) return null;
    const guest = pick(rng, fits);
    const p = TASK_PREFIX[guest.type];
    const viaSnapshot = !guest.template;
    return {
      kind: "clone",
      guest,
      request: { path: "/api/commands/guest.clone", body: { cluster: clusterId, vmid: guest.vmid, name: newName, full: true } },
      tasks: [
        ...(viaSnapshot ? [sourceTask(`${p}snapshot`, { required: true })] : []),
        sourceTask(`${p}clone`, { required: true }),
        ...(viaSnapshot ? [sourceTask(`${p}delsnapshot`, { required: true })] : []),
        targetTask(`${p}stop`, { cleanup: true }),
        targetTask(`${p}destroy`, { cleanup: true }),
      ],
      finalStep: viaSnapshot ? `${p}delsnapshot` : `${p}clone`,
      verify: (op, world, tasks) => {
        const source = world.sim.getGuest(guest.vmid);
        if (!source) return [`the source ${guest.vmid} is gone`];
        const problems: string[] = [];
        const snapname = `proximity-clone-${op.targetVmid}`;
        if (source.snapshots.includes(snapname) && !removalFailed(tasks, `${p}delsnapshot`)) problems.push(`left the temporary snapshot ${snapname} on ${guest.vmid}`);
        if (op.state === "succeeded") problems.push(...madeGuest(op, world, newName, op.targetNode ?? guest.node));
        else problems.push(...markedDebris(op, world, tasks, [`${p}stop`, `${p}destroy`]));
        return problems;
      },
      expectGuestIds: addTarget,
    };
  },
};

/** vzdump to the default backup storage: a success leaves exactly one new archive of the guest, a failure none. */
const backup: CrashKind = {
  kind: "backup",
  prepare: ({ rng, clusterId, free: guests, sim }) => {
    const fits = guests.filter(copyable);
    if (fits.length === 0) return null;
    const guest = pick(rng, fits);
    const archives = () => new Set(sim.listVolumes({ content: "backup", vmid: guest.vmid }).map((v) => v.volid));
    const before = archives();
    return {
      kind: "backup",
      guest,
      request: { path: "/api/commands/guest.backup", body: { cluster: clusterId, vmid: guest.vmid } },
      tasks: [sourceTask("vzdump", { required: true })],
      finalStep: "vzdump",
      verify: (op) => {
        const added = [...archives()].filter((v) => !before.has(v));
        const expected = op.state === "succeeded" ? 1 : 0;
        return added.length === expected ? [] : [`${op.state}, but ${added.length} new backup archives exist (${added.join(", ")}); expected ${expected}`];
      },
      expectGuestIds: (ids) => ids,
    };
  },
};

/** To another online node: the guest ends on the target when it succeeded, where it was when it failed. */
const migrate: CrashKind = {
  kind: "migrate",
  prepare: ({ rng, clusterId, free: guests, onlineNodes }) => {
    const fits = guests.filter((g) => copyable(g) && onlineNodes.includes(g.node) && onlineNodes.length > 1);
    if (fits.length === 0) return null;
    const guest = pick(rng, fits);
    const target = pick(rng, onlineNodes.filter((n) => n !== guest.node));
    return {
      kind: "migrate",
      guest,
      request: { path: "/api/commands/guest.migrate", body: { cluster: clusterId, vmid: guest.vmid, node: target } },
      tasks: [sourceTask(MIGRATE_TASK[guest.type], { required: true })],
      finalStep: MIGRATE_TASK[guest.type],
      verify: (op, { sim }) => {
        const now = sim.getGuest(guest.vmid);
        if (!now) return [`guest ${guest.vmid} is gone after migrate`];
        const expected = op.state === "succeeded" ? target : guest.node;
        const problems = now.node === expected ? [] : [`migrate ${op.state}, but guest ${guest.vmid} is on ${now.node} (expected ${expected})`];
        if (op.state === "succeeded" && now.status !== guest.status) problems.push(`migrated guest ${guest.vmid} is ${now.status} (was ${guest.status})`);
        return problems;
      },
      expectGuestIds: (ids) => ids,
    };
  },
};

export const CRASH_KINDS: readonly CrashKind[] = [
  lifecycle("start"),
  lifecycle("stop"),
  lifecycle("shutdown"),
  lifecycle("reboot"),
  deploy,
  clone,
  backup,
  migrate,
];
