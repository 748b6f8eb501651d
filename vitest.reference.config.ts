// The reference suite (npm run test:reference): checks against the published Value Compass leaderboard
// data, read from the folder VC_REFERENCE_DATA names (default ../shared/data/value-compass-site beside
// the repository; see test/reference/data.ts). Not part of `npm test`: a user's clone has no such folder.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/reference/**/*.reference.test.ts"],
    globalSetup: ["test/reference/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // In CI, also write the results as JSON (its own file) so .ci/run can print a one-line count.
    ...(process.env["CI"] ? { reporters: ["default", "json"], outputFile: { json: ".vitest-reference-results.json" } } : {}),
  },
});
