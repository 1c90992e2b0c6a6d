import { configDefaults, defineConfig } from "vitest/config";

const browserTests = "test/browser/**/*.test.ts";

// Two lanes, each running its files one at a time: the browser tests (Chromium drawing in software is heavy on a
// 2-core CI machine) and everything else (mostly waiting on sockets and timers). `npm test` runs the lanes side by
// side, one vitest process each (`vitest run --project server` / `--project browser`); a plain `vitest run` runs
// both lanes one file at a time. Each file creates its own database schema, so ordering never matters.
const lane = (name: string, include: string[], exclude: string[] = []) => ({
  extends: true as const,
  test: { name, include, exclude: [...configDefaults.exclude, "test/crash/**", ...exclude], fileParallelism: false },
});

export default defineConfig({
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Minutes long: test/crash runs on its own with `npm run test:crash` (vitest.crash.config.ts).
      lane("server", ["server/**/*.test.ts", "shared/**/*.test.ts", "client/**/*.test.ts", "test/**/*.test.ts"], [browserTests]),
      lane("browser", [browserTests]),
    ],
  },
});
