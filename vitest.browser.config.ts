// The browser suite (npm run test:browser): report.html in Debian's chromium, driven by playwright-core
// (test/browser/). Not part of `npm test`, so a clone without a browser still passes; .ci/run installs
// chromium and runs it after npm test.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.browser.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // In CI, also write the results as JSON (its own file) so .ci/run can print a one-line count.
    ...(process.env["CI"] ? { reporters: ["default", "json"], outputFile: { json: ".vitest-browser-results.json" } } : {}),
  },
});
