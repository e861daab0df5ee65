// Firefox smoke test: the web client must work in Firefox as well as Chromium
// (issue 5). playwright-core cannot drive Debian's Firefox, so this file drives
// /usr/bin/firefox-esr (or $KENES_FIREFOX) with puppeteer-core over WebDriver
// BiDi, headless, on a fresh temp profile (no browser is ever downloaded).
// Against the same kenes-server the Chromium story starts (temp data folder,
// --demo, invite links read from its stdout):
//   1. the chair opens the invite link in Firefox and answers the join form
//      with a Kazakh name;
//   2. opens an indicator and types Latin, Cyrillic and Kazakh ("Қазақстан")
//      into CodeMirror;
//   3. a researcher in a second Firefox context (its own storage) sees the same
//      text, types back in Kazakh, and the chair sees that;
//   4. both editors equal what a protocol client reads from the server, and the
//      chair's connection badge says everything is saved.
// The deeper story (offline, reload, restart, read-only roles) is the Chromium
// file's; this one checks that the same client runs in the other engine.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS,
  FIREFOX,
  type PageStatus,
  type ServerUnderTest,
  checkPrerequisites,
  eventually,
  readServerDoc,
  sleep,
  startFake,
  startRealServer,
  tokenOf,
  withTimeout,
} from "./harness";

let server: ServerUnderTest | undefined;
let browser: Browser | undefined;
const started = Date.now();

function ffStatus(page: Page): Promise<PageStatus> {
  return page.evaluate(() => (window as unknown as { kenes: { status(): PageStatus } }).kenes.status());
}

function ffEditorText(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as { kenes?: { editorText(): string | null } }).kenes?.editorText() ?? null);
}

/** What the badge in the top bar shows: state, unsent count, label. */
function badge(page: Page): Promise<{ state: string; unsent: string; label: string }> {
  return page.evaluate(() => {
    const el = document.getElementById("connection");
    return {
      state: el?.dataset.state ?? "",
      unsent: el?.dataset.unsent ?? "",
      label: el?.querySelector(".conn-label")?.textContent ?? "",
    };
  });
}

async function newFirefoxPage(label: string): Promise<Page> {
  const ctx = await browser!.createBrowserContext();
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`[firefox ${label}] page error:`, e instanceof Error ? e.message : e));
  page.on("console", (m) => {
    if (m.type() === "error") console.error(`[firefox ${label}] console:`, m.text());
  });
  return page;
}

/** Opens an invite link; answers the join form (if shown) with `name`. */
async function joinInFirefox(page: Page, link: string, name: string): Promise<void> {
  await page.goto(link);
  await page.waitForSelector("#join-name, .categories", { timeout: 20_000 });
  if (await page.$("#join-name")) {
    await page.click("#join-name");
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.type(name);
    expect(await page.$eval("#join-name", (el) => (el as HTMLInputElement).value), "Kazakh letters typed into the name field").toBe(name);
    await page.click("form button[type=submit]");
  }
  await page.waitForSelector(".categories", { timeout: 20_000 });
}

/** Clicks into the editor and puts the caret at the end of the draft. */
async function caretToEnd(page: Page): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.down("Control");
  await page.keyboard.press("End");
  await page.keyboard.up("Control");
}

describe("Firefox smoke: join, type Kazakh into the draft, a second client and the server agree", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites("firefox");
    server = pre.mode === "real" ? await startRealServer(pre.bin) : await startFake();
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await withTimeout(
      puppeteer.launch({
        browser: "firefox",
        executablePath: FIREFOX,
        headless: true,
        defaultViewport: { width: 1280, height: 860 },
        extraPrefsFirefox: { "intl.accept_languages": "en-US, en" },
      }),
      30_000,
      `starting ${FIREFOX} over WebDriver BiDi`,
    );
  });

  afterAll(async () => {
    if (browser) {
      const proc = browser.process();
      await withTimeout(browser.close(), 10_000, "closing Firefox").catch(() => proc?.kill("SIGKILL"));
    }
    await server?.stop();
    console.log(`firefox smoke against ${server?.name ?? "no server"}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("two Firefox contexts edit one draft; the text, the server and the badge agree", async () => {
    const links = server!.links;
    const chair = await newFirefoxPage("chair");
    await joinInFirefox(chair, links.chair!, "Әсел Қасымова");
    const first = await chair.waitForSelector(".indicator-link");
    const indicatorPath = (await first!.evaluate((a) => a.getAttribute("href")))!;
    const docId = `indicator/${decodeURIComponent(indicatorPath.split("/i/")[1]!)}`;
    await first!.click();
    await chair.waitForSelector(".cm-content");
    const serverText = () => readServerDoc(server!.port, tokenOf(links.chair!), docId);
    const initial = await serverText();
    await expect.poll(() => ffEditorText(chair), { timeout: 15_000 }).toBe(initial);

    const researcher = await newFirefoxPage("researcher");
    await joinInFirefox(researcher, links.researcher!, "Дәурен Ерланұлы");
    await researcher.goto(new URL(indicatorPath, links.researcher!).toString());
    await researcher.waitForSelector(".cm-content");
    await expect.poll(() => ffEditorText(researcher), { timeout: 15_000 }).toBe(initial);

    const fromChair = " Қазақстан: права защищены, rights protected.";
    await caretToEnd(chair);
    await chair.keyboard.type(fromChair, { delay: 10 });
    await expect.poll(() => ffEditorText(chair), { timeout: 5_000 }).toBe(initial + fromChair);
    await expect.poll(() => ffEditorText(researcher), { timeout: 15_000 }).toBe(initial + fromChair);

    const fromResearcher = " Жауап: иә, ғылым үшін.";
    await caretToEnd(researcher);
    await researcher.keyboard.type(fromResearcher, { delay: 10 });
    const expected = initial + fromChair + fromResearcher;
    await expect.poll(() => ffEditorText(chair), { timeout: 15_000 }).toBe(expected);

    const pages = [chair, researcher];
    await eventually(
      "both Firefox pages are online with nothing unsent and the chair's badge says all is saved",
      async () => {
        const statuses = await Promise.all(pages.map(ffStatus));
        const b = await badge(chair);
        return statuses.every((s) => s.state === "online" && s.unsentEdits === 0) && b.state === "online" && b.unsent === "0";
      },
      async () => JSON.stringify({ statuses: await Promise.all(pages.map(ffStatus)), badge: await badge(chair) }),
      15_000,
    );
    expect((await badge(chair)).label).toBe("All changes saved");
    expect(await ffEditorText(researcher)).toBe(expected);
    expect(await serverText(), "the server holds what both Firefox editors show").toBe(expected);

    await sleep(300); // the researcher's caret, for the screenshot
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-firefox-indicator.png") });
    console.log(`screenshot: ${join(ARTIFACTS, "e2e-firefox-indicator.png")}`);
  });
});
