// End to end, the framework as UNESCO publishes it (issue 19), in real
// Chromium against a real kenes-server --demo (the compiled-in sample, whose
// question texts and guidance are placeholders): the indicator page shows
// the question the indicator answers, its guidance and means of verification
// above the draft, all on the first screen at 1280×720 with the editor; the
// part that folds stays folded for the next page; the labels follow the
// language. On the overview the chair narrows the scope to the core
// indicators, then to the core ones plus one she ticks, and a member's
// overview follows live. No WCAG A/AA violation; screenshots in
// test-artifacts/.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, type ServerUnderTest, accessibilityViolations, checkPrerequisites, eventually, joinThroughLink, launchChromium, startRealServer } from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";

let server: ServerUnderTest;
let browser: Browser;
let chair: Page;
let consultationId = "";

async function newPage(width = 1280, height = 720): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  return ctx.newPage();
}

/**
 * Whether `selector` can be read where it is: its first line (or, with
 * `whole`, its last too) lies inside the window and is what the page shows
 * there — not scrolled out of the guide's own scrolling box, not under
 * another element.
 */
function onScreen(page: Page, selector: string, whole = false): Promise<boolean> {
  return page.evaluate(
    ([sel, all]) => {
      const el = document.querySelector(sel as string);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      const shows = (y: number) => y >= 0 && y <= window.innerHeight && !!document.elementFromPoint(r.left + 4, y)?.closest(sel as string);
      return r.height > 0 && r.left >= 0 && r.right <= window.innerWidth && shows(r.top + 6) && (!all || shows(r.bottom - 6));
    },
    [selector, whole] as const,
  );
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();
}

