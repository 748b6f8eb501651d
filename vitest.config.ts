import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The checks against the published leaderboard data are their own suite (vitest.reference.config.ts):
    // `npm test` reads nothing outside the repository. The browser suite (vitest.browser.config.ts) needs chromium.
    exclude: ["test/reference/**", "test/browser/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // In CI, also write the results as JSON so .ci/run can print a one-line count.
    ...(process.env["CI"] ? { reporters: ["default", "json"], outputFile: { json: ".vitest-results.json" } } : {}),
  },
});
