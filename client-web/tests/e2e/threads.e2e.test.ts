// End to end, in real Chromium against a real kenes-server (--demo): threads
// and suggestions on a draft (issue 6), four browser contexts.
//   a. a board member comments on a passage while a researcher edits around
//      it and inside it: the highlight stays on the same words in both pages
//      (and equals the server's anchor, window.kenes.thread);
//   b. the member suggests a replacement, the researcher accepts it: both
//      pages show the new text and the suggestion as accepted;
//   d. a suggestion whose passage changed since is accepted only after a
//      warning and a confirmation (accept_changed);
//   e. deleting a commented passage detaches its thread (shown with its
//      quote); the member re-attaches it to a new selection;
//   c. the researcher replies, the member resolves; a third participant who
//      never opened the indicator sees the unread count on the overview and
//      "what changed since your last visit", and reading the thread clears it;
//   f. +1, editing and deleting one's own comment, the chair hiding one;
//   g. an observer comments only while the chair lets observers comment.
// Runs against the fake server too (KENES_E2E_SERVER=fake: its thread
// requests are a rehearsal written from the protocol). Screenshots go to
// test-artifacts/e2e-threads-*.png; every page state checked is axe-clean.

import { mkdirSync } from "node:fs";
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
  joinThroughLink,
  launchChromium,
  startFake,
  startRealServer,
  status,
} from "./harness";

const pre = checkPrerequisites();

let server: ServerUnderTest;
let browser: Browser;
const contexts: BrowserContext[] = [];
let researcher: Page;
let member: Page;
let third: Page;
let chairPage: Page;
let indicatorUrl = "";
let indicatorId = "";
const started = Date.now();

const SENTENCE = "The law on access to information was adopted in 2015.";

async function newPage(label: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`[${label}] page error:`, e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("WebSocket connection to")) console.error(`[${label}] console:`, m.text());
  });
  return page;
}

/** The text of a thread's highlight in the page's editor (its marks joined). */
function highlighted(page: Page, threadId: string): Promise<string> {
  return page.evaluate((id) => [...document.querySelectorAll(`.cm-content .kenes-thread-hl[data-thread="${id}"]`)].map((e) => e.textContent).join(""), threadId);
}

interface ThreadView {
  resolved: boolean;
  attached: boolean | null;
  text: string | null;
  suggestion: string | null;
  comments: number;
  unread: number;
}
function thread(page: Page, id: string): Promise<ThreadView | null> {
  return page.evaluate((i) => (window as unknown as { kenes: { thread(id: string): ThreadView | null } }).kenes.thread(i), id);
}
function threadIds(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { kenes: { threadIds(): string[] } }).kenes.threadIds());
}

/** Selects code units [from, from + length) of the (one-line, ASCII) draft with the keyboard. */
async function selectInEditor(page: Page, from: number, length: number): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < from; i++) await page.keyboard.press("ArrowRight");
  for (let i = 0; i < length; i++) await page.keyboard.press("Shift+ArrowRight");
}

async function caretAt(page: Page, at: number): Promise<void> {
  await page.click(".cm-content");
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < at; i++) await page.keyboard.press("ArrowRight");
}

async function saved(page: Page, what: string): Promise<void> {
  await eventually(`${what}: online, all saved`, async () => {
    const s = await status(page);
    return s.state === "online" && s.unsentEdits === 0;
  }, async () => JSON.stringify(await status(page)), 20_000);
}

