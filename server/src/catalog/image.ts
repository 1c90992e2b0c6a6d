/**
 * Container image references, normalised to `registry/repository:tag[@digest]` as Proxmox's
 * `oci-registry-pull` takes them. A tag is required and must not float: a deployment made today
 * must be reproducible tomorrow.
 */

const DEFAULT_REGISTRY = "docker.io";
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*:\d{1,5})$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Tags that name a moving target rather than a release. */
const FLOATING_TAGS = new Set([
  "latest", "stable", "release", "main", "master", "edge", "nightly", "dev", "develop",
  "beta", "rolling", "lts", "mainline", "current", "unstable", "testing",
]);

export type ImageReference = { ok: true; reference: string } | { ok: false; message: string };

export function parseImageReference(raw: string): ImageReference {
  const [withoutDigest = "", digest, ...extra] = raw.split("@");
  if (extra.length > 0 || (digest !== undefined && !DIGEST.test(digest))) {
    return { ok: false, message: `"${clip(raw)}" has a malformed digest` };
  }
  const lastSlash = withoutDigest.lastIndexOf("/");
  const lastColon = withoutDigest.lastIndexOf(":");
  const hasTag = lastColon > lastSlash;
  const name = hasTag ? withoutDigest.slice(0, lastColon) : withoutDigest;
  const tag = hasTag ? withoutDigest.slice(lastColon + 1) : undefined;
  if (tag === undefined) return { ok: false, message: `"${clip(raw)}" has no tag; pin a release tag` };
  if (!TAG.test(tag)) return { ok: false, message: `"${clip(raw)}" has a malformed tag` };
  if (isFloating(tag)) return { ok: false, message: `"${clip(raw)}" uses the floating tag "${tag}"; pin a release tag` };

  const parts = name.split("/");
  const first = parts[0] ?? "";
  const hasRegistry = parts.length > 1 && REGISTRY.test(first) && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = hasRegistry ? first : DEFAULT_REGISTRY;
  const path = hasRegistry ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((component) => COMPONENT.test(component))) {
    return { ok: false, message: `"${clip(raw)}" is not a valid image name` };
  }
  const repository = registry === DEFAULT_REGISTRY && path.length === 1 ? ["library", ...path] : path;
  const reference = `${registry}/${repository.join("/")}:${tag}${digest === undefined ? "" : `@${digest}`}`;
  return reference.length > 512 ? { ok: false, message: "the image reference is too long" } : { ok: true, reference };
}

export function isFloating(tag: string): boolean {
  const lower = tag.toLowerCase();
  return FLOATING_TAGS.has(lower) || lower.startsWith("latest-") || lower.startsWith("latest_");
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
