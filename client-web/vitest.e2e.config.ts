import { defineConfig } from "vitest/config";
import SummaryReporter from "./tests/support/summary-reporter.ts";

// End to end: a real kenes-server and real Chromium. One file, one story, run
// in order; see tests/e2e/README.md.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.e2e.test.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", new SummaryReporter("client-web-e2e")],
  },
});
