import { validate } from "superstruct";
import { CatalogApp, type CatalogProblem } from "./app.ts";
import { checkEnvEntry, composeEnvironment } from "./env.ts";
import { EXTENSION_KEY, KNOWN_APP_FIELDS, type ComposeService, type ProximityAppFile } from "./format.ts";
import { parseImageReference } from "./image.ts";
import { chooseRoute } from "./route.ts";

/** Floors applied when an entry states less than an LXC can usefully run with; see docs/catalog.md. */
export const MEMORY_FLOOR_MIB = 128;
export const DEFAULT_DISK_GIB = 8;

type Issue = Omit<CatalogProblem, "file">;

/** Turns one structurally valid app file into a CatalogApp, or explains every reason it cannot be one. */
export function normaliseApp(raw: ProximityAppFile): { app: CatalogApp | undefined; issues: Issue[] } {
  const issues: Issue[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_APP_FIELDS.has(key)) issues.push({ field: key, message: "Unknown field; ignored", severity: "warning" });
  }

  const secrets = raw[EXTENSION_KEY]?.secrets ?? [];
  const declared = new Set<string>();
  secrets.forEach((secret, index) => {
    if (declared.has(secret.name)) {
      issues.push({ field: `${EXTENSION_KEY}.secrets.${index}.name`, message: `Duplicate secret "${secret.name}"`, severity: "error" });
    }
    declared.add(secret.name);
  });

  const services = raw.docker_compose.services;
  const serviceEnvs = new Map<string, [string, string][]>();
  for (const [name, service] of Object.entries(services)) {
    const path = `docker_compose.services.${name}`;
    issues.push(...checkImage(service, path));
    const { env, issues: shapeIssues } = composeEnvironment(service.environment);
    issues.push(...shapeIssues.map((issue) => ({ ...issue, field: `${path}.environment.${issue.field}` })));
    issues.push(...env.flatMap(([key, value]) => checkEnvEntry(key, value, declared)).map((issue) => ({ ...issue, field: `${path}.environment.${issue.field}` })));
    serviceEnvs.set(name, env);
  }
  const catalogEnv = Object.entries(raw.environment ?? {});
  issues.push(...catalogEnv.flatMap(([key, value]) => checkEnvEntry(key, value, declared)).map((issue) => ({ ...issue, field: `environment.${issue.field}` })));

  const route = chooseRoute(services);
  if (route.route === "oci" && route.entrypoint?.includes("${secret:")) {
    issues.push({ field: "docker_compose.services", message: "Secrets may only be used in environment values, not on the command line", severity: "error" });
  }
  const { port, issues: portIssues } = primaryPort(raw.ports, services);
  issues.push(...portIssues);
  if (issues.some((issue) => issue.severity === "error")) return { app: undefined, issues };

  // The catalog-wide environment is injected into the service, as v1 did, so it wins over the service's own.
  const serviceEnv = route.route === "oci" ? (serviceEnvs.values().next().value ?? []) : [];
  const candidate = {
    id: raw.id,
    name: raw.name,
    description: raw.description,
    category: raw.category,
    version: raw.version,
    tags: raw.tags ?? [],
    ...(raw.icon === undefined ? {} : { icon: raw.icon }),
    ...(raw.website === undefined ? {} : { website: raw.website }),
    ...(route.route === "oci" ? ociFields(route.service, route.entrypoint) : { route: "compose" as const, composeReason: route.reason }),
    env: Object.fromEntries([...serviceEnv, ...catalogEnv]),
    secrets: secrets.map(({ name, length, description }) => ({ name, length, description })),
    ...(port === undefined ? {} : { port }),
    minimums: {
      cores: raw.min_cpu,
      memoryMiB: Math.max(raw.min_memory, MEMORY_FLOOR_MIB),
      diskGiB: raw.min_disk ?? DEFAULT_DISK_GIB,
    },
  };
  const [error, app] = validate(candidate, CatalogApp);
  if (error) {
    return { app: undefined, issues: [...issues, ...error.failures().map((failure) => ({ field: failure.path.join("."), message: failure.message, severity: "error" as const }))] };
  }
  return { app, issues };
}

function checkImage(service: ComposeService, path: string): Issue[] {
  if (service.image === undefined) {
    return [{ field: `${path}.image`, message: "A service must name an image; building from source is not supported", severity: "error" }];
  }
  const parsed = parseImageReference(service.image);
  return parsed.ok ? [] : [{ field: `${path}.image`, message: `The image ${parsed.message}`, severity: "error" }];
}

function ociFields(service: ComposeService, entrypoint: string | undefined) {
  const parsed = parseImageReference(service.image ?? "");
  return {
    route: "oci" as const,
    ...(parsed.ok ? { image: { reference: parsed.reference } } : {}),
    ...(entrypoint === undefined ? {} : { entrypoint }),
  };
}

/** v1 used the top-level `ports[0]` as the app's UI port; without it, the first service's first container port. */
function primaryPort(ports: number[] | undefined, services: Record<string, ComposeService>): { port?: number; issues: Issue[] } {
  if (ports?.[0] !== undefined) return { port: ports[0], issues: [] };
  for (const [name, service] of Object.entries(services)) {
    const first = service.ports?.[0];
    if (first === undefined) continue;
    const text = typeof first === "object" ? String(first.target) : String(first);
    const container = Number(/(?:^|:)(\d{1,5})(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/.exec(text)?.[1]);
    if (Number.isInteger(container) && container >= 1 && container <= 65535) return { port: container, issues: [] };
    return { issues: [{ field: `docker_compose.services.${name}.ports.0`, message: "Cannot read a container port here; the app is listed without one", severity: "warning" }] };
  }
  return { issues: [] };
}
