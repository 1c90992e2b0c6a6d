import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

const READY = /Proximity is ready: open (http:\/\/\S+)/;
const SETUP = /#setup=(\S+)/;
const PINO_WARN = 40;
const KEPT_OUTPUT_LINES = 40;

export interface ServerMetrics {
  patches: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  rssBytes: number;
  heapUsedBytes: number;
}

/** Clock ticks per second of /proc/<pid>/stat times. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The Proximity server as users run it (`node --import tsx server/src/main.ts`), in a child
 * process so that its memory and CPU are its own.
 */
export class ServerProcess {
  /** Log lines at warn level or above, and anything on stderr. */
  readonly warnings: string[] = [];
  readonly #output: string[] = [];
  readonly #exited: Promise<void>;
  readonly #url: Promise<string>;
  readonly #setupToken: Promise<string>;
  #token: string | null = null;
  url = "";

  private constructor(private readonly child: ChildProcess) {
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    let ready!: (url: string) => void;
    let setup!: (token: string) => void;
    this.#url = new Promise((resolve) => (ready = resolve));
    this.#setupToken = new Promise((resolve) => (setup = resolve));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      this.#keep(line);
      if (line.startsWith("{")) {
        if (pinoLevel(line) >= PINO_WARN) this.warnings.push(line);
        return;
      }
      const url = READY.exec(line)?.[1];
      if (url) ready(url);
      const token = SETUP.exec(line)?.[1];
      if (token) setup(token);
    });
    createInterface({ input: child.stderr! }).on("line", (line) => {
      this.#keep(line);
      this.warnings.push(line);
    });
  }

  static async start(repoRoot: string, env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    child.once("exit", () => process.off("exit", killOnExit));
    const server = new ServerProcess(child);
    let timer: NodeJS.Timeout | undefined;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not print its URL within ${timeoutMs} ms`)), timeoutMs);
      void server.#exited.then(() => reject(new Error(`exited during start (code ${child.exitCode}, signal ${child.signalCode})`)));
    });
    try {
      server.url = await Promise.race([server.#url, failure]);
      return server;
    } catch (error) {
      child.kill("SIGKILL");
      throw new Error(`Proximity server ${(error as Error).message}. Last output:\n${server.#output.join("\n")}`);
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Signs in as the first admin through the one-time setup link the server prints on a fresh
   * database (the production path), so the clients and /api/metrics carry a real session.
   * Resolves to null for a server without accounts.
   */
  async signIn(): Promise<string | null> {
    const status = await fetch(`${this.url}/api/auth/status`);
    if (status.status === 404) return null;
    const { setupRequired } = (await status.json()) as { setupRequired?: boolean };
    if (!setupRequired) throw new Error("the benchmark needs a fresh database, but this server already has accounts");
    const token = await Promise.race([
      this.#setupToken,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the server printed no setup link")), 10_000).unref()),
    ]);
    const response = await fetch(`${this.url}/api/auth/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, username: "bench-admin", password: `bench-${crypto.randomUUID()}` }),
    });
    if (!response.ok) throw new Error(`first-admin setup failed: ${response.status} ${await response.text()}`);
    this.#token = ((await response.json()) as { token: string }).token;
    return this.#token;
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: this.#token ? { authorization: `Bearer ${this.#token}` } : {} });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  metrics(): Promise<ServerMetrics> {
    return this.get<ServerMetrics>("/api/metrics");
  }

  /** Resident set size now and its peak since start (VmRSS, VmHWM), in bytes. */
  memory(): { rssBytes: number; peakRssBytes: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const bytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rssBytes: bytes("VmRSS"), peakRssBytes: bytes("VmHWM") };
  }

  /** User + system CPU seconds the server has used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, "utf8");
    // Fields after "(comm) ": state is the 1st, utime the 12th and stime the 13th (proc(5) numbers 3, 14, 15).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  }

  /** SIGTERM (the server's own graceful stop), then SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }

  #keep(line: string): void {
    this.#output.push(line);
    if (this.#output.length > KEPT_OUTPUT_LINES) this.#output.shift();
  }
}

function pinoLevel(line: string): number {
  try {
    return Number((JSON.parse(line) as { level?: unknown }).level) || 0;
  } catch {
    return PINO_WARN;
  }
}