describe("threads and suggestions in real browsers", () => {
  beforeAll(async () => {
    server = pre.mode === "real" ? await startRealServer(pre.bin) : await startFake();
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    researcher = await newPage("researcher");
    member = await newPage("member");
    third = await newPage("third");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`threads e2e against ${server?.name ?? "no server"}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("a researcher, a board member and a third participant join; the researcher writes the draft", async () => {
    const members = server.allLinks.member ?? [];
    expect(members.length, "the demo prints two member links").toBeGreaterThanOrEqual(2);
    await joinThroughLink(researcher, server.links.researcher!, { name: "Rita Researcher" });
    await joinThroughLink(member, members[0]!, { name: "Madina Member", group: "6" });
    // The third participant's first visit is now: what follows is "since".
    await joinThroughLink(third, members[1]!, { name: "Timur Third", group: "2" });
    const link = researcher.locator(".indicator-link").first();
    indicatorUrl = (await link.getAttribute("href"))!;
    indicatorId = decodeURIComponent(indicatorUrl.split("/i/")[1]!);
    await link.click();
    await researcher.waitForSelector(".cm-content");
    await researcher.click(".cm-content");
    await researcher.keyboard.press("Control+a");
    await researcher.keyboard.press("Delete");
    await researcher.keyboard.type(SENTENCE);
    await saved(researcher, "the researcher's draft");
    await member.goto(new URL(indicatorUrl, server.links.researcher!).toString());
    await member.waitForSelector(".cm-content");
    await eventually("the member sees the draft", async () => (await editorText(member)) === SENTENCE, async () => JSON.stringify(await editorText(member)));
  });

  it("a: the member comments on a passage; the highlight stays on its words while the researcher edits around and inside it", async () => {
    const passage = "access to information";
    await selectInEditor(member, SENTENCE.indexOf(passage), passage.length);
    // Mentions as people type them: a first name in any case, and a name
    // that matches nobody is said to, before anything is sent.
    await member.fill("#thread-body", "Which law exactly? @rita @Nobodyhere");
    await expect.poll(() => member.locator("#thread-mentions").textContent()).toContain("Rita Researcher · Researcher");
    await expect.poll(() => member.locator("#thread-mentions").textContent()).toContain("@Nobodyhere: nobody has that name");
    await member.fill("#thread-body", "Which law exactly? @Rita Researcher");
    await expect.poll(() => member.locator("#thread-mentions").textContent()).toContain("Rita Researcher · Researcher");
    await member.click("#thread-comment");
    let id = "";
    await eventually("the thread exists in both pages", async () => {
      const ids = await threadIds(member);
      id = ids[0] ?? "";
      return !!id && (await threadIds(researcher)).includes(id);
    }, async () => JSON.stringify([await threadIds(member), await threadIds(researcher)]));
    for (const p of [member, researcher]) {
      await eventually("the passage is highlighted", async () => (await highlighted(p, id)) === passage, async () => JSON.stringify(await highlighted(p, id)));
    }
    expect(await thread(member, id)).toMatchObject({ attached: true, text: passage, comments: 1 });

    // The researcher types at the start, right before the passage (its edge:
    // outside), inside it, and right after it (outside), without waiting.
    await caretAt(researcher, 0);
    await researcher.keyboard.type("Indeed, ");
    const shifted = "Indeed, ".length;
    await caretAt(researcher, shifted + SENTENCE.indexOf(passage));
    await researcher.keyboard.type("free ");
    // Between "to " and "information": strictly inside.
    await caretAt(researcher, shifted + "free ".length + SENTENCE.indexOf("information"));
    await researcher.keyboard.type("public ");
    // While these edits may still be unacknowledged, the researcher's own
    // highlight already covers the grown passage.
    expect(await highlighted(researcher, id)).toBe("access to public information");
    const afterPassage = shifted + "free ".length + SENTENCE.indexOf(" was") + "public ".length;
    await caretAt(researcher, afterPassage);
    await researcher.keyboard.type(" (AIA)");
    await saved(researcher, "the researcher's edits");
    const want = "access to public information";
    for (const [p, who] of [[member, "member"], [researcher, "researcher"]] as const) {
      await eventually(`${who}: the highlight covers "${want}"`, async () => (await highlighted(p, id)) === want, async () => JSON.stringify({ shown: await highlighted(p, id), text: await editorText(p) }));
    }
    expect(await thread(member, id)).toMatchObject({ attached: true, text: want });
    expect(await thread(researcher, id)).toMatchObject({ attached: true, text: want });
    expect(await editorText(member)).toBe("Indeed, The law on free access to public information (AIA) was adopted in 2015.");
    await member.screenshot({ path: join(ARTIFACTS, "e2e-threads-highlight.png"), fullPage: true });
    expect(await accessibilityViolations(member), "the indicator view with a thread passes axe").toEqual([]);
  });

  it("b: the member suggests a replacement; the researcher accepts; both pages show the new text and the suggestion as accepted", async () => {
    const text = (await editorText(member))!;
    const old = "2015";
    await selectInEditor(member, text.indexOf(old), old.length);
    await member.click(".suggest-box summary");
    await member.fill("#thread-replacement", "2016");
    await member.fill("#thread-body", "The law was adopted in 2016.");
    await member.click("#thread-suggest");
    let id = "";
    await eventually("the suggestion reaches the researcher", async () => {
      for (const t of await threadIds(researcher)) if ((await thread(researcher, t))?.suggestion === "open") id = t;
      return !!id;
    }, async () => JSON.stringify(await threadIds(researcher)));
    // Shown inline in the draft: struck and replaced, labelled for screen readers.
    await researcher.waitForSelector(`.cm-content .kenes-suggest-del[data-thread="${id}"]`);
    expect(await researcher.locator(`.cm-content ins.kenes-suggest-ins[data-thread="${id}"]`).textContent()).toBe("Suggested insertion: 2016");
    await researcher.screenshot({ path: join(ARTIFACTS, "e2e-threads-suggestion.png"), fullPage: true });
    expect(await accessibilityViolations(researcher), "a suggestion shown inline passes axe").toEqual([]);
    await researcher.click(`article[data-thread="${id}"] .suggestion-accept`);
    const want = text.replace(old, "2016");
    for (const [p, who] of [[member, "member"], [researcher, "researcher"]] as const) {
      await eventually(`${who}: the new text and the suggestion accepted`, async () => (await editorText(p)) === want && (await thread(p, id))?.suggestion === "accepted", async () => JSON.stringify({ text: await editorText(p), thread: await thread(p, id) }));
      await p.waitForSelector(`article[data-thread="${id}"] .suggestion[data-suggestion="accepted"]`);
    }
  });

  it("d: a suggestion whose passage changed since is accepted only after a warning and a confirmation", async () => {
    const text = (await editorText(member))!;
    const old = "(AIA)";
    await selectInEditor(member, text.indexOf(old), old.length);
    await member.click(".suggest-box summary");
    await member.fill("#thread-replacement", "(the AIA law)");
    await member.fill("#thread-body", "Spell it out.");
    await member.click("#thread-suggest");
    let id = "";
    await eventually("the second suggestion reaches the researcher", async () => {
      for (const t of await threadIds(researcher)) if ((await thread(researcher, t))?.suggestion === "open") id = t;
      return !!id;
    }, async () => JSON.stringify(await threadIds(researcher)));
    // The researcher types strictly inside the suggested passage: it changed.
    await caretAt(researcher, text.indexOf(old) + 2);
    await researcher.keyboard.type("x");
    await saved(researcher, "the edit inside the suggestion");
    const article = researcher.locator(`article[data-thread="${id}"]`);
    await article.locator(".changed-warning").waitFor();
    await article.locator(".suggestion-accept").click();
    // Not sent yet: the page asks first.
    await article.locator(".suggestion-accept-anyway").waitFor();
    expect((await thread(researcher, id))?.suggestion).toBe("open");
    expect(await accessibilityViolations(researcher), "the changed-since warning passes axe").toEqual([]);
    await article.locator(".suggestion-accept-anyway").click();
    const want = text.replace(old, "(the AIA law)");
    for (const [p, who] of [[member, "member"], [researcher, "researcher"]] as const) {
      await eventually(`${who}: the changed suggestion accepted anyway`, async () => (await editorText(p)) === want && (await thread(p, id))?.suggestion === "accepted", async () => JSON.stringify({ text: await editorText(p), thread: await thread(p, id) }));
    }
    // As the server folds it, the thread now covers the accepted text.
    expect(await thread(member, id)).toMatchObject({ attached: true, text: "(the AIA law)" });
  });

  it("e: deleting a commented passage detaches its thread, shown with its quote, and it is re-attached to a new selection", async () => {
    const text = (await editorText(member))!;
    const passage = "Indeed,";
    await selectInEditor(member, 0, passage.length);
    await member.fill("#thread-body", "Drop this word?");
    await member.click("#thread-comment");
    let id = "";
    await eventually("the third thread exists for the researcher", async () => {
      const ids = await threadIds(researcher);
      id = ids.find((t) => !["thread-1", "thread-2", "thread-3"].includes(t)) ?? "";
      return !!id && (await thread(researcher, id))?.text === passage;
    }, async () => JSON.stringify(await threadIds(researcher)));
    await selectInEditor(researcher, 0, "Indeed, ".length);
    await researcher.keyboard.press("Delete");
    await saved(researcher, "the deletion");
    const box = member.locator(`article[data-thread="${id}"] .detached-box`);
    await box.waitFor();
    expect(await box.locator("mark").textContent()).toBe(passage);
    expect(await thread(member, id)).toMatchObject({ attached: false });
    expect(await accessibilityViolations(member), "a detached thread passes axe").toEqual([]);
    const now = text.slice("Indeed, ".length);
    expect(await editorText(member)).toBe(now);
    await selectInEditor(member, 0, "The law".length);
    await member.locator(`article[data-thread="${id}"] .thread-reattach`).click();
    for (const [p, who] of [[member, "member"], [researcher, "researcher"]] as const) {
      await eventually(`${who}: re-attached to "The law"`, async () => (await thread(p, id))?.text === "The law" && (await highlighted(p, id)) === "The law", async () => JSON.stringify(await thread(p, id)));
    }
  });

  it("c: a reply and a resolve; a third participant sees unread counts and what changed since the last visit", async () => {
    const ids = await threadIds(researcher);
    const first = ids[0]!;
    const article = researcher.locator(`article[data-thread="${first}"]`);
    await article.locator("textarea").fill("The 2015 access to information law, as amended.");
    await article.locator(".thread-reply").click();
    await eventually("the reply reaches the member", async () => (await thread(member, first))?.comments === 2, async () => JSON.stringify(await thread(member, first)));
    await member.locator(`article[data-thread="${first}"] .thread-resolve`).click();
    await eventually("resolved in both pages", async () => !!(await thread(researcher, first))?.resolved && !!(await thread(member, first))?.resolved, async () => JSON.stringify(await thread(researcher, first)));
    await researcher.waitForSelector(`article[data-thread="${first}"] .thread-reopen`);

    // The third participant has the overview open since before all this: a
    // reload starts a new visit, whose baseline is the first one.
    await third.reload();
    await third.waitForSelector(".categories");
    const row = third.locator(".indicator-row", { has: third.locator(`a[href="${indicatorUrl}"]`) });
    // thread 1: the member's comment and the researcher's reply; threads 2
    // and 3: the suggestions; thread 4: the re-attached comment.
    await eventually("the overview shows 5 unread comments on the indicator", async () => (await row.locator(".badge.unread").getAttribute("data-unread").catch(() => null)) === "5", async () => (await row.textContent()) ?? "");
    const changes = third.locator(`#visit-summary li[data-key="${indicatorId}"]`);
    await changes.waitFor();
    const line = (await changes.textContent()) ?? "";
    expect(line).toContain("4 new threads");
    expect(line).toContain("1 reply");
    expect(line).toMatch(/\d+ edits by Rita Researcher/);
    await third.screenshot({ path: join(ARTIFACTS, "e2e-threads-overview.png"), fullPage: true });
    expect(await accessibilityViolations(third), "the overview with unread counts passes axe").toEqual([]);

    // Opening the indicator shows the threads and marks them read.
    await row.locator("a.indicator-link").click();
    await third.waitForSelector(`article[data-thread="${first}"]`);
    await eventually("the threads are read", async () => (await thread(third, first))?.unread === 0, async () => JSON.stringify(await thread(third, first)));
    await third.goBack();
    await third.waitForSelector(".categories");
    await eventually("the unread badge is gone", async () => (await row.locator(".badge.unread").count()) === 0, async () => (await row.textContent()) ?? "");
  });

  it("f: +1, editing and deleting one's own comment, and the chair hiding one with a reason", async () => {
    const first = (await threadIds(researcher))[0]!;
    const inMember = member.locator(`article[data-thread="${first}"]`);
    const inResearcher = researcher.locator(`article[data-thread="${first}"]`);
    const [own, reply] = [inMember.locator("li.comment").nth(0), inMember.locator("li.comment").nth(1)];
    // +1 on the researcher's reply, seen by her.
    await reply.locator(".plus-one").click();
    await eventually("the +1 counts in her page", async () => (await inResearcher.locator("li.comment").nth(1).locator(".plus-one").textContent()) === "+1 1", async () => (await inResearcher.textContent()) ?? "");
    await eventually("the member's +1 shows as pressed", async () => (await reply.locator(".plus-one").getAttribute("aria-pressed")) === "true", async () => (await inMember.innerHTML()) ?? "");
    // Edit her own comment.
    await own.locator(".comment-edit").click();
    await own.locator("textarea").fill("Which law exactly? The 2015 one?");
    await own.locator(".comment-save").click();
    await eventually("the edit shows in her page, marked edited", async () => ((await inResearcher.locator("li.comment").nth(0).textContent()) ?? "").includes("(edited)"), async () => (await inResearcher.textContent()) ?? "");
    expect(await inResearcher.locator("li.comment").nth(0).locator(".comment-body").textContent()).toBe("Which law exactly? The 2015 one?");
    // The chair hides the researcher's reply, with a reason.
    const chair = await newPage("chair");
    await joinThroughLink(chair, server.links.chair!, { name: "Chair" });
    await chair.goto(new URL(indicatorUrl, server.links.chair!).toString());
    const inChair = chair.locator(`article[data-thread="${first}"]`);
    await inChair.waitFor();
    await inChair.locator("li.comment").nth(1).locator(".hide-box summary").click();
    await inChair.locator("li.comment").nth(1).locator("input").fill("Off topic");
    await inChair.locator("li.comment").nth(1).locator(".hide-box button[type=submit]").click();
    await eventually("the reply shows as hidden with the reason", async () => ((await inMember.locator("li.comment").nth(1).locator(".comment-body").textContent()) ?? "") === "Hidden by the chair: Off topic", async () => (await inMember.textContent()) ?? "");
    // The member deletes her own comment: "deleted" everywhere.
    await inMember.locator("li.comment").nth(0).locator(".comment-delete").click();
    for (const p of [researcher, chair]) {
      await eventually("the comment shows as deleted", async () => ((await p.locator(`article[data-thread="${first}"] li.comment`).nth(0).locator(".comment-body").textContent()) ?? "") === "Comment deleted by its author.", async () => (await p.locator(`article[data-thread="${first}"]`).textContent()) ?? "");
    }
    expect(await accessibilityViolations(chair), "deleted and hidden comments pass axe").toEqual([]);
    chairPage = chair;
  });

  it("g: an observer may comment only once the chair lets observers comment", async () => {
    const observer = await newPage("observer");
    await joinThroughLink(observer, server.links.observer!, { name: "Olga Observer" });
    await observer.goto(new URL(indicatorUrl, server.links.observer!).toString());
    await observer.waitForSelector(".threads-panel");
    expect(await observer.locator("#thread-body").count(), "no comment box for an observer by default").toBe(0);
    expect(await observer.locator(".thread-reply").count()).toBe(0);
    await chairPage.check("#observer-commenting");
    await observer.waitForSelector("#thread-body", { timeout: 15_000 });
    await observer.fill("#thread-body", "An observer's note.");
    await observer.click("#thread-comment");
    await eventually("the observer's thread reaches the chair", async () => (await chairPage.locator(".thread .comment-body", { hasText: "An observer's note." }).count()) === 1, async () => JSON.stringify(await threadIds(chairPage)));
    await chairPage.uncheck("#observer-commenting");
    await eventually("the observer's comment box is gone again", async () => (await observer.locator("#thread-body").count()) === 0, async () => "still shown");
  });

  it("h: a digest's link (…/i/<indicator>#<thread id>) opens the indicator with that thread in view and focused", async () => {
    const last = (await threadIds(chairPage)).at(-1)!;
    const page = await newPage("digest reader");
    await joinThroughLink(page, server.links.member!, { name: "Digest Reader" });
    await page.goto(new URL(`${indicatorUrl}#${last}`, server.links.member!).toString());
    await eventually(
      "the linked thread has the focus",
      async () => (await page.evaluate(() => document.activeElement?.id ?? "")) === last,
      async () => `focused: ${await page.evaluate(() => `${document.activeElement?.outerHTML.slice(0, 80)} at ${location.href}; ids ${[...document.querySelectorAll("article.thread")].map((e) => e.id).join(",")}`)}`,
    );
    expect(await page.locator(`#${last}`).isVisible()).toBe(true);
  });
});
