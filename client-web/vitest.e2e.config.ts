import { defineConfig } from "vitest/config";
import SummaryReporter from "./tests/support/summary-reporter.ts";

// End to end: a real kenes-server, real Chromium (the whole story, one file
// run in order) and real Firefox (a smoke test). The files run one after the
// other, each with its own server; see tests/e2e/README.md.
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
