// End to end, a validation session in real Chromium against a real
// kenes-server (issue 18): the chair starts a meeting and a session over
// every indicator and the recommendations, and walks ten items — one
// skipped — with one click each to open and one to close; two board members
// vote in the dialog that pops up, one with reservations in words; after
// every close each page shows the item's outcome, and the progress line
// counts what is decided. The chair marks an absent member excused for the
// minutes. Screenshots in test-artifacts/.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, type ServerUnderTest, accessibilityViolations, checkPrerequisites, eventually, joinThroughLink, launchChromium, startRealServer } from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";

let server: ServerUnderTest;
let browser: Browser;
let chair: Page;
const members: Page[] = [];

async function newPage(width = 1280, height = 720): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  return ctx.newPage();
}

describe.skipIf(fake)("a validation session (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    chair = await newPage();
    await joinThroughLink(chair, server.links.chair!);
    const links = server.allLinks.member ?? [];
    for (let i = 0; i < 2; i++) {
      const page = await newPage();
      await joinThroughLink(page, links[i]!, { group: "6", gender: i ? "man" : "woman" });
      members.push(page);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("the chair walks ten items; two members vote; everyone sees each outcome and the progress", async () => {
    // A board member who will not come (for the attendance marks below).
    await chair.click("#people-link");
    await chair.fill("#invite-name", "Gulnara Absent");
    await chair.click("#invite-submit");
    await chair.waitForSelector(".link-panel .link-text", { timeout: 15_000 });
    await chair.click(".brand-name");
    await chair.waitForSelector(".categories", { timeout: 15_000 });
    await chair.click("#meeting-start-summary");
    await chair.fill("#meeting-title-input", "Validation workshop");
    await chair.click("#meeting-start-submit");
    await chair.waitForSelector("#meeting-leave", { timeout: 15_000 });
    for (const m of members) {
      await m.waitForSelector("#meeting-join", { timeout: 15_000 });
      await m.click("#meeting-join");
      await m.waitForSelector("#meeting-leave", { timeout: 15_000 });
    }

    // A board member who is not connected is marked excused, for the
    // minutes; the mark is in the log (a reload shows it).
    await chair.locator(".attendance summary").click();
    const mark = chair.locator(".attendance-marks .field-inline", { hasText: "Gulnara Absent" }).locator("select");
    await mark.waitFor({ timeout: 15_000 });
    const markId = (await mark.getAttribute("id"))!;
    await mark.selectOption("2");
    await chair.waitForTimeout(500);
    await chair.reload();
    // Her connection went with the reload, and with it her attendance.
    await chair.waitForSelector("#meeting-join", { timeout: 20_000 });
    await chair.locator(".attendance summary").click();
    expect(await chair.locator(`#${markId}`).inputValue()).toBe("2");

    await chair.click("#validation-start-summary");
    await chair.selectOption("#validation-queue", "all");
    await chair.check("#validation-recommendations");
    await chair.click("#validation-start-submit");
    await chair.waitForSelector("#validation-bar", { timeout: 15_000 });
    const total = Number(/of (\d+) validated/.exec((await chair.textContent("#validation-progress")) ?? "")?.[1]);
    expect(total).toBeGreaterThanOrEqual(10);
    for (const m of members) await m.waitForSelector("#validation-bar", { timeout: 15_000 });

    let passed = 0;
    let notPassed = 0;
    for (let step = 0; step < 10; step++) {
      if (step === 2) {
        // Skip the third item: it waits until the rest are decided.
        const skip = chair.locator("#validation-skip");
        const skipped = ((await skip.textContent()) ?? "").replace(/^Skip /, "");
        await skip.click();
        await eventually(
          "the progress counts the skipped item",
          async () => ((await chair.textContent("#validation-progress")) ?? "").includes("1 skipped"),
          async () => (await chair.textContent("#validation-progress")) ?? "",
          15_000,
        );
        expect(skipped.length).toBeGreaterThan(0);
      }
      await chair.click("#validation-next");
      await chair.waitForSelector("#validation-close", { timeout: 15_000 });
      // The statement for this item pops up in each member's dialog.
      for (const [i, m] of members.entries()) {
        await m.waitForSelector("#poll-dialog[open] .vote-form", { timeout: 15_000 });
        const question = (await m.textContent("#poll-dialog .poll-question")) ?? "";
        expect(question).toMatch(/^The assessment of .+ is accurate and complete\.$/);
        // Member 1 agrees; member 2 disagrees on every third item, agrees with
        // reservations on the first.
        const choice = i === 0 ? 0 : step === 0 ? 1 : step % 3 === 1 ? 2 : 0;
        await m.locator(`#poll-dialog input[type=radio][value="${choice}"]`).check();
        if (choice === 1) await m.fill("#poll-dialog textarea[id$=-reservation]", "The data are from 2019.");
        await m.locator("#poll-dialog .vote-submit").click();
        await m.waitForSelector("#poll-dialog .my-vote", { timeout: 15_000 });
      }
      if (step === 0) {
        expect(await accessibilityViolations(members[1]!)).toEqual([]);
        await members[1]!.screenshot({ path: join(ARTIFACTS, "e2e-validation-vote-1280x720.png") });
      }
      await chair.click("#validation-close");
      const agreeing = step % 3 === 1 ? 1 : 2;
      // Two thirds of those who decided: 1 of 2 does not pass.
      if (agreeing === 2) passed++;
      else notPassed++;
      for (const page of [chair, ...members]) {
        await eventually(
          `step ${step + 1}: the outcome and the progress reach every page`,
          async () =>
            ((await page.textContent("#validation-progress").catch(() => "")) ?? "").includes(`${passed} of ${total} validated, ${notPassed} not passed`) &&
            ((await page.locator(".validation-outcome").getAttribute("data-passed").catch(() => null)) ?? "") === String(agreeing === 2),
          async () => `${await page.textContent("#validation-bar").catch(() => "")}`,
          15_000,
        );
      }
      if (step === 0) {
        expect(await members[0]!.textContent(".validation-outcome")).toContain("Agree 1, with reservations 1, disagree 0, abstain 0.");
        expect(await accessibilityViolations(chair)).toEqual([]);
        await chair.screenshot({ path: join(ARTIFACTS, "e2e-validation-outcome-1280x720.png") });
        await chair.setViewportSize({ width: 1920, height: 1080 });
        await chair.screenshot({ path: join(ARTIFACTS, "e2e-validation-outcome-1920x1080.png") });
        await chair.setViewportSize({ width: 1280, height: 720 });
      }
    }
    expect(passed + notPassed).toBe(10);
    expect(await members[1]!.textContent("#validation-progress")).toContain(`${passed} of ${total} validated, ${notPassed} not passed, 1 skipped.`);

    await chair.click("#validation-end");
    for (const page of [chair, ...members]) {
      await page.waitForSelector("#validation-bar", { state: "detached", timeout: 15_000 });
    }

    // A hand-made queue: two items picked, validated in the framework's order.
    await chair.click("#validation-start-summary");
    await chair.selectOption("#validation-queue", "picked");
    const options = await chair.locator("#validation-picked option").evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await chair.selectOption("#validation-picked", [options[3]!, options[0]!]);
    await chair.click("#validation-start-submit");
    await chair.waitForSelector("#validation-bar", { timeout: 15_000 });
    expect(await chair.textContent("#validation-progress")).toContain("0 of 2 validated");
    await chair.click("#validation-next");
    await chair.waitForSelector("#validation-close", { timeout: 15_000 });
    expect(await members[0]!.locator("#poll-dialog .poll-question").first().textContent({ timeout: 15_000 })).toContain(options[0]!);
  });
});