describe.skipIf(fake)("the framework's text beside the draft, and the scope (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    chair = await newPage();
    await joinThroughLink(chair, server.links.chair!);
    consultationId = decodeURIComponent(new URL(chair.url()).pathname.split("/")[2]!);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows the question, its guidance and means of verification above the draft, on the first screen", async () => {
    await chair.goto(new URL(`/c/${encodeURIComponent(consultationId)}/i/R.1`, server.links.chair!).toString());
    await chair.waitForSelector("#guide-question");
    await chair.waitForSelector("#draft-editor .cm-content");
    expect(await text(chair, "#guide-question")).toBe(
      "Question R.A.1: Does the law protect human rights online as it protects them offline, consistently with international standards? (placeholder question text)",
    );
    expect(await text(chair, "#guide-guidance")).toContain("name the laws that apply online");
    expect(await text(chair, "#guide-means")).toContain("UN Universal Periodic Review");
    expect(await text(chair, "#indicator-type")).toBe("Institutional indicator");
    // One screen at 1280×720 (the chair's meeting bar above): the whole
    // question, the guidance's start and the whole editor, which keeps most
    // of the column; the rest of the guide scrolls inside it.
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-framework-guide-1280x720.png") });
    expect(await onScreen(chair, "#guide-question", true)).toBe(true);
    expect(await onScreen(chair, "#guide-guidance")).toBe(true);
    expect(await onScreen(chair, "#draft-editor", true)).toBe(true);
    const heights = await chair.evaluate(() => ({
      editor: document.querySelector("#draft-editor")!.getBoundingClientRect().height,
      guide: document.querySelector(".indicator-guide")!.getBoundingClientRect().height,
    }));
    expect(heights.editor).toBeGreaterThan(heights.guide);
    expect(heights.editor).toBeGreaterThan(190);
    await chair.locator("#guide-means").scrollIntoViewIfNeeded();
    expect(await onScreen(chair, "#guide-means", true)).toBe(true);
    expect(await onScreen(chair, "#draft-editor", true), "scrolling the guide leaves the draft where it was").toBe(true);
    expect(await accessibilityViolations(chair)).toEqual([]);
    // At 1920×1080 all of it shows at once.
    await chair.setViewportSize({ width: 1920, height: 1080 });
    for (const sel of ["#guide-question", "#guide-guidance", "#guide-means", "#draft-editor"]) {
      await eventually(`${sel} on the first screen at 1920×1080`, () => onScreen(chair, sel, true), async () => sel);
    }
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-framework-guide-1920x1080.png") });
    await chair.setViewportSize({ width: 1280, height: 720 });

    // Folded, it stays folded on the next indicator page; the question stays.
    await chair.click("#guide-summary");
    expect(await chair.isVisible("#guide-guidance")).toBe(false);
    // The choice is kept by the details' toggle event, which fires after the click returns.
    await eventually(
      "the folded guide is remembered",
      async () => (await chair.evaluate(() => localStorage.getItem("kenes.guideOpen"))) === "0",
      async () => String(await chair.evaluate(() => localStorage.getItem("kenes.guideOpen"))),
      5_000,
    );
    await chair.goto(new URL(`/c/${encodeURIComponent(consultationId)}/i/R.2`, server.links.chair!).toString());
    await chair.waitForSelector("#guide-question");
    expect(await text(chair, "#guide-question")).toContain("Can people express themselves online");
    expect(await chair.isVisible("#guide-guidance")).toBe(false);
    await chair.click("#guide-summary");
    await chair.waitForSelector("#guide-guidance", { state: "visible" });

    // In Russian, the labels (the framework's text is as the file gives it).
    await chair.selectOption("#lang-select", "ru");
    await eventually("the guide in Russian", async () => (await text(chair, "#guide-summary")) === "Указания и средства проверки", async () => text(chair, "#guide-summary"));
    expect(await text(chair, "#guide-question")).toMatch(/^Вопрос R\.B\.1: Can people/);
    expect(await text(chair, "#indicator-type")).toBe("Качественный индикатор");
    expect(await accessibilityViolations(chair)).toEqual([]);
    await chair.selectOption("#lang-select", "en");
  });

  it("lets the chair cover the core indicators plus one she selects, and a member's overview follows", async () => {
    const member = await newPage();
    await joinThroughLink(member, server.links.member!, { name: "Aliya", group: "2" });
    await chair.goto(new URL(`/c/${encodeURIComponent(consultationId)}`, server.links.chair!).toString());
    await chair.waitForSelector(".categories");
    const line = (page: Page) => text(page, "#scope-line");
    const hasC2 = async (page: Page) => (await page.locator('.indicator-row[data-indicator="C.2"]').count()) > 0;
    expect(await line(chair)).toBe("All indicators are assessed.");
    expect(await hasC2(chair)).toBe(true);
    expect(await member.locator("#scope-change").count()).toBe(0); // the chair's alone

    await chair.click("#scope-change");
    await chair.check("#scope-core");
    await chair.click("#scope-save");
    await eventually("the core scope", async () => (await line(chair)) === "Only core indicators are assessed.", async () => line(chair));
    expect(await hasC2(chair)).toBe(false);
    await eventually("the member sees the core scope", async () => !(await hasC2(member)), async () => line(member));

    // Core plus selected, nothing ticked: said before anything is sent.
    await chair.click("#scope-change");
    await chair.check("#scope-core-plus");
    await chair.click("#scope-save");
    expect(await text(chair, "#scope-problem")).toBe("Select at least one indicator, or choose the core indicators only.");
    await chair.check('[id="scope-pick-C.2"]');
    expect(await accessibilityViolations(chair)).toEqual([]);
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-framework-scope-1280x720.png") });
    await chair.click("#scope-save");
    await eventually(
      "core plus C.2",
      async () => (await line(chair)) === "The core indicators and 1 other chosen by the chair are assessed.",
      async () => line(chair),
    );
    expect(await hasC2(chair)).toBe(true);
    await eventually("the member sees C.2 again", () => hasC2(member), async () => line(member));
    expect(await line(member)).toBe("The core indicators and 1 other chosen by the chair are assessed.");
    await member.context().close();
  });
});
