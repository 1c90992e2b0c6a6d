import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { validate, type StructError } from "superstruct";
import type { Catalog, CatalogApp, CatalogProblem } from "./app.ts";
import { ProximityAppFile, V1Index, V1IndexEntry } from "./format.ts";
import { normaliseApp } from "./normalise.ts";
import { readJsonFile } from "./read.ts";

export const MAX_APPS = 2000;
export const V1_INDEX = "index.json";
const MAX_PROBLEMS_PER_FILE = 20;
const MAX_MESSAGE = 240;
const NOT_AN_OBJECT = "Expected a JSON object at the top level";

/**
 * Loads a catalog folder: v1 when it holds `index.json` (only the files it lists are read), v2
 * otherwise (every `*.json`, dotfiles excepted, in name order). Never throws: every unreadable
 * file, bad field and duplicate id becomes a problem, and the other apps still load. `maxApps`
 * exists so tests can reach the cap without writing thousands of files.
 */
export async function loadCatalog(dir: string, maxApps: number = MAX_APPS): Promise<Catalog> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith(".json") && !name.startsWith(".")).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return { format: "v2", apps: [], problems: [problem("", "", `Cannot read the catalog folder: ${code}`)] };
  }
  return names.includes(V1_INDEX) ? loadV1(dir, names, maxApps) : loadFiles("v2", dir, names, [], maxApps);
}

async function loadV1(dir: string, present: string[], maxApps: number): Promise<Catalog> {
  const index = await readJsonFile(join(dir, V1_INDEX));
  if (!index.ok) return { format: "v1", apps: [], problems: [problem(V1_INDEX, "", index.message)] };
  if (!isJsonObject(index.value)) return { format: "v1", apps: [], problems: [problem(V1_INDEX, "", NOT_AN_OBJECT)] };
  const [error, parsed] = validate(index.value, V1Index);
  if (error) return { format: "v1", apps: [], problems: structProblems(V1_INDEX, error) };

  const problems: CatalogProblem[] = [];
  const listed: string[] = [];
  parsed.apps.forEach((entry, position) => {
    if (!V1IndexEntry.is(entry)) problems.push(problem(V1_INDEX, `apps.${position}`, "Expected the name of a .json file in the catalog folder"));
    else if (listed.includes(entry)) problems.push(problem(V1_INDEX, `apps.${position}`, `"${entry}" is listed twice; it is read once`, "warning"));
    else listed.push(entry);
  });
  for (const name of present) {
    if (name !== V1_INDEX && !listed.includes(name)) problems.push(problem(name, "", "Not listed in index.json; ignored", "warning"));
  }
  return loadFiles("v1", dir, listed, problems, maxApps);
}

async function loadFiles(format: Catalog["format"], dir: string, names: string[], problems: CatalogProblem[], maxApps: number): Promise<Catalog> {
  const skipped = names.slice(maxApps);
  if (skipped.length > 0) {
    problems.push(problem(skipped[0] ?? "", "", `The catalog holds ${names.length} app files; only the first ${maxApps} are read`));
  }
  const apps: CatalogApp[] = [];
  const firstFileById = new Map<string, string>();
  for (const name of names.slice(0, maxApps)) {
    const { app, problems: fileProblems } = await loadAppFile(dir, name);
    problems.push(...fileProblems);
    if (app === undefined) continue;
    const earlier = firstFileById.get(app.id);
    if (earlier !== undefined) {
      problems.push(problem(name, "id", `Duplicate id "${app.id}"; the app from ${earlier} is kept`));
      continue;
    }
    firstFileById.set(app.id, name);
    apps.push(app);
  }
  return { format, apps, problems };
}

async function loadAppFile(dir: string, name: string): Promise<{ app: CatalogApp | undefined; problems: CatalogProblem[] }> {
  const read = await readJsonFile(join(dir, name));
  if (!read.ok) return { app: undefined, problems: [problem(name, "", read.message)] };
  if (!isJsonObject(read.value)) return { app: undefined, problems: [problem(name, "", NOT_AN_OBJECT)] };
  const [error, raw] = validate(read.value, ProximityAppFile);
  if (error) return { app: undefined, problems: structProblems(name, error) };
  const { app, issues } = normaliseApp(raw);
  return { app, problems: capped(name, issues.map((issue) => problem(name, issue.field, issue.message, issue.severity))) };
}

/** Without this, an array or a number would be reported as every required field missing. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function structProblems(file: string, error: StructError): CatalogProblem[] {
  return capped(file, error.failures().map((failure) => problem(file, failure.path.join("."), failure.message)));
}

/** A hostile file could produce thousands of failures; a few name the fault well enough. */
function capped(file: string, problems: CatalogProblem[]): CatalogProblem[] {
  if (problems.length <= MAX_PROBLEMS_PER_FILE) return problems;
  const hidden = problems.slice(MAX_PROBLEMS_PER_FILE);
  const severity = hidden.some((hiddenProblem) => hiddenProblem.severity === "error") ? "error" : "warning";
  return [...problems.slice(0, MAX_PROBLEMS_PER_FILE), problem(file, "", `${hidden.length} more problems in this file are not shown`, severity)];
}

function problem(file: string, field: string, message: string, severity: CatalogProblem["severity"] = "error"): CatalogProblem {
  return { file, field, message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message, severity };
}
