import { assert, integer, max, min, object, optional, pattern, string, validate, type Infer } from "superstruct";
import { CatalogApp, SECRET_REFERENCE } from "./app.ts";
import { generateSecret } from "./secret.ts";

/** One DNS label (RFC 1123): what Proxmox accepts as a container's hostname. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const DeploymentChoice = object({
  name: optional(pattern(string(), DNS_LABEL)),
  cores: optional(max(min(integer(), 1), 512)),
  memoryMiB: optional(max(min(integer(), 16), 4_194_304)),
  diskGiB: optional(max(min(integer(), 1), 65_536)),
});
export type DeploymentChoice = Infer<typeof DeploymentChoice>;

export interface DeploymentPlan {
  hostname: string;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  imageReference: string;
  entrypoint?: string;
  /** The container's environment with every secret reference replaced by its generated value. */
  env: Record<string, string>;
  /** Generated for this deployment only; shown once to the deployer and never logged. */
  secrets: Array<{ name: string; value: string }>;
  port?: number;
}

export interface DeploymentRefusal {
  code: "compose_route" | "below_minimum" | "invalid_choice";
  message: string;
  /** For below_minimum and invalid_choice: what is wrong with each chosen field. */
  fields?: Record<string, string>;
}

export type PlanResult = { ok: true; plan: DeploymentPlan } | { ok: false; refusal: DeploymentRefusal };

type Sized = "cores" | "memoryMiB" | "diskGiB";
const UNITS: Record<Sized, string> = { cores: "cores", memoryMiB: "MiB", diskGiB: "GiB" };

/**
 * Works out what to create for one deployment of an app; pure, with randomness passed in. The app
 * must come from the loader: a hand-made one that breaks the CatalogApp contract throws StructError.
 */
export function planDeployment(app: CatalogApp, choice: unknown, randomBytes: (n: number) => Buffer): PlanResult {
  assert(app, CatalogApp);
  if (app.route === "compose" || app.image === undefined) {
    return refuse("compose_route", `${app.name} needs Docker compose inside the container (${app.composeReason ?? "no single image"}); that route is not available`);
  }
  const [error, chosen] = validate(choice, DeploymentChoice);
  if (error) {
    const fields = Object.fromEntries(error.failures().map((failure) => [failure.path.join(".") || "(choice)", failure.message]));
    return refuse("invalid_choice", `Invalid deployment choice: ${Object.keys(fields).join(", ")}`, fields);
  }
  const below = (["cores", "memoryMiB", "diskGiB"] as const).filter((key) => (chosen[key] ?? app.minimums[key]) < app.minimums[key]);
  if (below.length > 0) {
    const fields = Object.fromEntries(below.map((key) => [key, `${app.name} needs at least ${app.minimums[key]} ${UNITS[key]}; ${chosen[key]} was chosen`]));
    return refuse("below_minimum", Object.values(fields).join("; "), fields);
  }

  const secrets = app.secrets.map((secret) => ({ name: secret.name, value: generateSecret(secret.length, randomBytes) }));
  // CatalogApp guarantees that every referenced secret is declared, so each lookup finds a value.
  const values = new Map(secrets.map((secret) => [secret.name, secret.value]));
  const env = Object.fromEntries(
    Object.entries(app.env).map(([name, value]) => [name, value.replace(SECRET_REFERENCE, (_match, secret: string) => values.get(secret) as string)]),
  );
  return {
    ok: true,
    plan: {
      hostname: chosen.name ?? hostnameFor(app.id),
      cores: chosen.cores ?? app.minimums.cores,
      memoryMiB: chosen.memoryMiB ?? app.minimums.memoryMiB,
      diskGiB: chosen.diskGiB ?? app.minimums.diskGiB,
      imageReference: app.image.reference,
      ...(app.entrypoint === undefined ? {} : { entrypoint: app.entrypoint }),
      env,
      secrets,
      ...(app.port === undefined ? {} : { port: app.port }),
    },
  };
}

/** App ids are slugs that may hold underscores; a hostname may not. */
export function hostnameFor(appId: string): string {
  const label = appId.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").slice(0, 63).replace(/^-+|-+$/g, "");
  return label === "" ? "app" : label;
}

function refuse(code: DeploymentRefusal["code"], message: string, fields?: Record<string, string>): PlanResult {
  return { ok: false, refusal: { code, message, ...(fields === undefined ? {} : { fields }) } };
}
