// End to end, in real Chromium against a real kenes-server (started here on a
// free loopback port with a temp data folder and --demo):
//   1. the chair and a researcher join through their invite links;
//   2. both open the same indicator and type at once (Latin, Cyrillic, Kazakh,
//      an emoji) and end with one text, equal to the server's;
//   3. the researcher goes offline, keeps typing, comes back, and converges;
//      offline edits also survive closing the tab (IndexedDB) and are sent
//      when the tab is opened again;
//   4. a board member (and an observer) cannot type into the draft;
//   4b. the chair and the researcher write a recommendation draft together, a
//      member reads it; the chair downloads the HTML report (real server);
//   5. the server is killed and started again on the same folder; both pages
//      reconnect, nothing acknowledged is lost, and edits made meanwhile land.
// Screenshots of the overview and the indicator view go to test-artifacts/.
// The steps share one server and one browser and run in order.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS,
  accessibilityViolations,
  type ServerUnderTest,
  checkPrerequisites,
  editorText,
  eventually,
  isSubsequence,
  joinThroughLink,
  launchChromium,
  readServerDoc,
  sleep,
  sortedChars,
  startFake,
  startRealServer,
  status,
  tokenOf,
} from "./harness";

let server: ServerUnderTest;
let browser: Browser;
let chairCtx: BrowserContext;
let researcherCtx: BrowserContext;
let chair: Page;
let researcher: Page;
let indicatorPath = "";
let docId = "";
// The draft's text when the story opens it (the demo may have seeded it),
// then everything typed into it, in any order.
const typed: string[] = [];
const started = Date.now();

async function serverText(): Promise<string> {
  return readServerDoc(server.port, tokenOf(server.links.chair!), docId);
}

/** Both pages online, nothing unsent, the same text in both editors and on the server. */
async function expectConverged(pages: Page[], what: string): Promise<string> {
  let texts: (string | null)[] = [];
  await eventually(
    `${what}: every page is online with nothing unsent and the same text`,
    async () => {
      const statuses = await Promise.all(pages.map(status));
      texts = await Promise.all(pages.map(editorText));
      return statuses.every((s) => s.state === "online" && s.unsentEdits === 0) && texts.every((t) => t === texts[0]);
    },
    async () => JSON.stringify({ statuses: await Promise.all(pages.map(status)), texts }),
    45_000,
  );
  const onServer = await serverText();
  expect(texts[0], `${what}: the pages' text equals the server's`).toBe(onServer);
  return onServer;
}

async function newPage(ctx: BrowserContext, label: string): Promise<Page> {
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`[${label}] page error:`, e.message));
  page.on("console", (m) => {
    // Failed WebSocket connects are expected while offline or restarting.
    if (m.type() === "error" && !m.text().includes("WebSocket connection to")) console.error(`[${label}] console:`, m.text());
  });
  return page;
}

