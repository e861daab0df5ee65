// End to end, an indicator's references and figures (issue 19), in real
// Chromium against a real kenes-server --demo: in the sources-and-evidence
// tab the chair adds a reference and a figure citing it with a breakdown by
// sex; a member's page, open all along, shows the citation and the table
// live and offers no form; a breakdown line the form cannot read is named;
// an edit reaches the member; a member who opens the page later (joining
// by state) sees the same. No WCAG A/AA violation, in English and Kazakh;
// screenshots in test-artifacts/.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, type ServerUnderTest, accessibilityViolations, checkPrerequisites, joinThroughLink, launchChromium, startRealServer } from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";

let server: ServerUnderTest;
let browser: Browser;
let chair: Page;
let member: Page;
let consultationId = "";

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return ctx.newPage();
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();
}

async function openEvidence(page: Page, link: string): Promise<void> {
  await page.goto(new URL(`/c/${encodeURIComponent(consultationId)}/i/R.1`, link).toString());
  await page.waitForSelector("#tab-sources");
  await page.click("#tab-sources");
  await page.waitForSelector(".references-panel");
}

/** The figures table's rows as their cells' text (actions left out). */
async function figureRows(page: Page): Promise<string[][]> {
  return page.$$eval(".figure-table tbody tr", (rows) =>
    rows.map((r) => [...r.querySelectorAll("th, td")].filter((c) => !c.querySelector("button")).map((c) => (c.textContent ?? "").trim())),
  );
}

describe.skipIf(fake)("references and figures per indicator (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    chair = await newPage();
    await joinThroughLink(chair, server.links.chair!);
    consultationId = decodeURIComponent(new URL(chair.url()).pathname.split("/")[2]!);
    member = await newPage();
    await joinThroughLink(member, server.links.member!, { name: "Elena", group: "2" });
    await openEvidence(chair, server.links.chair!);
    await openEvidence(member, server.links.member!);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lets the chair add a reference, which a member sees as a citation without any form", async () => {
    expect(await text(member, ".references-panel")).toContain("No references yet.");
    await chair.click(".add-reference summary");
    await chair.fill("#ref-new-authors", "Freedom House");
    await chair.fill("#ref-new-title", "Freedom on the Net 2024: Kazakhstan");
    await chair.fill("#ref-new-year", "2024");
    await chair.fill("#ref-new-publisher", "Freedom House");
    await chair.fill("#ref-new-link", "https://freedomhouse.org/country/kazakhstan/freedom-net/2024");
    await chair.fill("#ref-new-accessed", "2026-11-02");
    await chair.click(".reference-form button[type=submit]");
    const citation =
      "Freedom House (2024). Freedom on the Net 2024: Kazakhstan. Freedom House. https://freedomhouse.org/country/kazakhstan/freedom-net/2024 (accessed 2 November 2026)";
    await member.waitForSelector(".reference-list li");
    expect(await text(member, ".reference-list li")).toBe(citation);
    expect(await member.getAttribute(".reference-list a", "href")).toBe("https://freedomhouse.org/country/kazakhstan/freedom-net/2024");
    expect(await member.$(".add-reference, .add-figure, .evidence-actions")).toBeNull();
    await chair.waitForSelector(".reference-list li");
    expect(await text(chair, ".reference-list li")).toContain(citation);
  });

  it("names a breakdown line it cannot read, then adds the figure, its breakdown as rows", async () => {
    await chair.click(".add-figure summary");
    await chair.fill("#fig-new-label", "Internet users");
    await chair.fill("#fig-new-value", "87.3");
    await chair.fill("#fig-new-unit", "%");
    await chair.fill("#fig-new-year", "2023");
    // The source defaults to the indicator's reference.
    expect(await chair.inputValue("#fig-new-source")).toBe("ref-1");
    await chair.fill("#fig-new-breakdown", "women: 86.1\nmen 88.6");
    await chair.click(".figure-form button[type=submit]");
    await chair.waitForSelector(".figure-form .field-error:has-text('men 88.6')");
    expect(await text(chair, ".figure-form .field-error")).toBe("Write each breakdown row as label: value, not “men 88.6”");
    await chair.fill("#fig-new-breakdown", "women: 86.1\nmen: 88.6");
    await chair.click(".figure-form button[type=submit]");
    await member.waitForSelector(".figure-table");
    expect(await figureRows(member)).toEqual([
      ["Internet users", "87.3", "%", "2023", "Freedom House (2024)"],
      ["women", "86.1", ""],
      ["men", "88.6", ""],
    ]);
    await chair.waitForSelector(".figure-table");
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-evidence-chair.png"), fullPage: true });
    expect(await accessibilityViolations(chair)).toEqual([]);
    expect(await accessibilityViolations(member)).toEqual([]);
  });

  it("carries an edit to the member, and a member joining later sees the evidence too", async () => {
    await chair.click(".figure-row button.link-button:not(.danger)");
    await chair.waitForSelector("#fig-edit-fig-1-value");
    await chair.fill("#fig-edit-fig-1-value", "88");
    await chair.click(".figure-form button[type=submit]");
    await member.waitForFunction(() => document.querySelector(".figure-row .figure-value")?.textContent === "88");

    const late = await newPage();
    await joinThroughLink(late, server.allLinks.member![0]!, { name: "Nurlan", group: "6" });
    await openEvidence(late, server.allLinks.member![0]!);
    await late.waitForSelector(".figure-table");
    expect((await figureRows(late))[0]).toEqual(["Internet users", "88", "%", "2023", "Freedom House (2024)"]);
    await late.selectOption("#lang-select", "kk");
    await late.waitForSelector("#references-title:has-text('Дереккөздер тізімі')");
    expect(await text(late, ".reference-list li")).toContain("(қаралған күні: 2026 ж. 2 қараша)");
    await chair.selectOption("#lang-select", "kk");
    await chair.waitForSelector("#figures-title:has-text('Статистикалық деректер')");
    expect(await accessibilityViolations(chair)).toEqual([]);
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-evidence-chair-kk.png"), fullPage: true });
    await chair.selectOption("#lang-select", "en");
  });
});
