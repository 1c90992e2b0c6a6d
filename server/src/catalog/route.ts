import type { ComposeService } from "./format.ts";

/**
 * Decides whether an app can run as a single OCI image in an LXC (Proxmox's API-only path) or
 * needs Docker compose inside the container. The OCI path honours a service's image, environment,
 * entrypoint and command; the keys below are meaningless for an LXC with its own address and
 * rootfs, so they are safely dropped. Anything else would be silently lost, so it means compose.
 */
const OCI_HONOURED_KEYS = new Set(["image", "environment", "command", "entrypoint"]);
const OCI_IRRELEVANT_KEYS = new Set(["container_name", "hostname", "restart", "ports", "expose", "volumes", "network_mode", "labels"]);

export type Route = { route: "oci"; service: ComposeService; entrypoint: string | undefined } | { route: "compose"; reason: string };

export function chooseRoute(services: Record<string, ComposeService>): Route {
  const names = Object.keys(services);
  const [only] = names;
  if (names.length !== 1 || only === undefined) {
    return { route: "compose", reason: `runs ${names.length} services (${clipList(names)}); the OCI route runs exactly one image` };
  }
  const service = services[only] as ComposeService;
  const unsupported = Object.keys(service).filter((key) => !OCI_HONOURED_KEYS.has(key) && !OCI_IRRELEVANT_KEYS.has(key));
  if (unsupported.length > 0) {
    return { route: "compose", reason: `uses the compose option${unsupported.length > 1 ? "s" : ""} ${clipList(unsupported)}, which an unprivileged OCI container cannot reproduce` };
  }
  if (mountsDockerSocket(service.volumes)) {
    return { route: "compose", reason: "needs the Docker socket, which only exists when Docker runs inside the container" };
  }
  if (service.command !== undefined && service.entrypoint === undefined) {
    return { route: "compose", reason: "overrides the image's command without naming its entrypoint; the OCI route needs the whole command line" };
  }
  const parts = [...asArgs(service.entrypoint), ...asArgs(service.command)];
  if (parts.some((part) => part === "" || /[\s"'\\]/.test(part))) {
    return { route: "compose", reason: "passes an argument with spaces or quotes, which the OCI route's single command line cannot carry" };
  }
  return { route: "oci", service, entrypoint: parts.length > 0 ? parts.join(" ") : undefined };
}

/** A compose string command is already one command line; an array is one argument per item. */
function asArgs(command: string | string[] | undefined): string[] {
  if (command === undefined) return [];
  return typeof command === "string" ? command.trim().split(/\s+/).filter((part) => part !== "") : command;
}

function mountsDockerSocket(volumes: unknown[] | undefined): boolean {
  return (volumes ?? []).some((volume) => JSON.stringify(volume).includes("docker.sock"));
}

function clipList(items: string[]): string {
  const shown = items.slice(0, 5).map((item) => (item.length > 40 ? `${item.slice(0, 40)}…` : item));
  return shown.join(", ") + (items.length > 5 ? `, and ${items.length - 5} more` : "");
}
