/**
 * Start/stop/shutdown/reboot with PVE's split between synchronous API errors and errors raised
 * inside the worker (pve-api.md §6.3): pve-container Status.pm and qemu-server API2/Qemu.pm.
 * Lifecycle tasks take no config lock in PVE; they only respect locks that are already set.
 */
import type { Cluster } from "./cluster.ts";
import { bootGuest } from "./estate.ts";
import { dieError, paramError } from "./errors.ts";
import { floatBetween } from "./prng.ts";
import type { GuestState, GuestType } from "./state.ts";
import type { TaskWorker, WorkerLog } from "./tasks.ts";

export type PowerAction = "start" | "stop" | "shutdown" | "reboot";

export interface PowerRequest {
  node: string;
  type: GuestType;
  vmid: number;
  action: PowerAction;
  /** Authenticated user as PVE sees it ("root@pam!tok" for a token): only "root@pam" may skiplock. */
  authUser: string;
  /** Task owner as written into the UPID ("root@pam!proximity" for a token). */
  taskUser: string;
  params: { skiplock?: boolean; timeout?: number; forceStop?: boolean };
}

/** Realistic durations in ms (pve-api.md §8, estimates), before taskSpeed scaling. */
const DURATIONS: Record<string, [number, number]> = {
  vzstart: [1000, 3000],
  vzstop: [500, 2000],
  vzshutdown: [2000, 10_000],
  vzreboot: [3000, 12_000],
  qmstart: [1000, 4000],
  qmstop: [500, 2000],
  qmshutdown: [3000, 15_000],
  qmreboot: [5000, 20_000],
};

const TASK_TYPES: Record<GuestType, Record<PowerAction, string>> = {
  lxc: { start: "vzstart", stop: "vzstop", shutdown: "vzshutdown", reboot: "vzreboot" },
  qemu: { start: "qmstart", stop: "qmstop", shutdown: "qmshutdown", reboot: "qmreboot" },
};

/** Runs the synchronous checks, forks the worker and returns its UPID. */
export function powerAction(cluster: Cluster, req: PowerRequest): string {
  const { node, type, vmid, action, params } = req;
  if (params.skiplock && req.authUser !== "root@pam") {
    throw paramError({ skiplock: "Only root may use this option." });
  }
  const local = cluster.guestOn(node, type, vmid);
  const runningHere = local?.status === "running";
  if (type === "lxc") {
    if (action === "start" && runningHere) throw dieError(`CT ${vmid} already running`);
    if ((action === "stop" || action === "shutdown") && !runningHere) throw dieError(`CT ${vmid} not running`);
  }
  if (action === "reboot" && !runningHere) throw dieError(`VM ${vmid} not running`);
  if (action === "start" && !cluster.quorate()) throw dieError("cluster not ready - no quorum?");

  const taskType = TASK_TYPES[type][action];
  const worker = buildWorker(cluster, req, taskType);
  return cluster.tasks.start(node, taskType, String(vmid), req.taskUser, worker).upid;
}

function buildWorker(cluster: Cluster, req: PowerRequest, taskType: string): TaskWorker {
  const { node, type, vmid, action, params } = req;
  const [lo, hi] = DURATIONS[taskType] as [number, number];
  const natural = floatBetween(cluster.rng, lo, hi);
  const kind = type === "lxc" ? "CT" : "VM";
  const confPath = `nodes/${node}/${type === "lxc" ? "lxc" : "qemu-server"}/${vmid}.conf`;

  const load = (): GuestState => {
    const g = cluster.guestOn(node, type, vmid);
    if (!g) throw new Error(`Configuration file '${confPath}' does not exist`);
    return g;
  };
  const checkLock = (g: GuestState, exempt: string[] = []) => {
    if (g.lock && !params.skiplock && !exempt.includes(g.lock)) throw new Error(`${kind} is locked (${g.lock})`);
  };

  if (action === "start") {
    return {
      durationMs: natural,
      begin() {
        const g = load();
        if (type === "lxc") {
          if (g.template) throw new Error("you can't start a CT if it's a template");
          checkLock(g, ["mounted"]);
        } else {
          checkLock(g, ["suspended"]);
          if (g.template) throw new Error("you can't start a vm if it's a template");
          if (g.status === "running") throw new Error(`VM ${vmid} already running`);
        }
      },
      finish() {
        const g = load();
        if (g.status !== "running") bootGuest(cluster.rng, g, cluster.requireNode(node), cluster.now());
      },
    };
  }

  if (action === "reboot") {
    return {
      durationMs: natural,
      begin() {
        const g = load();
        if (type === "qemu") checkLock(g);
      },
      finish() {
        const g = load();
        if (g.status !== "running") throw new Error(`${kind} ${vmid} not running`);
        bootGuest(cluster.rng, g, cluster.requireNode(node), cluster.now());
      },
    };
  }

  // stop and shutdown
  const shutdown = action === "shutdown";
  const timeoutMs = shutdown ? (params.timeout ?? 60) * 1000 : Infinity;
  const timedOut = shutdown && natural > timeoutMs;
  let alreadyStopped = false;
  return {
    durationMs: timedOut ? timeoutMs : natural,
    begin() {
      const g = load();
      checkLock(g, type === "lxc" && !shutdown ? ["mounted"] : []);
      // QEMU stop/shutdown of a stopped VM is a quick no-op task that ends OK.
      alreadyStopped = g.status !== "running";
      if (alreadyStopped) this.durationMs = 200;
    },
    finish(out: WorkerLog) {
      const g = load();
      if (alreadyStopped || g.status !== "running") return;
      if (timedOut) {
        if (!params.forceStop) {
          throw new Error(
            type === "lxc"
              ? `command 'lxc-stop -n ${vmid} --nokill --timeout ${params.timeout ?? 60}' failed: exit code 1`
              : "VM quit/powerdown failed - got timeout",
          );
        }
        if (type === "qemu") out.warn("VM quit/powerdown failed - terminating now with SIGTERM");
      }
      stopGuest(g);
    },
  };
}

export function stopGuest(g: GuestState): void {
  g.status = "stopped";
  g.cpu = 0;
  g.mem = 0;
  g.swapUsed = 0;
  g.disk = 0;
  g.netin = 0;
  g.netout = 0;
  g.diskread = 0;
  g.diskwrite = 0;
  g.pid = 0;
  g.startedAt = 0;
}
