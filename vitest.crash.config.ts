import { defineConfig } from "vitest/config";

// The crash test kills and restarts a real server process many times: minutes, not seconds, so it is
// kept out of `npm test` and run on its own with `npm run test:crash`.
export default defineConfig({
  test: {
    include: ["test/crash/**/*.test.ts"],
    environment: "node",
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
