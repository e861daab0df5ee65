// Prints one closing line, "client-web: N passed, N failed[, N skipped]", that
// CI can read whatever runner it expects. A file that failed outside any test
// (a beforeAll that threw: say, no kenes-server binary) counts as one failure,
// so a run that could not start never reads as "0 failed".
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  constructor(private readonly label = "client-web") {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      let failedHere = 0;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failedHere++;
        else skipped++;
      }
      if (failedHere === 0 && m.state() === "failed") failedHere = 1;
      failed += failedHere;
    }
    failed += unhandled.length;
    const tail = skipped ? `, ${skipped} skipped` : "";
    process.stdout.write(`\n${this.label}: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
