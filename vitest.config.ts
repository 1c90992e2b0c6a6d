import { configDefaults, defineConfig } from "vitest/config";

// Files run one at a time: browser tests and servers are heavy on a 2-core CI machine, and
// each file creates its own database schema, so ordering never matters.
export default defineConfig({
  test: {
    include: ["server/**/*.test.ts", "shared/**/*.test.ts", "client/**/*.test.ts", "test/**/*.test.ts"],
    // Minutes long: run on its own with `npm run test:crash` (vitest.crash.config.ts).
    exclude: [...configDefaults.exclude, "test/crash/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
