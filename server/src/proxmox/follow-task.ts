import type { ProxmoxClient } from "./client.ts";
import { ProxmoxError, TaskFailedError } from "./errors.ts";
import { apiPath } from "./params.ts";
import type { TaskStatus } from "./shapes.ts";
import { sleep as realSleep, type Sleep } from "./sleep.ts";
import { parseUpid } from "./upid.ts";

export interface FollowTaskOptions {
  /** Between status polls; default 1000 ms like pve-apiclient, bpg and proxmoxer. */
  intervalMs?: number;
  /** Gives up (kind "timeout") after this long. The task itself keeps running on PVE. */
  timeoutMs?: number;
  /** Rejects with the signal's reason; the task keeps running on PVE. */
  signal?: AbortSignal;
  /** New task log lines, in order, as they appear. Without it the log is read only on failure. */
  onLog?: (lines: string[]) => void;
  /**
   * A task can be missing right after its UPID was returned (another node's status is read through a
   * proxy); "no such task" is tolerated for this long. Default 5000 ms.
   */
  missingGraceMs?: number;
  /** How many last log lines a TaskFailedError carries. Default 20. */
  logTailLines?: number;
  sleep?: Sleep;
  now?: () => number;
}

export interface TaskOutcome {
  upid: string;
  node: string;
  /** `OK` or `WARNINGS: n`. */
  exitstatus: string;
  /** n of `WARNINGS: n`, else 0. */
  warnings: number;
  status: TaskStatus;
}

type TaskReader = Pick<ProxmoxClient, "taskStatus" | "taskLog">;

const LOG_PAGE = 500;
const WARNINGS = /^WARNINGS: (\d+)$/;

/**
 * Polls a task until it stops. Resolves for `OK` and `WARNINGS: n`; any other exit status rejects with
 * TaskFailedError (a ProxmoxError whose `exitstatus`, `upid` and `logTail` describe the failure).
 */
export async function followTask(client: TaskReader, upid: string, options: FollowTaskOptions = {}): Promise<TaskOutcome> {
  const { node } = parseUpid(upid);
  const intervalMs = options.intervalMs ?? 1_000;
  for (const [name, value] of Object.entries({ intervalMs, timeoutMs: options.timeoutMs, missingGraceMs: options.missingGraceMs })) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) throw new TypeError(`${name} must be a non-negative number`);
  }
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const signal = options.signal;
  const started = now();
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  const statusPath = apiPath`/nodes/${node}/tasks/${upid}/status`;
  const log = new LogFollower(client, node, upid, options.onLog, signal);

  for (;;) {
    signal?.throwIfAborted();
    const status = await readStatus(client, node, upid, signal, now() - started < (options.missingGraceMs ?? 5_000));
    if (status?.status === "stopped") {
      await log.catchUp();
      return finish(status, upid, statusPath, () => log.tail(options.logTailLines ?? 20));
    }
    if (status) await log.catchUp();
    const left = deadline - now();
    if (left <= 0) {
      throw new ProxmoxError({
        kind: "timeout",
        status: 0,
        method: "GET",
        path: statusPath,
        detail: `task did not finish within ${options.timeoutMs} ms (it keeps running on PVE)`,
      });
    }
    await sleep(Math.min(intervalMs, left), signal);
  }
}

async function readStatus(
  client: TaskReader,
  node: string,
  upid: string,
  signal: AbortSignal | undefined,
  withinGrace: boolean,
): Promise<TaskStatus | undefined> {
  try {
    return await client.taskStatus(node, upid, { signal });
  } catch (error) {
    if (withinGrace && isNoSuchTask(error)) return undefined;
    throw error;
  }
}

function isNoSuchTask(error: unknown): boolean {
  return (
    error instanceof ProxmoxError &&
    error.status === 400 &&
    /no such task/i.test(`${error.errors?.upid ?? ""} ${error.pveMessage} ${error.reason}`)
  );
}

async function finish(status: TaskStatus, upid: string, path: string, tail: () => Promise<string[]>): Promise<TaskOutcome> {
  const exitstatus = status.exitstatus ?? "";
  if (exitstatus === "OK") return { upid, node: status.node, exitstatus, warnings: 0, status };
  const warnings = WARNINGS.exec(exitstatus);
  if (warnings) return { upid, node: status.node, exitstatus, warnings: Number(warnings[1]), status };
  throw new TaskFailedError({
    upid,
    node: status.node,
    taskType: status.type,
    taskId: status.id,
    exitstatus: exitstatus || "task stopped without an exit status",
    logTail: await tail(),
    path,
  });
}

/** Reads the task log incrementally from a line offset, so each line is reported once. */
class LogFollower {
  readonly #client: TaskReader;
  readonly #node: string;
  readonly #upid: string;
  readonly #onLog: ((lines: string[]) => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  #offset = 0;
  #recent: string[] = [];

  constructor(
    client: TaskReader,
    node: string,
    upid: string,
    onLog: ((lines: string[]) => void) | undefined,
    signal: AbortSignal | undefined,
  ) {
    this.#client = client;
    this.#node = node;
    this.#upid = upid;
    this.#onLog = onLog;
    this.#signal = signal;
  }

  async catchUp(): Promise<void> {
    if (!this.#onLog) return;
    for (;;) {
      const { lines, total } = await this.#client.taskLog(this.#node, this.#upid, this.#offset, LOG_PAGE, { signal: this.#signal });
      // PVE answers an empty log with one pseudo line "no content".
      if (this.#offset === 0 && total === 1 && lines.length === 1 && lines[0]?.t === "no content") return;
      // Line numbers (1-based) rather than counts decide what is new, so nothing is reported twice.
      const fresh = lines.filter((line) => line.n > this.#offset);
      if (fresh.length === 0) return;
      this.#offset = fresh[fresh.length - 1]!.n;
      const texts = fresh.map((line) => line.t);
      this.#recent = [...this.#recent, ...texts].slice(-LOG_PAGE);
      this.#onLog(texts);
      if (lines.length < LOG_PAGE) return;
    }
  }

  async tail(count: number): Promise<string[]> {
    if (this.#onLog) return this.#recent.slice(-count);
    const { total } = await this.#client.taskLog(this.#node, this.#upid, 0, 1, { signal: this.#signal });
    const { lines } = await this.#client.taskLog(this.#node, this.#upid, Math.max(0, total - count), count, {
      signal: this.#signal,
    });
    return lines.map((line) => line.t);
  }
}
