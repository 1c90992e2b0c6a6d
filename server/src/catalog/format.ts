import {
  array,
  boolean,
  integer,
  max,
  min,
  number,
  object,
  optional,
  pattern,
  record,
  refine,
  size,
  string,
  type,
  union,
  unknown,
  type Infer,
  type Struct,
} from "superstruct";

/**
 * The original Proximity catalog files as they are on disk (v1 `index.json` + app files, v2 app
 * files). Structs use `type()` so that fields this project does not know are tolerated, as the
 * original's pydantic schema drops them; the loader reports them as warnings.
 */

/** superstruct's object-like structs accept arrays; a catalog never means an array there. */
function notArray<T, S>(struct: Struct<T, S>): Struct<T, S> {
  return refine(struct, "object", (value) => !Array.isArray(value) || "Expected an object, but received an array");
}

const Text = (maxLength: number) => size(string(), 1, maxLength);
const Url = pattern(size(string(), 1, 2048), /^https?:\/\/\S+$/);

export const APP_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const SECRET_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

const ComposeCommand = union([string(), array(string())]);
const ComposeEnvironment = union([array(string()), notArray(record(string(), union([string(), number(), boolean()])))]);
const ComposePort = union([integer(), string(), notArray(type({ target: integer() }))]);

export const ComposeService = notArray(
  type({
    image: optional(Text(512)),
    environment: optional(ComposeEnvironment),
    command: optional(ComposeCommand),
    entrypoint: optional(ComposeCommand),
    ports: optional(array(ComposePort)),
    volumes: optional(array(unknown())),
  }),
);

/** A full compose document embedded as JSON, as v1 and v2 entries carry it. */
export const ComposeDocument = notArray(type({ services: notArray(record(string(), ComposeService)) }));

/** This project's additions live under one namespaced key, so the original can still read our files. */
export const ProximityExtension = notArray(
  object({
    secrets: optional(
      array(
        notArray(
          object({
            name: pattern(string(), SECRET_NAME_PATTERN),
            length: max(min(integer(), 16), 128),
            description: Text(200),
          }),
        ),
      ),
    ),
  }),
);

export const EXTENSION_KEY = "x-proximity";

/** One app file: the fields of the original v2 schema plus v1's `min_disk` and our extension. */
export const ProximityAppFile = notArray(
  type({
    id: pattern(string(), APP_ID_PATTERN),
    name: Text(100),
    version: Text(64),
    description: Text(4000),
    category: Text(64),
    icon: optional(Url),
    docker_compose: ComposeDocument,
    ports: optional(array(max(min(integer(), 1), 65535))),
    volumes: optional(array(unknown())),
    environment: optional(notArray(record(string(), string()))),
    min_memory: max(min(integer(), 0), 4_194_304),
    min_cpu: max(min(integer(), 1), 512),
    min_disk: optional(max(min(integer(), 1), 65_536)),
    tags: optional(size(array(Text(64)), 0, 50)),
    author: optional(Text(200)),
    website: optional(Url),
    [EXTENSION_KEY]: optional(ProximityExtension),
  }),
);
export type ProximityAppFile = Infer<typeof ProximityAppFile>;
export type ComposeService = Infer<typeof ComposeService>;

export const KNOWN_APP_FIELDS: ReadonlySet<string> = new Set(Object.keys(ProximityAppFile.schema as object));

/** v1's `index.json`; entries of `apps` are checked one by one so a bad entry spares the rest. */
export const V1Index = notArray(
  type({
    version: optional(string()),
    last_updated: optional(string()),
    description: optional(string()),
    apps: array(unknown()),
    categories: optional(array(string())),
  }),
);

/** A listed app file: a plain `.json` name in the catalog folder, never a path. */
export const V1IndexEntry = pattern(size(string(), 6, 255), /^(?!\.)[^/\\\0]+\.json$/);
