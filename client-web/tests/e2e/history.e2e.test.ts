// Undo of one's own edits only, and the draft's history, in real Chromium
// against a real kenes-server (issue 6):
//   1. the chair (A) and a researcher (B) open one indicator; A types at the
//      end, B at the start; A presses Ctrl+Z: only A's text goes, B's stays,
//      both pages and the server agree; Ctrl+Shift+Z and Ctrl+Y redo;
//   2. B types into the middle of A's new text; A's undo removes A's text
//      around it and keeps B's (the undo is mapped through B's edit);
//   3. the history panel: the slider moved back shows the earlier text (the
//      server's text at that moment), the changes view marks inserted and
//      deleted text with <ins>/<del>, and the authorship view names both.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS,
  type ServerUnderTest,
  checkPrerequisites,
  editorText,
  eventually,
  joinThroughLink,
  launchChromium,
  readServerDoc,
  startRealServer,
  status,
  tokenOf,
} from "./harness";

// The fake server has no history: this story needs the real one.
const fake = process.env.KENES_E2E_SERVER === "fake";

let server: ServerUnderTest;
let browser: Browser;
let a: Page;
let b: Page;
let docId = "";
let indicatorUrl = "";
let initial = "";
const started = Date.now();

async function newPage(label: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`[${label}] page error:`, e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("WebSocket connection to")) console.error(`[${label}] console:`, m.text());
  });
  return page;
}

async function serverText(): Promise<string> {
  return readServerDoc(server.port, tokenOf(server.links.chair!), docId);
}

/** Both pages online with nothing unsent, the same text, equal to the server's. */
async function converged(what: string): Promise<string> {
  let texts: (string | null)[] = [];
  await eventually(
    `${what}: both pages online, nothing unsent, one text`,
    async () => {
      const statuses = await Promise.all([a, b].map(status));
      texts = await Promise.all([a, b].map(editorText));
      return statuses.every((s) => s.state === "online" && s.unsentEdits === 0) && texts[0] === texts[1];
    },
    async () => JSON.stringify({ statuses: await Promise.all([a, b].map(status)), texts }),
    30_000,
  );
  const onServer = await serverText();
  expect(texts[0], `${what}: the pages' text is the server's`).toBe(onServer);
  return onServer;
}

async function typeAt(page: Page, where: "Control+Home" | "Control+End", text: string): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press(where);
  await page.keyboard.type(text, { delay: 10 });
}

/** Sets the history slider as a person dragging it would (input events). */
async function slideTo(page: Page, version: number): Promise<void> {
  await page.locator(".history-slider").evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, version);
}

async function shownVersion(page: Page): Promise<{ version: number; text: string } | null> {
  const pre = page.locator("pre.history-text");
  if ((await pre.count()) === 0) return null;
  return { version: Number(await pre.getAttribute("data-version")), text: (await pre.textContent()) ?? "" };
}

