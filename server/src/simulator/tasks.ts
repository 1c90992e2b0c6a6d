/**
 * Task engine: forks simulated workers with PVE UPIDs, runs them for a realistic duration and ends
 * them with the PVE log conventions (TASK OK / TASK WARNINGS: n / TASK ERROR: msg).
 *
 * Durations run on real timers; additionally settleDue() ends every task whose end time has passed
 * on the injected clock, so a test that drives `now` sees tasks finish on its next request.
 */
import { taskFailureMessage } from "./faults.ts";
import type { Rng } from "./prng.ts";
import type { NodeState } from "./state.ts";
import type { SimulatorFaults } from "./types.ts";
import { encodeUpid } from "./upid.ts";

export interface TaskRecord {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
  status: "running" | "stopped";
  exitstatus?: string;
  endtime?: number;
  lines: string[];
}

export interface WorkerLog {
  log(line: string): void;
  /** A warning line; the task then ends "WARNINGS: n" instead of "OK". */
  warn(line: string): void;
}

export interface TaskWorker {
  /** Realistic duration in ms before scaling by taskSpeed and slowTaskFactor; read after begin. */
  durationMs: number;
  /** Runs as the worker starts (config load, lock checks); throwing fails the task quickly. */
  begin?(out: WorkerLog): void;
  /** Applies the effect when the duration is over; throwing ends the task with that error. */
  finish(out: WorkerLog): void;
  /** Called instead of finish when the task is stopped or fails, to undo begin's side effects. */
  abort?(): void;
}

interface Running {
  record: TaskRecord;
  worker: TaskWorker;
  endAt: number;
  warnings: number;
  failure?: string;
  timer?: NodeJS.Timeout;
}

export interface TaskEngineDeps {
  now(): number;
  node(name: string): NodeState;
  faults(): SimulatorFaults;
  rng: Rng;
  taskSpeed: number;
  onSettled?(record: TaskRecord): void;
}

/** Finished tasks kept per node; PVE rotates its task index in a similar way. */
const ARCHIVE_LIMIT = 2000;
/** How long a worker takes to load the config and fail a check, in ms before scaling. */
const QUICK_FAIL_MS = 150;

export class TaskEngine {
  private readonly running = new Map<string, Running>();
  private readonly finished = new Map<string, TaskRecord[]>();
  private readonly byUpid = new Map<string, TaskRecord>();
  /** One-shot failures armed by tests: the next task of that type ends with the message. */
  private readonly armedFailures: { type: string; message: string }[] = [];
  private disposed = false;

  constructor(private readonly deps: TaskEngineDeps) {}

  start(nodeName: string, type: string, id: string, user: string, worker: TaskWorker): TaskRecord {
    const now = this.deps.now();
    const parts = {
      node: nodeName,
      ...this.allocateProcess(nodeName, now),
      starttime: Math.floor(now / 1000),
      type,
      id,
      user,
    };
    const record: TaskRecord = { ...parts, upid: encodeUpid(parts), status: "running", lines: [] };
    this.byUpid.set(record.upid, record);
    const entry: Running = { record, worker, endAt: now, warnings: 0 };
    const out = this.logFor(entry);
    let durationMs: number;
    try {
      worker.begin?.(out);
      durationMs = worker.durationMs;
      entry.failure = this.injectedFailure(type, id);
    } catch (err) {
      entry.failure = errorText(err);
      durationMs = QUICK_FAIL_MS;
    }
    const scaled = Math.max(1, Math.round(durationMs * this.scale() * (0.8 + this.deps.rng() * 0.4)));
    entry.endAt = now + scaled;
    entry.timer = setTimeout(() => this.settle(entry), scaled);
    this.running.set(record.upid, entry);
    return record;
  }

  /** Makes the next task of `type` fail with `message` as its exit status (after its checks pass). */
  failNext(type: string, message: string): void {
    this.armedFailures.push({ type, message });
  }

  get(upid: string): TaskRecord | undefined {
    return this.byUpid.get(upid);
  }

  /** Interrupts a running task like SIGTERM to its worker; returns false if it was not running. */
  stop(upid: string): boolean {
    const entry = this.running.get(upid);
    if (!entry) return false;
    entry.failure = "received interrupt";
    this.settle(entry);
    return true;
  }

