import {
  array,
  enums,
  integer,
  max,
  min,
  object,
  optional,
  pattern,
  record,
  refine,
  size,
  string,
  type Infer,
} from "superstruct";
import { APP_ID_PATTERN, SECRET_NAME_PATTERN } from "./format.ts";
import { parseImageReference } from "./image.ts";

/** Environment names and values as Proxmox accepts them for an LXC's runtime environment. */
export const ENV_NAME_PATTERN = /^\w{1,128}$/;
export const ENV_VALUE_PATTERN = /^[^\x00-\x1F\x7F]*$/;
export const SECRET_REFERENCE = /\$\{secret:([^}]*)\}/g;

const PinnedImage = refine(string(), "pinned image", (value) => {
  const parsed = parseImageReference(value);
  return (parsed.ok && parsed.reference === value) || "Expected a normalised image reference with a pinned tag";
});

const Env = refine(record(pattern(string(), ENV_NAME_PATTERN), pattern(string(), ENV_VALUE_PATTERN)), "env", (value) => !Array.isArray(value));

/** One app after loading, whichever format it came from; the struct is the loader's contract. */
export const CatalogApp = refine(
  object({
    id: pattern(string(), APP_ID_PATTERN),
    name: size(string(), 1, 100),
    description: size(string(), 1, 4000),
    category: size(string(), 1, 64),
    version: size(string(), 1, 64),
    tags: array(string()),
    icon: optional(string()),
    website: optional(string()),
    route: enums(["oci", "compose"]),
    composeReason: optional(size(string(), 1, 400)),
    image: optional(object({ reference: PinnedImage })),
    entrypoint: optional(pattern(size(string(), 1, 4096), ENV_VALUE_PATTERN)),
    env: Env,
    secrets: array(object({ name: pattern(string(), SECRET_NAME_PATTERN), length: max(min(integer(), 16), 128), description: string() })),
    port: optional(max(min(integer(), 1), 65535)),
    minimums: object({
      cores: max(min(integer(), 1), 512),
      memoryMiB: max(min(integer(), 16), 4_194_304),
      diskGiB: max(min(integer(), 1), 65_536),
    }),
  }),
  "consistent",
  (app) => {
    if (app.route === "oci" && (app.image === undefined || app.composeReason !== undefined)) {
      return "An OCI app has an image and no compose reason";
    }
    if (app.route === "compose" && (app.composeReason === undefined || app.image !== undefined || app.entrypoint !== undefined)) {
      return "A compose app has a reason and no image or entrypoint";
    }
    const declared = new Set(app.secrets.map((secret) => secret.name));
    const undeclared = Object.values(app.env).flatMap((value) => [...value.matchAll(SECRET_REFERENCE)]).find((match) => !declared.has(match[1] ?? ""));
    return undeclared === undefined || "Every secret the environment references is declared";
  },
);
export type CatalogApp = Infer<typeof CatalogApp>;

export interface CatalogProblem {
  /** The file's name inside the catalog folder. */
  file: string;
  /** Dotted path to the bad field; "" when the file as a whole is unusable. */
  field: string;
  message: string;
  /** An error keeps the app out of the catalog; a warning is noted and the app still loads. */
  severity: "error" | "warning";
}

export interface Catalog {
  format: "v1" | "v2";
  apps: CatalogApp[];
  problems: CatalogProblem[];
}
