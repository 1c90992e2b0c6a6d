import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import type { Readable } from "node:stream";
import { once } from "node:events";

/** How long a fresh process may take to print that it is ready (tsx compiles the server first). */
const READY_TIMEOUT_MS = 60_000;
/** Output kept in memory so a failure can show what the server said last. */
const TAIL_LINES = 80;

const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

type Child = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Proximity as an operator runs it: `node --import tsx server/src/main.ts` with its configuration in
 * the environment, in a child process that can be killed with SIGKILL (no shutdown hook runs) and
 * started again on the same port and database.
 */
export class ServerProcess {
  readonly url: string;
  #setupToken: Promise<string>;
  #gotSetupToken: (token: string) => void = () => undefined;
  /** Exits that kill() did not cause: the server crashed by itself. */
  readonly unexpectedExits: string[] = [];
  #child: Child | null = null;
  #killing = false;
  #tail: string[] = [];
  #log: WriteStream;

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
    logFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    mkdirSync(path.dirname(logFile), { recursive: true });
    this.#log = createWriteStream(logFile, { flags: "a" });
    this.#setupToken = new Promise((resolve) => (this.#gotSetupToken = resolve));
  }

  /** The token of the one-time setup link that a start on a fresh database prints. */
  setupToken(timeoutMs = 5_000): Promise<string> {
    return Promise.race([
      this.#setupToken,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the server printed no setup link")), timeoutMs).unref()),
    ]);
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the process and resolves once it prints that it is ready. */
  async start(): Promise<void> {
    if (this.#child) throw new Error("server process already running");
    this.#killing = false;
    const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...this.env, PORT: String(this.port), HOST: "127.0.0.1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    this.#log.write(`\n==== start pid ${child.pid} at ${new Date().toISOString()}\n`);
    child.on("exit", (code, signal) => {
      this.#log.write(`==== exit pid ${child.pid} code ${code} signal ${signal}\n`);
      if (!this.#killing) this.unexpectedExits.push(`pid ${child.pid} exited with code ${code}, signal ${signal}`);
      if (this.#child === child) this.#child = null;
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server not ready within ${READY_TIMEOUT_MS} ms:\n${this.tail()}`)), READY_TIMEOUT_MS);
      const onLine = (line: string) => {
        const setup = /#setup=([A-Za-z0-9_-]+)/.exec(line);
        if (setup) this.#gotSetupToken(setup[1]!);
        if (line.includes("Proximity is ready")) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited during start-up (code ${code}, signal ${signal}):\n${this.tail()}`));
      });
      this.#pipe(child.stdout, onLine);
      this.#pipe(child.stderr, () => undefined);
    });
    await ready;
  }

  /** SIGKILL: the process ends at once, mid-whatever, with no chance to clean up. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) throw new Error("server process is not running");
    this.#killing = true;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** The last lines the server wrote, for failure messages. */
  tail(): string {
    return this.#tail.join("\n");
  }

  async close(): Promise<void> {
    if (this.#child) await this.kill();
    await new Promise<void>((resolve) => this.#log.end(resolve));
  }

  #pipe(stream: Readable, onLine: (line: string) => void): void {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      this.#log.write(chunk);
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        this.#tail.push(line);
        if (this.#tail.length > TAIL_LINES) this.#tail.shift();
        onLine(line);
      }
    });
  }
}

/** A port that was free a moment ago; the server binds it on every restart. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