  /** Running tasks first (newest first), then finished ones (newest first). */
  forNode(node: string): { running: TaskRecord[]; finished: TaskRecord[] } {
    const running = [...this.running.values()]
      .map((r) => r.record)
      .filter((r) => r.node === node)
      .sort((a, b) => b.starttime - a.starttime);
    const finished = [...(this.finished.get(node) ?? [])].reverse();
    return { running, finished };
  }

  all(): TaskRecord[] {
    return [...this.byUpid.values()];
  }

  /** Adds an already finished task (history, or actions done "in the web UI" by the model). */
  recordFinished(record: Omit<TaskRecord, "upid" | "pid" | "pstart" | "status"> & { exitstatus: string }): TaskRecord {
    const parts = { ...record, ...this.allocateProcess(record.node, record.starttime * 1000) };
    const done: TaskRecord = { ...parts, upid: encodeUpid(parts), status: "stopped" };
    this.archive(done);
    return done;
  }

  /** Ends every task whose end time has passed on the injected clock. */
  settleDue(): void {
    const now = this.deps.now();
    for (const entry of [...this.running.values()]) if (entry.endAt <= now) this.settle(entry);
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.running.values()) clearTimeout(entry.timer);
    this.running.clear();
  }

  /** A worker pid from the node's counter and its start in clock ticks (100 Hz) since boot. */
  private allocateProcess(nodeName: string, startedAtMs: number): { pid: number; pstart: number } {
    const node = this.deps.node(nodeName);
    const pid = node.nextPid;
    node.nextPid += 1 + Math.floor(this.deps.rng() * 40);
    return { pid, pstart: Math.max(0, Math.floor((startedAtMs - node.bootAt) / 10)) };
  }

  private scale(): number {
    const slow = this.deps.faults().slowTaskFactor ?? 1;
    return this.deps.taskSpeed * (slow > 0 ? slow : 1);
  }

  private injectedFailure(type: string, id: string): string | undefined {
    const armed = this.armedFailures.findIndex((f) => f.type === type);
    if (armed >= 0) return this.armedFailures.splice(armed, 1)[0]?.message;
    const faults = this.deps.faults();
    const vmid = Number(id);
    const rule = faults.failTasks?.find((f) => (f.vmid === undefined || f.vmid === vmid) && (f.type === undefined || f.type === type));
    if (rule) return rule.message;
    const rate = faults.taskFailureRate ?? 0;
    if (rate > 0 && this.deps.rng() < rate) return taskFailureMessage(type, id);
    return undefined;
  }

  private logFor(entry: Running): WorkerLog {
    return {
      log: (line) => entry.record.lines.push(line),
      warn: (line) => {
        entry.warnings++;
        entry.record.lines.push(line);
      },
    };
  }

  private settle(entry: Running): void {
    if (this.disposed || !this.running.has(entry.record.upid)) return;
    clearTimeout(entry.timer);
    this.running.delete(entry.record.upid);
    let error = entry.failure;
    if (error === undefined) {
      try {
        entry.worker.finish(this.logFor(entry));
      } catch (err) {
        error = errorText(err);
      }
    }
    if (error !== undefined) entry.worker.abort?.();
    const record = entry.record;
    record.status = "stopped";
    record.endtime = Math.max(record.starttime, Math.floor(this.deps.now() / 1000));
    if (error !== undefined) {
      const flat = error.replace(/\s*\n\s*/g, " ").trim();
      record.exitstatus = flat;
      record.lines.push(`TASK ERROR: ${flat}`);
    } else if (entry.warnings > 0) {
      record.exitstatus = `WARNINGS: ${entry.warnings}`;
      record.lines.push(`TASK WARNINGS: ${entry.warnings}`);
    } else {
      record.exitstatus = "OK";
      record.lines.push("TASK OK");
    }
    this.archive(record);
    this.deps.onSettled?.(record);
  }

  private archive(record: TaskRecord): void {
    const list = this.finished.get(record.node) ?? [];
    list.push(record);
    list.sort((a, b) => (a.endtime ?? 0) - (b.endtime ?? 0));
    while (list.length > ARCHIVE_LIMIT) {
      const dropped = list.shift() as TaskRecord;
      this.byUpid.delete(dropped.upid);
    }
    this.finished.set(record.node, list);
    this.byUpid.set(record.upid, record);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
