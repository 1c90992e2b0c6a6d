import type { CatalogApp } from "../../net/api.ts";

/** Categories in display order (alphabetical), each with its app count. */
export function categoriesOf(apps: readonly CatalogApp[]): Array<{ name: string; count: number }> {
  const counts = new Map<string, number>();
  for (const app of apps) counts.set(app.category, (counts.get(app.category) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Apps in a category (null: all) whose name, id, description or category contains every word of the query. */
export function filterApps(apps: readonly CatalogApp[], category: string | null, query: string): CatalogApp[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return apps
    .filter((app) => category === null || app.category === category)
    .filter((app) => {
      const text = `${app.name} ${app.id} ${app.description} ${app.category}`.toLowerCase();
      return words.every((w) => text.includes(w));
    })
    .sort((a, b) => Number(a.route === "compose") - Number(b.route === "compose") || a.name.localeCompare(b.name));
}

/** Fields of the deploy form that ask for less than the app needs. */
export function belowMinimums(app: CatalogApp, form: { cores?: number; memoryMiB?: number; diskGiB?: number }): Record<string, string> {
  const errors: Record<string, string> = {};
  const { cores, memoryMiB, diskGiB } = app.minimums;
  if (form.cores !== undefined && form.cores < cores) errors.cores = `${app.name} needs at least ${cores} cores.`;
  if (form.memoryMiB !== undefined && form.memoryMiB < memoryMiB) errors.memoryMiB = `${app.name} needs at least ${memoryMiB} MiB.`;
  if (form.diskGiB !== undefined && form.diskGiB < diskGiB) errors.diskGiB = `${app.name} needs at least ${diskGiB} GiB.`;
  return errors;
}
