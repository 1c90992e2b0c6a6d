import { parseSecretKey } from "./secrets/box.ts";
import {
  boolean,
  coerce,
  defaulted,
  enums,
  integer,
  max,
  min,
  number,
  object,
  optional,
  pattern,
  size,
  string,
  StructError,
  type Infer,
} from "superstruct";

const Flag = coerce(boolean(), string(), (v) => ["1", "true", "yes", "on"].includes(v.trim().toLowerCase()) ? true
  : ["0", "false", "no", "off", ""].includes(v.trim().toLowerCase()) ? false : v);
const Int = (lo: number, hi: number) => coerce(max(min(integer(), lo), hi), string(), (v) => (/^\s*-?\d+\s*$/.test(v) ? Number(v) : v));
const Fingerprint = pattern(string(), /^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/);

const Env = object({
  PORT: defaulted(Int(0, 65535), 2567),
  HOST: defaulted(size(string(), 1, 255), "127.0.0.1"),
  DATABASE_URL: optional(pattern(string(), /^postgres(ql)?:\/\//)),
  DATA_DIR: defaulted(size(string(), 1, 4096), "./data"),
  DEMO: optional(Flag),
  DEMO_NODES: defaulted(Int(1, 50), 3),
  DEMO_GUESTS: defaulted(Int(0, 10_000), 24),
  DEMO_SIGN_IN: optional(Flag),
  ALLOWED_ORIGINS: defaulted(pattern(string(), /^(https?:\/\/[^\s,/]+)?(,https?:\/\/[^\s,/]+)*$/), ""),
  PVE_URL: optional(pattern(string(), /^https:\/\/[^/\s]+(:\d+)?\/?$/)),
  PVE_CLUSTER_ID: defaulted(pattern(string(), /^[a-z0-9][a-z0-9-]{0,62}$/), "pve"),
  PVE_CLUSTER_NAME: optional(size(string(), 1, 128)),
  PVE_TOKEN_ID: optional(pattern(string(), /^[^@\s]+@[^!\s]+![A-Za-z][A-Za-z0-9._-]*$/)),
  PVE_TOKEN_SECRET: optional(size(string(), 1, 256)),
  PVE_USER: optional(pattern(string(), /^[^@\s]+@[^\s]+$/)),
  PVE_PASSWORD: optional(size(string(), 1, 256)),
  PVE_FINGERPRINT: optional(Fingerprint),
  PVE_CA_FILE: optional(size(string(), 1, 4096)),
  PVE_INSECURE: defaulted(Flag, false),
  SECRET_KEY: optional(size(string(), 1, 256)),
  SYNC_INTERVAL_MS: defaulted(Int(250, 600_000), 2000),
  TRANSPORT: defaulted(enums(["ws", "uws"]), "ws"),
  LOG_LEVEL: defaulted(enums(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), "info"),
  STATIC_DIR: defaulted(size(string(), 1, 4096), "./dist-client"),
  CATALOG_DIR: defaulted(size(string(), 1, 4096), "./assets/catalog"),
});
type Env = Infer<typeof Env>;

/** Variables whose values must never appear in an error message. */
const SECRET_VARIABLES = new Set(["PVE_TOKEN_SECRET", "PVE_PASSWORD", "DATABASE_URL", "SECRET_KEY"]);

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type ClusterAuthConfig =
  | { kind: "token"; tokenId: string; secret: string }
  | { kind: "ticket"; username: string; password: string };

export interface ClusterConfig {
  id: string;
  name: string;
  url: string;
  auth: ClusterAuthConfig;
  fingerprint?: string;
  caFile?: string;
  insecure: boolean;
}

export interface Config {
  port: number;
  host: string;
  database: { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string };
  /** Demo mode: an embedded simulated cluster instead of (or before) a real one. */
  demo: { nodes: number; guests: number } | null;
  /** Visitors are signed in automatically as the demo admin (labelled as such). */
  demoSignIn: boolean;
  /** Browser origins allowed to open the WebSocket besides the server's own. */
  allowedOrigins: string[];
  cluster: ClusterConfig | null;
  /** Encrypts Proxmox credentials at rest; required unless the only cluster is the demo's. */
  secretKey: Buffer | null;
  syncIntervalMs: number;
  transport: "ws" | "uws";
  logLevel: Env["LOG_LEVEL"];
  staticDir: string;
  /** The app catalog: a v1 (index.json) or v2 (folder of JSON files) Proximity catalog. */
  catalogDir: string;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const relevant = Object.fromEntries(
    // An empty variable counts as unset (docker-compose passes `${X:-}` through as "").
    Object.keys(Env.schema).flatMap((k) => (env[k] === undefined || env[k] === "" ? [] : [[k, env[k]]])),
  );
  let parsed: Env;
  try {
    parsed = Env.create(relevant);
  } catch (error) {
    if (!(error instanceof StructError)) throw error;
    const lines = error.failures().map((f) => {
      const key = String(f.path[0]);
      const shown = SECRET_VARIABLES.has(key) ? "(hidden)" : JSON.stringify(relevant[key]);
      return `${key}=${shown}: ${f.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const cluster = clusterFrom(parsed);
  const demo = parsed.DEMO ?? cluster === null;
  const secretKey = parsed.SECRET_KEY === undefined ? null : parseSecretKey(parsed.SECRET_KEY);
  if (parsed.SECRET_KEY !== undefined && !secretKey) {
    throw new ConfigError("SECRET_KEY=(hidden): expected 32 bytes as base64 or hex; generate one with `openssl rand -base64 32`.");
  }
  if (cluster && !secretKey) {
    throw new ConfigError(
      "SECRET_KEY is not set: it encrypts Proxmox credentials in the database. Generate one with `openssl rand -base64 32` and keep it safe.",
    );
  }
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    database: parsed.DATABASE_URL
      ? { kind: "postgres", url: parsed.DATABASE_URL }
      : { kind: "pglite", dataDir: parsed.DATA_DIR },
    demo: demo ? { nodes: parsed.DEMO_NODES, guests: parsed.DEMO_GUESTS } : null,
    demoSignIn: parsed.DEMO_SIGN_IN ?? demo,
    allowedOrigins: parsed.ALLOWED_ORIGINS ? parsed.ALLOWED_ORIGINS.split(",") : [],
    cluster,
    secretKey,
    syncIntervalMs: parsed.SYNC_INTERVAL_MS,
    transport: parsed.TRANSPORT,
    logLevel: parsed.LOG_LEVEL,
    staticDir: parsed.STATIC_DIR,
    catalogDir: parsed.CATALOG_DIR,
  };
}

function clusterFrom(env: Env): ClusterConfig | null {
  if (!env.PVE_URL) {
    const stray = ["PVE_TOKEN_ID", "PVE_TOKEN_SECRET", "PVE_USER", "PVE_PASSWORD", "PVE_FINGERPRINT"].filter(
      (k) => env[k as keyof Env] !== undefined,
    );
    if (stray.length > 0) throw new ConfigError(`${stray.join(", ")} set but PVE_URL is not: set PVE_URL too.`);
    return null;
  }
  let auth: ClusterAuthConfig;
  if (env.PVE_TOKEN_ID && env.PVE_TOKEN_SECRET) {
    auth = { kind: "token", tokenId: env.PVE_TOKEN_ID, secret: env.PVE_TOKEN_SECRET };
  } else if (env.PVE_USER && env.PVE_PASSWORD) {
    auth = { kind: "ticket", username: env.PVE_USER, password: env.PVE_PASSWORD };
  } else {
    throw new ConfigError(
      "PVE_URL is set but no credentials: set PVE_TOKEN_ID and PVE_TOKEN_SECRET (recommended) or PVE_USER and PVE_PASSWORD.",
    );
  }
  if (!env.PVE_FINGERPRINT && !env.PVE_CA_FILE && !env.PVE_INSECURE) {
    throw new ConfigError(
      "PVE_URL is set but TLS is unverified: set PVE_FINGERPRINT (the SHA-256 shown under Node → Certificates), " +
        "or PVE_CA_FILE, or PVE_INSECURE=true to accept any certificate (not recommended).",
    );
  }
  return {
    id: env.PVE_CLUSTER_ID,
    name: env.PVE_CLUSTER_NAME ?? env.PVE_CLUSTER_ID,
    url: env.PVE_URL.replace(/\/$/, ""),
    auth,
    fingerprint: env.PVE_FINGERPRINT,
    caFile: env.PVE_CA_FILE,
    insecure: env.PVE_INSECURE,
  };
}
