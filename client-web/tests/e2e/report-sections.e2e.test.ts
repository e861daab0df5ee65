// The whole report as co-edited documents (issue 19), in real Chromium
// against a real kenes-server (--demo):
//   1. a researcher opens the Report page from the top bar: the nine
//      sections in the national report's order, the contextual and ROAM-X
//      chapters in their place as a line to the overview; she opens the
//      executive summary and writes it while a board member watches it
//      arrive live, her caret labelled, and the server holds the same text;
//   2. the member comments on a passage; the researcher's page shows the
//      thread highlighted in her draft; back on the Report page she is no
//      longer "on this draft" for the member;
//   3. the chair, who joins by state (no text loaded), sees on the Report
//      page the executive summary drafted, its words counted, one open
//      thread and one unread comment, the other sections empty; the chair's
//      top bar, with the Report and People links, stays on one line at
//      1280 px in English, Russian and Kazakh; axe-clean; screenshots at
//      1280×720 and 1920×1080 (test-artifacts/e2e-report-*.png);
//   4. on a Kazakh page the Exports panel asks in Kazakh and for the
//      publication by default: the browser's request for report.md carries
//      lang=kk&variant=publication, the working copy variant=working, the
//      votes CSV lang=kk and no variant; the files are the server's Kazakh
//      report, named by its Content-Disposition.
// Skipped with KENES_E2E_SERVER=fake (the fake server makes no exports).

import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS,
  type ServerUnderTest,
  accessibilityViolations,
  checkPrerequisites,
  editorText,
  eventually,
  joinThroughLink,
  launchChromium,
  readServerDoc,
  setLanguage,
  startRealServer,
  status,
  tokenOf,
} from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const DOC = "report/executive-summary";
const SUMMARY = "Access to the internet grew in every region of Kazakhstan, but rural schools lag behind.";
const PASSAGE = "rural schools";
const ORDER = ["foreword", "acknowledgements", "executive-summary", "introduction", "methodology", "limitations", "chapters", "conclusions", "annexes", "references"];

let server: ServerUnderTest;
let browser: Browser;
const contexts: BrowserContext[] = [];
let researcher: Page;
let member: Page;
let chair: Page;
let consultationId = "";
const started = Date.now();

async function newPage(label: string, size: { width: number; height: number } = SIZES[0]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { ...size }, acceptDownloads: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`[${label}] page error:`, e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("WebSocket connection to")) console.error(`[${label}] console:`, m.text());
  });
  return page;
}

function at(path: string): string {
  return new URL(path, server.links.chair!).toString();
}


async function shoot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize()!;
  await page.screenshot({ path: join(ARTIFACTS, `e2e-report-${name}-${size.width}x${size.height}.png`) });
}

/** The Report page's outline as the page shows it: each entry's key, state and counts. */
function outline(page: Page): Promise<{ key: string; title: string; meta: string; words: string | null }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll(".report-outline > li")].map((li) => ({
      key: (li as HTMLElement).dataset.section ?? "",
      title: li.querySelector(".report-entry-title")?.textContent ?? "",
      meta: li.querySelector(".ind-meta")?.textContent ?? "",
      words: li.querySelector<HTMLElement>(".words")?.dataset.words ?? null,
    })),
  );
}

/** Whether the top bar's items sit on one line, and how high it is. */
function topbarLine(page: Page): Promise<{ spread: number; height: number; sideways: boolean }> {
  return page.evaluate(() => {
    const bar = document.querySelector(".topbar")!;
    const mids = [...bar.querySelectorAll(":scope > *, .topbar-right > *")].map((el) => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2));
    return { spread: Math.max(...mids) - Math.min(...mids), height: Math.round(bar.getBoundingClientRect().height), sideways: document.scrollingElement!.scrollWidth > window.innerWidth + 1 };
  });
}

