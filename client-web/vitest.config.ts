import { defineConfig } from "vitest/config";
import SummaryReporter from "./tests/support/summary-reporter.ts";

// Unit tests: the collab core, the log fold, the network layer over fakes.
// DOM-free (the ui tests only the UI's DOM-free helpers), so they run in plain Node.
export default defineConfig({
  test: {
    include: ["tests/core/**/*.test.ts", "tests/model/**/*.test.ts", "tests/net/**/*.test.ts", "tests/ui/**/*.test.ts", "tests/i18n/**/*.test.ts"],
    environment: "node",
    reporters: ["default", new SummaryReporter("client-web")],
  },
});