describe("two people edit one draft in real browsers", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = pre.mode === "real" ? await startRealServer(pre.bin) : await startFake();
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    chairCtx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    researcherCtx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    chair = await newPage(chairCtx, "chair");
    researcher = await newPage(researcherCtx, "researcher");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`e2e against ${server?.name ?? "no server"}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const shot of ["e2e-overview.png", "e2e-indicator.png"]) {
      const path = join(ARTIFACTS, shot);
      if (existsSync(path)) console.log(`screenshot: ${path}`);
    }
  });

  it("the chair and a researcher join through their invite links", async () => {
    await joinThroughLink(chair, server.links.chair!);
    await joinThroughLink(researcher, server.links.researcher!);
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-overview.png"), fullPage: true });
    expect(await chair.locator(".indicator-link").count()).toBeGreaterThan(0);
    expect(await accessibilityViolations(chair), "the overview passes axe's WCAG 2.1 AA checks").toEqual([]);
  });

  it("both open the same indicator", async () => {
    const first = chair.locator(".indicator-link").first();
    indicatorPath = (await first.getAttribute("href"))!;
    docId = `indicator/${decodeURIComponent(indicatorPath.split("/i/")[1]!)}`;
    await first.click();
    await chair.waitForSelector(".cm-content");
    await researcher.goto(new URL(indicatorPath, server.links.researcher!).toString());
    await researcher.waitForSelector(".cm-content");
    expect(await chair.locator("#page-title").textContent()).toBe(await researcher.locator("#page-title").textContent());
    const initial = await serverText();
    await expect.poll(() => editorText(chair), { timeout: 15_000 }).toBe(initial);
    await expect.poll(() => editorText(researcher), { timeout: 15_000 }).toBe(initial);
    typed.push(initial);
  });

  it("they type at once, in Cyrillic and with an emoji, and end with the server's text", async () => {
    for (const page of [chair, researcher]) {
      await page.click(".cm-content");
      await page.keyboard.press("Control+End");
    }
    const rounds: [string, string][] = [
      ["Rights are protected. ", "Права защищены. "],
      ["Заң бар 👍 ", "Қазақстан 🇰🇿 "],
      ["end.", "конец."],
    ];
    for (const [a, b] of rounds) {
      await Promise.all([chair.keyboard.type(a, { delay: 15 }), researcher.keyboard.type(b, { delay: 15 })]);
      typed.push(a, b);
    }
    const text = await expectConverged([chair, researcher], "after typing at once");
    expect(sortedChars(text)).toBe(sortedChars(typed.join("")));
    await sleep(400); // let the carets' presence arrive for the screenshot
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-indicator.png") });
    expect(await accessibilityViolations(chair), "the indicator view passes axe's WCAG 2.1 AA checks").toEqual([]);
  });

  it("the researcher goes offline, keeps editing, comes back and converges", async () => {
    await researcherCtx.setOffline(true);
    await eventually(
      "the researcher's page shows it is offline",
      async () => (await researcher.getAttribute("#connection", "data-state")) === "offline",
      async () => JSON.stringify(await status(researcher)),
      15_000,
    );
    await researcher.click(".cm-content");
    await researcher.keyboard.press("Control+End");
    await researcher.keyboard.type(" Офлайн түзету ✈️", { delay: 10 });
    await chair.keyboard.type(" Meanwhile online.", { delay: 10 });
    typed.push(" Офлайн түзету ✈️", " Meanwhile online.");
    const s = await status(researcher);
    expect(s.state).toBe("offline");
    expect(s.unsentEdits).toBeGreaterThan(0);
    expect(Number(await researcher.getAttribute("#connection", "data-unsent"))).toBeGreaterThan(0);
    await researcherCtx.setOffline(false);
    const text = await expectConverged([chair, researcher], "after coming back online");
    expect(sortedChars(text)).toBe(sortedChars(typed.join("")));
    expect(text).toContain("Офлайн түзету ✈️");
  });

  it("edits made offline survive closing the tab, and are sent when it is opened again", async () => {
    await researcherCtx.setOffline(true);
    await eventually(
      "the researcher's page shows it is offline",
      async () => (await researcher.getAttribute("#connection", "data-state")) === "offline",
      async () => JSON.stringify(await status(researcher)),
      15_000,
    );
    await researcher.click(".cm-content");
    await researcher.keyboard.press("Control+End");
    await researcher.keyboard.type(" Kept in IndexedDB.", { delay: 10 });
    typed.push(" Kept in IndexedDB.");
    expect((await status(researcher)).unsentEdits).toBeGreaterThan(0);
    await sleep(500); // the page writes its queue after each edit
    await researcher.close();
    await researcherCtx.setOffline(false);
    researcher = await newPage(researcherCtx, "researcher");
    await researcher.goto(new URL(indicatorPath, server.links.researcher!).toString());
    await researcher.waitForSelector(".cm-content");
    const text = await expectConverged([chair, researcher], "after reopening the tab");
    expect(text).toContain("Kept in IndexedDB.");
    expect(sortedChars(text)).toBe(sortedChars(typed.join("")));
  });

  it("a board member and an observer cannot type into the draft", async () => {
    const before = await serverText();
    let checked = 0;
    for (const role of ["member", "observer"] as const) {
      const link = server.links[role];
      if (!link) {
        console.warn(`the server printed no ${role} invite link; that role is not checked`);
        continue;
      }
      const ctx = await browser.newContext();
      const page = await newPage(ctx, role);
      await page.goto(link);
      await page.waitForSelector("#join-name");
      expect(await accessibilityViolations(page), `the ${role}'s join form passes axe's checks`).toEqual([]);
      await joinThroughLink(page, link, { group: role === "member" ? "2" : undefined });
      await page.goto(new URL(indicatorPath, link).toString());
      await page.waitForSelector(".cm-content");
      await expect.poll(() => editorText(page), { timeout: 15_000 }).toBe(before);
      await page.click(".cm-content");
      await page.keyboard.type("should not appear");
      await sleep(300);
      expect(await editorText(page)).toBe(before);
      expect(await page.locator("#read-only-note").isVisible()).toBe(true);
      expect(await page.getAttribute(".cm-content", "aria-readonly")).toBe("true");
      expect(await accessibilityViolations(page), `the ${role}'s read-only view passes axe's checks`).toEqual([]);
      await ctx.close();
      checked++;
    }
    expect(checked, "at least one read-only role was checked").toBeGreaterThan(0);
    expect(await serverText()).toBe(before);
  });

  it("the chair and the researcher write a category's recommendations to civil society together; a member reads them", async () => {
    const recDoc = "recommendation/R/civil-society";
    // The researcher finds it on the overview: category R, "Policy recommendations", Civil society.
    await researcher.goto(new URL(indicatorPath.split("/i/")[0]!, server.links.researcher!).toString());
    await researcher.waitForSelector(".categories");
    await researcher.locator("li.category", { has: researcher.locator("#cat-R") }).locator("details.recommendations summary").click();
    const link = researcher.locator(`[data-recommendation="${recDoc}"]`);
    expect(await link.textContent()).toBe("Civil society");
    const recPath = (await link.getAttribute("href"))!;
    await link.click();
    await researcher.waitForSelector(".cm-content");
    await chair.goto(new URL(recPath, server.links.chair!).toString());
    await chair.waitForSelector(".cm-content");
    for (const page of [chair, researcher]) {
      await page.click(".cm-content");
      await page.keyboard.press("Control+End");
    }
    await researcher.keyboard.type("Publish court decisions online. ", { delay: 10 });
    // Wait for the trailing space too, and for it to be saved: typed at the
    // same end as the chair's first letter, it would land between that letter
    // and the next (both orders converge; the text checked below would not).
    await expect.poll(() => editorText(chair), { timeout: 15_000 }).toContain("Publish court decisions online. ");
    await expect.poll(async () => (await status(researcher)).unsentEdits, { timeout: 15_000 }).toBe(0);
    await chair.keyboard.press("Control+End");
    await chair.keyboard.type("Train judges in digital rights.", { delay: 10 });
    await expect.poll(() => editorText(researcher), { timeout: 15_000 }).toContain("Train judges in digital rights.");
    // The chair's caret is labelled in the researcher's editor, as on an indicator.
    await expect.poll(() => researcher.locator(".kenes-remote-caret").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await status(chair)).unsentEdits + (await status(researcher)).unsentEdits, { timeout: 15_000 }).toBe(0);
    const onServer = await readServerDoc(server.port, tokenOf(server.links.chair!), recDoc);
    expect(await editorText(chair)).toBe(onServer);
    expect(await editorText(researcher)).toBe(onServer);
    expect(onServer).toContain("Publish court decisions online.");
    expect(await accessibilityViolations(researcher), "the recommendation view passes axe's checks").toEqual([]);

    const memberLink = server.links.member;
    if (memberLink) {
      const ctx = await browser.newContext();
      const member = await newPage(ctx, "member");
      await joinThroughLink(member, memberLink, { group: "6" });
      await member.goto(new URL(recPath, memberLink).toString());
      await member.waitForSelector(".cm-content");
      await expect.poll(() => editorText(member), { timeout: 15_000 }).toBe(onServer);
      expect(await member.locator("#read-only-note").isVisible()).toBe(true);
      await ctx.close();
    }
    // Back to the indicator for the rest of the story.
    for (const [page, l] of [[chair, server.links.chair!], [researcher, server.links.researcher!]] as const) {
      await page.goto(new URL(indicatorPath, l).toString());
      await page.waitForSelector(".cm-content");
    }
  });

  it.skipIf(process.env.KENES_E2E_SERVER === "fake")("the chair downloads the HTML report: it holds the draft and names its log head", async () => {
    await chair.goto(new URL(indicatorPath.split("/i/")[0]!, server.links.chair!).toString());
    await chair.waitForSelector(".exports");
    const [download] = await Promise.all([chair.waitForEvent("download"), chair.click('[data-export="report.html"]')]);
    const file = await download.path();
    const html = readFileSync(file!, "utf8");
    const said = (await chair.locator("#export-status").textContent()) ?? "";
    const head = /(\d+:[0-9a-f]{64})/.exec(said)?.[1];
    expect(head, `the status line names the log head: ${said}`).toBeTruthy();
    // The server names it: head, language and variant (the publication by default).
    expect(download.suggestedFilename()).toMatch(/-seq\d+-report-en-publication\.html$/);
    expect(html).toContain(head!);
    // Typed alone (the first rounds interleave two typists' characters).
    expect(html).toContain("Kept in IndexedDB.");
    expect(html).toContain("Publish court decisions online.");
    // DOCX: the file, or the server's sentence saying pandoc is missing.
    // Each side settles (never an unhandled rejection when the other wins).
    const docx = await Promise.race([
      chair
        .waitForEvent("download", { timeout: 20_000 })
        .then(() => "downloaded")
        .catch(() => "timeout"),
      chair
        .click('[data-export="report.docx"]')
        .then(() => chair.waitForFunction(() => document.querySelector("#export-status")?.classList.contains("error"), null, { timeout: 20_000 }))
        .then(() => "refused")
        .catch(() => "timeout"),
    ]);
    expect(docx, "DOCX either downloads or is refused with a reason").not.toBe("timeout");
    if (docx === "refused") expect(await chair.locator("#export-status").textContent()).toContain("pandoc");
    expect(await accessibilityViolations(chair), "the overview with the Exports panel passes axe's checks").toEqual([]);
    await chair.goto(new URL(indicatorPath, server.links.chair!).toString());
    await chair.waitForSelector(".cm-content");
  });

  it("keyboard only: Tab reaches an indicator, with a visible focus, and Enter opens it; the language switch works", async () => {
    const page = await newPage(chairCtx, "chair keyboard");
    await page.goto(new URL(indicatorPath.split("/i/")[0]!, server.links.chair!).toString());
    await page.waitForSelector(".categories");
    let onLink = false;
    for (let i = 0; i < 60 && !onLink; i++) {
      await page.keyboard.press("Tab");
      onLink = await page.evaluate(() => document.activeElement?.classList.contains("indicator-link") ?? false);
    }
    expect(onLink, "Tab reaches an indicator link").toBe(true);
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline, "the focused link shows a focus outline").not.toBe("none");
    await page.keyboard.press("Enter");
    await page.waitForSelector(".cm-content");
    await page.selectOption("#lang-select", "ru");
    await expect.poll(() => page.locator(".back").textContent()).toContain("Назад к обзору");
    await page.selectOption("#lang-select", "kk");
    await expect.poll(() => page.locator(".back").textContent()).toContain("Шолуға оралу");
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("kk");
    expect(await accessibilityViolations(page), "the Kazakh indicator view passes axe's checks").toEqual([]);
    await page.selectOption("#lang-select", "en");
    await page.close();
  });

  it("the server is killed and restarted on the same folder; nothing acknowledged is lost", async () => {
    const acknowledged = await expectConverged([chair, researcher], "before the restart");
    await server.kill();
    await eventually(
      "both pages notice the server is gone",
      async () => (await status(chair)).state !== "online" && (await status(researcher)).state !== "online",
      async () => JSON.stringify([await status(chair), await status(researcher)]),
      15_000,
    );
    await chair.click(".cm-content");
    await chair.keyboard.press("Control+End");
    await chair.keyboard.type(" Written during the restart.", { delay: 10 });
    expect((await status(chair)).unsentEdits).toBeGreaterThan(0);
    await server.restart();
    const text = await expectConverged([chair, researcher], "after the restart");
    expect(isSubsequence(acknowledged, text), "every acknowledged character survives the restart").toBe(true);
    expect(text).toContain("Written during the restart.");
  });
});