/** Clicks an export button; resolves with the request the browser made and the download. */
async function download(page: Page, name: string): Promise<{ request: Request; file: string; fileName: string; body: string }> {
  const [request, dl] = await Promise.all([
    page.waitForRequest((r) => r.url().includes(`/export/${name}`), { timeout: 20_000 }),
    page.waitForEvent("download", { timeout: 20_000 }),
    page.click(`[data-export="${name}"]`),
  ]);
  const file = (await dl.path())!;
  return { request, file, fileName: dl.suggestedFilename(), body: readFileSync(file, "utf8") };
}

describe.skipIf(fake)("the report as co-edited sections, and its exports in the team's language (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    researcher = await newPage("researcher");
    member = await newPage("member");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`report sections e2e against ${server?.name ?? "no server"}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("the researcher opens the Report page from the top bar and writes the executive summary while a member watches it live", async () => {
    await joinThroughLink(researcher, server.links.researcher!, { name: "Rita Researcher" });
    await joinThroughLink(member, server.allLinks.member![0]!, { name: "Madina Member", group: "6" });
    consultationId = decodeURIComponent(new URL(researcher.url()).pathname.split("/")[2]!);

    await researcher.click("#report-link");
    await researcher.waitForSelector(".report-outline");
    expect(new URL(researcher.url()).pathname).toBe(`/c/${encodeURIComponent(consultationId)}/report`);
    expect(await researcher.getAttribute("#report-link", "aria-current")).toBe("page");
    const entries = await outline(researcher);
    expect(entries.map((e) => e.key), "the sections in the national report's order, the chapters after the limitations").toEqual(ORDER);
    expect(entries.map((e) => e.title)).toEqual([
      "Foreword",
      "Acknowledgements",
      "Executive summary",
      "Introduction",
      "Methodology",
      "Limitations",
      "Contextual and ROAM-X chapters",
      "Conclusions",
      "Annexes",
      "References",
    ]);
    for (const e of entries.filter((x) => x.key !== "chapters")) expect(e.meta, `${e.key} is empty`).toContain("Empty");
    // The chapters are a line to the overview, where they are written.
    expect(await researcher.getAttribute('[data-section="chapters"] .report-entry-title', "href")).toBe(`/c/${encodeURIComponent(consultationId)}`);

    await researcher.click('[data-section="executive-summary"] .report-entry-title');
    await researcher.waitForSelector(".cm-content");
    expect(await researcher.locator("#page-title").textContent()).toBe("Executive summary");
    expect(await researcher.locator("#read-only-note").count(), "a researcher may edit").toBe(0);

    // The member opens the same section from her own Report page.
    await member.goto(at(`/c/${encodeURIComponent(consultationId)}/report`));
    await member.waitForSelector(".report-outline");
    await member.click('[data-section="executive-summary"] .report-entry-title');
    await member.waitForSelector(".cm-content");
    expect(await member.locator("#read-only-note").isVisible(), "a member reads, and comments").toBe(true);

    await researcher.click(".cm-content");
    const half = SUMMARY.indexOf(" but");
    await researcher.keyboard.type(SUMMARY.slice(0, half), { delay: 15 });
    // Live: the first half is on the member's screen before the rest is typed.
    await expect.poll(() => editorText(member), { timeout: 15_000 }).toBe(SUMMARY.slice(0, half));
    await researcher.keyboard.type(SUMMARY.slice(half), { delay: 15 });
    await expect.poll(() => editorText(member), { timeout: 15_000 }).toBe(SUMMARY);
    // The researcher's caret, labelled with her name and role, in the member's editor.
    await expect.poll(() => member.locator(".kenes-remote-label").first().textContent(), { timeout: 15_000 }).toContain("Rita Researcher");
    await expect.poll(async () => (await status(researcher)).unsentEdits, { timeout: 15_000 }).toBe(0);
    expect(await readServerDoc(server.port, tokenOf(server.links.chair!), DOC), "the server holds the same text").toBe(SUMMARY);
    expect(await member.locator(".presence").textContent()).toContain("Rita Researcher");
  });

  it("the member comments on a passage of the summary; the researcher sees the thread on her draft", async () => {
    await member.click(".cm-content");
    await member.keyboard.press("Control+Home");
    for (let i = 0; i < SUMMARY.indexOf(PASSAGE); i++) await member.keyboard.press("ArrowRight");
    for (let i = 0; i < PASSAGE.length; i++) await member.keyboard.press("Shift+ArrowRight");
    await member.fill("#thread-body", "Which regions? Give the figures by region.");
    await member.click("#thread-comment");
    const hl = (p: Page) => p.evaluate(() => [...document.querySelectorAll(".cm-content .kenes-thread-hl")].map((e) => e.textContent).join(""));
    for (const [p, who] of [[member, "member"], [researcher, "researcher"]] as const)
      await eventually(`${who}: the passage is highlighted`, async () => (await hl(p)) === PASSAGE, async () => JSON.stringify(await hl(p)));
    await expect.poll(() => researcher.locator(".thread-list").textContent(), { timeout: 15_000 }).toContain("Which regions? Give the figures by region.");
    expect(await accessibilityViolations(member), "the section page with a thread passes axe").toEqual([]);

    // Back on the Report page, the researcher is no longer "on this draft" for the member.
    const ritaWhere = () => member.evaluate(() => [...document.querySelectorAll(".presence li")].find((li) => li.textContent?.includes("Rita Researcher"))?.textContent ?? "");
    expect(await ritaWhere()).toContain("on this draft");
    await researcher.click("a.back");
    await researcher.waitForSelector(".report-outline");
    await eventually("the member sees the researcher leave the draft", async () => !(await ritaWhere()).includes("on this draft"), ritaWhere);
    // The Report page counts the member's thread under the section.
    expect((await outline(researcher)).find((e) => e.key === "executive-summary")?.meta).toContain("1 open thread");
  });

  it("the chair sees the summary drafted, its words, its thread and the unread comment on the Report page; one-line top bar; axe-clean", async () => {
    chair = await newPage("chair");
    await joinThroughLink(chair, server.links.chair!);
    await chair.click("#report-link");
    await chair.waitForSelector(".report-outline");
    // Joined by state: the summary's text is fetched to count its words.
    await eventually(
      "the executive summary shows its words",
      async () => (await outline(chair)).find((e) => e.key === "executive-summary")?.words === "15",
      async () => JSON.stringify((await outline(chair)).find((e) => e.key === "executive-summary")),
    );
    const summary = (await outline(chair)).find((e) => e.key === "executive-summary")!;
    expect(summary.meta).toContain("Drafted");
    expect(summary.meta).toContain("15 words");
    expect(summary.meta).toContain("1 open thread");
    expect(summary.meta).toContain("1 unread comment");
    for (const e of (await outline(chair)).filter((x) => x.key !== "chapters" && x.key !== "executive-summary")) expect(e.meta, `${e.key} is still empty`).toContain("Empty");
    expect(await chair.locator('[data-section="chapters"]').textContent()).toMatch(/\d+ of \d+ indicators validated/);

    for (const lang of ["en", "ru", "kk"] as const) {
      await setLanguage(chair, lang);
      const line = await topbarLine(chair);
      await chair.locator(".topbar").screenshot({ path: join(ARTIFACTS, `e2e-report-chair-topbar-${lang}-1280.png`) });
      expect(await chair.locator("#report-link").isVisible(), `the Report link shows in ${lang}`).toBe(true);
      expect(line.spread, `the chair's top bar is on one line in ${lang}: ${JSON.stringify(line)}`).toBeLessThanOrEqual(4);
      expect(line.height, `the chair's top bar is one line high in ${lang}`).toBeLessThan(64);
      expect(line.sideways, `nothing scrolls sideways in ${lang}`).toBe(false);
      expect(await accessibilityViolations(chair), `the Report page in ${lang} passes axe`).toEqual([]);
    }
    expect(await chair.locator('[data-section="executive-summary"] .report-entry-title').textContent()).toBe("Қысқаша түйіндеме");
    await setLanguage(chair, "en");
    for (const size of SIZES) {
      await chair.setViewportSize(size);
      // The outline's first sections are on the first screen. Measured in
      // one step: a presence change redraws the outline, replacing its items.
      const bottom = await chair.evaluate(() => document.querySelector('[data-section="executive-summary"]')?.getBoundingClientRect().bottom ?? Infinity);
      expect(bottom, `the executive summary's line is on the first screen at ${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
      await shoot(chair, "outline");
    }
    await chair.setViewportSize(SIZES[0]);
    for (const size of SIZES) {
      await member.setViewportSize(size);
      await member.evaluate(() => window.scrollTo(0, 0));
      await shoot(member, "section");
    }
    await member.setViewportSize(SIZES[0]);
  });

  it("a Kazakh page's exports ask for the Kazakh publication by default, the working copy when chosen, and no variant for the votes", async () => {
    await setLanguage(chair, "kk");
    expect(await chair.inputValue("#export-lang"), "the files' language follows the page's").toBe("kk");
    expect(await chair.isChecked("#export-variant-publication"), "the publication by default").toBe(true);
    expect(await chair.locator('label[for="export-variant-working"]').textContent()).toContain("Жұмыс нұсқасы");

    const pub = await download(chair, "report.md");
    const url = new URL(pub.request.url());
    expect(url.pathname).toBe(`/api/consultations/${encodeURIComponent(consultationId)}/export/report.md`);
    expect(url.search, "the browser asked for the Kazakh publication").toBe("?lang=kk&variant=publication");
    expect(pub.request.headers().authorization).toMatch(/^Bearer /);
    const response = await pub.request.response();
    expect(response?.status(), "the server made it").toBe(200);
    // The server's name wins, and it names the language.
    expect(pub.fileName).toBe(/filename="([^"]+)"/.exec(response!.headers()["content-disposition"] ?? "")?.[1]);
    expect(pub.fileName).toMatch(/-report-kk[-.]/);
    // The report is Kazakh: its headings are the server's Kazakh ones.
    expect(pub.body).toContain("Бағалау есебі");
    expect(pub.body).not.toContain("Assessment report");
    const said = (await chair.locator("#export-status").textContent()) ?? "";
    const head = /(\d+:[0-9a-f]{64})/.exec(said)?.[1];
    expect(head, `the status line names the log head: ${said}`).toBeTruthy();
    expect(pub.body).toContain(head!);

    await chair.check("#export-variant-working");
    expect(await chair.inputValue("#export-lang"), "choosing the variant keeps the language").toBe("kk");
    const working = await download(chair, "report.md");
    expect(new URL(working.request.url()).search, "the browser asked for the Kazakh working copy").toBe("?lang=kk&variant=working");
    expect((await working.request.response())?.status()).toBe(200);
    expect(working.body).toContain("Бағалау есебі");
    // The server makes the two variants and assembles the sections: the working
    // copy differs (it carries the workflow), and both print the summary.
    expect(working.body, "the working copy is not the publication").not.toBe(pub.body);
    expect(pub.body).toContain(SUMMARY);
    expect(working.body).toContain(SUMMARY);

    const votes = await download(chair, "votes.csv");
    expect(new URL(votes.request.url()).search, "the votes carry the language and no variant").toBe("?lang=kk");
    expect((await votes.request.response())?.status()).toBe(200);

    // English chosen in the panel on the Kazakh page: the choice wins over the page's language.
    await chair.selectOption("#export-lang", "en");
    await chair.check("#export-variant-publication");
    const en = await download(chair, "report.html");
    expect(new URL(en.request.url()).search).toBe("?lang=en&variant=publication");
    expect(en.body).toContain('<html lang="en">');
    expect(await accessibilityViolations(chair), "the Exports panel with its choices passes axe in Kazakh").toEqual([]);
    await shoot(chair, "exports-kk");
  });
});