describe.skipIf(fake)("undo of one's own edits, and the draft's history (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    a = await newPage("A");
    b = await newPage("B");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`history e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("A and B open the same indicator", async () => {
    await joinThroughLink(a, server.links.chair!, { name: "Aigerim Chair" });
    await joinThroughLink(b, server.links.researcher!, { name: "Boris Researcher" });
    const first = a.locator(".indicator-link").first();
    const path = (await first.getAttribute("href"))!;
    docId = `indicator/${decodeURIComponent(path.split("/i/")[1]!)}`;
    indicatorUrl = path;
    await first.click();
    await a.waitForSelector(".cm-content");
    await b.goto(new URL(indicatorUrl, server.links.researcher!).toString());
    await b.waitForSelector(".cm-content");
    initial = await converged("on opening");
  });

  it("Ctrl+Z undoes only A's own text; B's stays; Ctrl+Shift+Z and Ctrl+Y redo", async () => {
    await typeAt(a, "Control+End", " Alpha wrote this.");
    await converged("after A typed");
    await typeAt(b, "Control+Home", "Beta first. ");
    const both = await converged("after B typed");
    expect(both).toBe(`Beta first. ${initial} Alpha wrote this.`);

    await a.click(".cm-content");
    await a.keyboard.press("Control+z");
    expect(await converged("after A's undo")).toBe(`Beta first. ${initial}`);

    await a.keyboard.press("Control+Shift+z");
    expect(await converged("after A's redo (Ctrl+Shift+Z)")).toBe(both);

    await a.keyboard.press("Control+z");
    expect(await converged("after A's second undo")).toBe(`Beta first. ${initial}`);
    await a.keyboard.press("Control+y");
    expect(await converged("after A's redo (Ctrl+Y)")).toBe(both);
  });

  it("an undo is mapped through the other's edit in the middle of it", async () => {
    const before = await serverText();
    // A new undo step for A: wait past CodeMirror's grouping delay.
    await a.waitForTimeout(700);
    await typeAt(a, "Control+End", " Gamma delta.");
    const withA = await converged("after A typed again");
    expect(withA).toBe(`${before} Gamma delta.`);
    // B types between "Gamma" and " delta.".
    await b.click(".cm-content");
    await b.keyboard.press("Control+End");
    for (let i = 0; i < " delta.".length; i++) await b.keyboard.press("ArrowLeft");
    await b.keyboard.type("[B]", { delay: 10 });
    expect(await converged("after B typed inside A's text")).toBe(`${before} Gamma[B] delta.`);
    await a.click(".cm-content");
    await a.keyboard.press("Control+z");
    expect(await converged("after A's undo around B's text")).toBe(`${before}[B]`);
  });

  it("the history slider shows an earlier text, and the changes and authorship views work", async () => {
    // The text now, and its version, as the history panel reports them.
    const now = await serverText();
    // History is the side panel's last tab (issue 20).
    await a.click("#tab-history");
    await a.click(".history-toggle");
    await expect.poll(async () => (await shownVersion(a))?.text, { timeout: 15_000 }).toBe(now);
    const latest = (await shownVersion(a))!.version;
    expect(latest).toBeGreaterThan(4);
    expect(Number(await a.locator(".history-slider").getAttribute("max"))).toBe(latest);

    // Version 0 is the empty draft; an earlier version holds less of the text.
    await slideTo(a, 0);
    await expect.poll(async () => (await shownVersion(a))?.version, { timeout: 15_000 }).toBe(0);
    expect((await shownVersion(a))!.text).toBe("");
    await expect.poll(() => a.locator(".history-status").textContent()).toContain("0");

    // Find the version where A's first sentence was there but B's was not:
    // the slider, step by step, shows each version's text.
    let found = -1;
    for (let v = 1; v <= latest && found < 0; v++) {
      await slideTo(a, v);
      await expect.poll(async () => (await shownVersion(a))?.version, { timeout: 15_000 }).toBe(v);
      if ((await shownVersion(a))!.text === `${initial} Alpha wrote this.`) found = v;
    }
    expect(found, "some version is the text before B typed").toBeGreaterThan(0);
    expect(await a.locator(".history-status").textContent()).toContain("Aigerim Chair · Chair");
    await a.screenshot({ path: join(ARTIFACTS, "e2e-history-slider.png") });

    // Changes since that version: B's insertions are <ins>, nothing of the
    // old text is lost from the page's account of it.
    await a.locator(".history-modes input[value=diff]").check();
    await expect.poll(() => a.locator(".history-diff ins").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const inserted = (await a.locator(".history-diff ins").allTextContents()).join("|");
    expect(inserted).toContain("Beta first.");
    expect(await a.locator(".history-diff ins .visually-hidden").first().textContent()).toContain("Inserted");

    // Who wrote what: both names in the legend, passages numbered.
    await a.locator(".history-modes input[value=blame]").check();
    await expect.poll(() => a.locator(".history-legend li").count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const legend = (await a.locator(".history-legend").textContent()) ?? "";
    // Each name with its role (issue 17, item 7).
    expect(legend).toContain("Aigerim Chair · Chair");
    expect(legend).toContain("Boris Researcher · Researcher");
    const blameText = (await a.locator(".history-blame").evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll(".visually-hidden, sup").forEach((n) => n.remove());
      return copy.textContent;
    })) as string;
    expect(blameText).toBe(await serverText());
    await a.screenshot({ path: join(ARTIFACTS, "e2e-history-blame.png") });
  });
});
