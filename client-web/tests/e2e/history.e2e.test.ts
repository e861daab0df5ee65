// Undo of one's own edits only, and the draft's history, in real Chromium
// against a real kenes-server (issues 6 and 20):
//   1. the chair (A) and a researcher (B) open one indicator; A types at the
//      end, B at the start; A presses Ctrl+Z: only A's text goes, B's stays,
//      both pages and the server agree; Ctrl+Shift+Z and Ctrl+Y redo;
//   2. B types into the middle of A's new text; A's undo removes A's text
//      around it and keeps B's (the undo is mapped through B's edit);
//   3. the history in sessions: each person's turn outside a meeting is one
//      editing session named by who and when; the slider steps by session and
//      shows the text at a session's end; changes and authorship views work;
//   4. at a meeting A and B edit together, a board member's vote validates the
//      draft and B edits after the meeting: the status says "Validated on
//      <date> at the meeting …" and "1 editing session by Boris … since
//      <date>" (also in Russian and Kazakh); the history lists the meeting's
//      session with both names and the meeting, the slider's arrow keys move
//      one session at a time and show the text at each one's end; all of it
//      on the first screen at 1280×720 and 1920×1080, axe-clean.
// Screenshots: test-artifacts/e2e-history-*.png.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PollKind } from "../../src/gen/kenes/v1/assessment_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import {
  ARTIFACTS,
  type ProtocolClient,
  type ServerUnderTest,
  accessibilityViolations,
  checkPrerequisites,
  editorText,
  eventually,
  joinThroughLink,
  launchChromium,
  offScreen,
  openProtocolClient,
  readServerDoc,
  setLanguage,
  startRealServer,
  status,
  tokenOf,
  withTimeout,
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
// The pages' clocks and the expected dates are in one zone, so "12 March" is the same day for both.
const ZONE = "Asia/Almaty";
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
let chairClient: ProtocolClient | undefined;
let memberClient: ProtocolClient | undefined;
/** How many editing sessions the first part of the story made. */
let sessionsBefore = 0;

async function newPage(label: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: ZONE });
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
async function slideTo(page: Page, session: number): Promise<void> {
  await page.locator(".history-slider").evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, session);
}

/** The text the history shows, and the session (0: before the first) it is the end of. */
async function shown(page: Page): Promise<{ session: number; text: string } | null> {
  const pre = page.locator("pre.history-text");
  if ((await pre.count()) === 0) return null;
  return { session: Number(await pre.getAttribute("data-session")), text: (await pre.textContent()) ?? "" };
}

async function sessionCount(page: Page): Promise<number> {
  return Number(await page.locator(".history-slider").getAttribute("max"));
}

/** Intl's spaces (narrow, thin, no-break) as plain ones. */
function plain(s: string | null): string {
  return (s ?? "").replace(/[\u202f\u2009\u00a0]/g, " ");
}

/**
 * A day of this year as the page writes it, by Node's full ICU as an oracle
 * independent of the client's dates.ts: en-GB ("12 March", the page's one
 * English style), ru-RU, and Kazakh (which Node has and Chromium lacks).
 */
function dayIn(lang: "en" | "ru" | "kk", ms: number): string {
  const locale = { en: "en-GB", ru: "ru-RU", kk: "kk-KZ" }[lang];
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", timeZone: ZONE }).format(ms);
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
    chairClient?.stop();
    memberClient?.stop();
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


  it("the history groups the edits into editing sessions, one per person's turn; the slider steps by session", async () => {
    const now = await serverText();
    // History is the side panel's last tab (issue 20).
    await a.click("#tab-history");
    await a.click(".history-toggle");
    await expect.poll(async () => (await shown(a))?.text, { timeout: 15_000 }).toBe(now);
    // (The demo's seed text, by the researcher B, if this draft has it), A's sentence, B's, A's
    // undo/redo and more text, B inside it, A's undo: one session per turn.
    const turns = [...(initial ? ["B"] : []), "A", "B", "A", "B", "A"];
    const n = turns.length;
    const first = initial ? 1 : 0; // sessions before A's first
    expect(await sessionCount(a)).toBe(n);
    expect((await shown(a))!.session).toBe(n);
    const words = (await a.locator(".history-sessions li").allTextContents()).map(plain);
    const chairName = "Aigerim Chair · Chair";
    const researcherName = "Boris Researcher · Researcher";
    expect(words.map((w) => (w.startsWith(chairName) ? "A" : w.startsWith(researcherName) ? "B" : w))).toEqual(turns);
    // When, in the page's language: today; never a version number in the words.
    const today = dayIn("en", Date.now());
    for (const w of words) {
      expect(w).toContain(today);
      expect(w).not.toMatch(/version/i);
    }
    expect(await a.locator(".history-sessions li[data-meeting]").count(), "nothing happened at a meeting yet").toBe(0);

    // Before the first session: the empty draft. At the end of A's first session: A's sentence, not B's.
    await slideTo(a, 0);
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(0);
    expect((await shown(a))!.text).toBe("");
    await slideTo(a, first + 1);
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(first + 1);
    expect((await shown(a))!.text).toBe(`${initial} Alpha wrote this.`);
    expect(plain(await a.locator(".history-status").textContent())).toContain(`Editing session ${first + 1} of ${n}: ${chairName}, ${today}`);
    expect(await a.locator(".history-slider").getAttribute("aria-valuetext")).toContain(`Editing session ${first + 1} of ${n}`);
    expect(await a.locator(`.history-sessions li[data-session="${first + 1}"] button`).getAttribute("aria-current")).toBe("true");
    // The versions stay in a muted detail, for the team.
    expect(await a.locator(".history-detail").textContent()).toMatch(/^Draft versions \d+–\d+$/);
    await a.screenshot({ path: join(ARTIFACTS, "e2e-history-slider.png") });

    // The changes B's session made against A's before it: only B's sentence is new.
    await slideTo(a, first + 2);
    await a.locator(".history-modes input[value=diff]").check();
    await expect.poll(() => a.locator(".history-diff ins").count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const visible = (sel: string) =>
      a.locator(sel).evaluateAll((els) =>
        els.map((el) => {
          const copy = el.cloneNode(true) as HTMLElement;
          copy.querySelectorAll(".visually-hidden, sup").forEach((n) => n.remove());
          return copy.textContent ?? "";
        }),
      );
    expect(await visible(".history-diff ins")).toEqual(["Beta first. "]);
    expect(await a.locator(".history-diff del").count()).toBe(0);
    expect(await a.locator(".history-diff ins .visually-hidden").first().textContent()).toContain("Inserted");
    expect(await a.locator(".history-diff").getAttribute("aria-label")).toContain(`Changes made in editing session ${first + 2} of ${n}: ${researcherName}`);

    // Who wrote what at the end of that session: both names in the legend, passages numbered.
    await a.locator(".history-modes input[value=blame]").check();
    await expect.poll(() => a.locator(".history-legend li").count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    const legend = (await a.locator(".history-legend").textContent()) ?? "";
    // Each name with its role (issue 17, item 7).
    expect(legend).toContain(chairName);
    expect(legend).toContain(researcherName);
    expect((await visible(".history-blame")).join("")).toBe(`Beta first. ${initial} Alpha wrote this.`);
    await a.screenshot({ path: join(ARTIFACTS, "e2e-history-blame.png") });
    await a.locator(".history-modes input[value=text]").check();
    await slideTo(a, n);
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(n);
    sessionsBefore = n;
  });

  it("at a meeting both edit and the board validates: the status says when and where, the history shows the meeting's session", async () => {
    const indicatorId = docId.slice("indicator/".length);
    chairClient = await openProtocolClient(server.port, server.links.chair!, "chair");
    memberClient = await openProtocolClient(server.port, server.allLinks.member![0]!, "member");
    const assessment = chairClient.session.state.assessment;
    const beforeMeeting = await serverText();

    await chairClient.ask({ case: "startMeeting", value: { title: "Spring workshop", agendaIndicatorIds: [indicatorId] } });
    const meetingId = assessment.currentMeetingId;
    expect(meetingId).not.toBe("");
    // Edits sequenced after its start are at the meeting, whenever the pages hear of it.
    await typeAt(a, "Control+End", " Agreed at the workshop.");
    await converged("after A typed at the meeting");
    await typeAt(b, "Control+Home", "Workshop: ");
    const atMeeting = await converged("after both typed at the meeting");

    // The board validates the draft as it stands: one member agrees, the chair closes the vote.
    await withTimeout(chairClient.session.openDocument(docId), 10_000, "the chair's client opening the draft");
    await eventually("the chair's client has the draft", async () => chairClient!.session.state.doc(docId).text === atMeeting, async () => chairClient!.session.state.doc(docId).text);
    await chairClient.ask({
      case: "createPoll",
      value: {
        definition: {
          kind: PollKind.AGREEMENT,
          question: "The draft states the legal framework correctly.",
          eligibleRoles: [Role.MEMBER],
          targetIndicatorId: indicatorId,
          targetVersion: BigInt(chairClient.session.state.doc(docId).version),
        },
      },
    });
    const pollId = [...assessment.polls.values()].find((p) => p.definition.targetIndicatorId === indicatorId)!.id;
    await chairClient.ask({ case: "openPoll", value: { pollId } });
    await eventually("the member sees the vote open", async () => memberClient!.session.state.assessment.polls.get(pollId)?.phase === "open", async () => String(memberClient!.session.state.assessment.polls.get(pollId)?.phase));
    await memberClient.ask({ case: "castVote", value: { pollId, choices: [0] } });
    await chairClient.ask({ case: "closePoll", value: { pollId } });
    await eventually("the vote closed", async () => (assessment.polls.get(pollId)?.closedMs ?? 0) > 0, async () => JSON.stringify(assessment.polls.get(pollId)?.phase));
    const closedMs = assessment.polls.get(pollId)!.closedMs!;
    await chairClient.ask({ case: "endMeeting", value: { meetingId } });

    // After the meeting, B adds a sentence: changed since validation.
    await typeAt(b, "Control+End", " Revised after the vote.");
    const final = await converged("after B typed after the meeting");

    // The status, at the top of the side panel, in words: when and at which meeting; the version only in a tooltip.
    const date = dayIn("en", closedMs);
    await expect.poll(() => a.locator("#validated-on").textContent(), { timeout: 15_000 }).toBe(`Validated on ${date} at the meeting “Spring workshop”, by the board's vote.`);
    await expect
      .poll(() => a.locator("#changed-since-validation").textContent(), { timeout: 15_000 })
      .toBe(`Changed since validation 1 editing session by Boris Researcher · Researcher since ${date}.`);
    expect(await a.locator("#validated-on").getAttribute("title")).toMatch(/^Draft version \d+$/);
    expect(await a.locator(".status-panel").textContent()).not.toMatch(/version/i);
    await setLanguage(a, "ru");
    await expect.poll(() => a.locator("#validated-on").textContent()).toBe(`Утверждён ${dayIn("ru", closedMs)} на заседании «Spring workshop» голосованием совета.`);
    expect(await a.locator("#changed-since-validation").textContent()).toBe(
      `Изменён после утверждения С ${dayIn("ru", closedMs)}: 1 сеанс правки; правили: Boris Researcher · Исследователь.`,
    );
    await setLanguage(a, "kk");
    await expect.poll(() => a.locator("#validated-on").textContent()).toBe(`${dayIn("kk", closedMs)} күні «Spring workshop» отырысында кеңестің дауыс беруімен бекітілген.`);
    expect(await accessibilityViolations(a), "the history in Kazakh passes axe").toEqual([]);
    await setLanguage(a, "en");

    // The history: two sessions more, the meeting's naming both people and the meeting.
    const n = sessionsBefore + 2;
    await expect.poll(() => sessionCount(a), { timeout: 15_000 }).toBe(n);
    await expect.poll(async () => (await shown(a))?.text, { timeout: 15_000 }).toBe(final);
    const meetingItem = a.locator(".history-sessions li[data-meeting]");
    expect(await meetingItem.count()).toBe(1);
    expect(await meetingItem.getAttribute("data-session")).toBe(String(n - 1));
    const meetingWords = plain(await meetingItem.textContent());
    expect(meetingWords).toContain("Aigerim Chair · Chair and Boris Researcher · Researcher");
    expect(meetingWords).toContain(date);
    expect(meetingWords).toMatch(/at the meeting “Spring workshop”$/);
    expect(plain(await a.locator(`.history-sessions li[data-session="${n}"]`).textContent())).toMatch(/^Boris Researcher · Researcher, /);

    // The slider's arrow keys move one session at a time, each showing the text at its end.
    await a.focus(".history-slider");
    await a.keyboard.press("ArrowLeft");
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(n - 1);
    expect((await shown(a))!.text).toBe(atMeeting);
    expect(plain(await a.locator(".history-slider").getAttribute("aria-valuetext"))).toContain(
      `Editing session ${n - 1} of ${n}: Aigerim Chair · Chair and Boris Researcher · Researcher`,
    );
    expect(plain(await a.locator(".history-status").textContent())).toContain("at the meeting “Spring workshop”");
    expect(await a.locator(`.history-sessions li[data-session="${n - 1}"] button`).getAttribute("aria-current")).toBe("true");
    await a.keyboard.press("ArrowLeft");
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(n - 2);
    expect((await shown(a))!.text).toBe(beforeMeeting);
    await a.keyboard.press("ArrowRight");
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(n - 1);

    // What the meeting changed: its two insertions.
    await a.locator(".history-modes input[value=diff]").check();
    await expect.poll(() => a.locator(".history-diff ins").count(), { timeout: 15_000 }).toBe(2);
    expect(await a.locator(".history-diff").getAttribute("aria-label")).toContain("at the meeting “Spring workshop”");
    await a.locator(".history-modes input[value=text]").check();
    await expect.poll(async () => (await shown(a))?.session, { timeout: 15_000 }).toBe(n - 1);

    // At both sizes: the status words on the first screen; scrolled to the history, its slider,
    // the meeting's session (kept in the list's view) and the words for it, all on screen together.
    const status = ["#validated-on", "#changed-since-validation"];
    const history = [".history-slider", `.history-sessions li[data-session="${n - 1}"] button`, ".history-status"];
    for (const size of SIZES) {
      await a.setViewportSize(size);
      await a.evaluate(() => window.scrollTo(0, 0));
      await expect.poll(() => offScreen(a, status), { timeout: 5_000 }).toEqual([]);
      await a.screenshot({ path: join(ARTIFACTS, `e2e-history-status-${size.width}x${size.height}.png`) });
      await a.locator(".history-head").evaluate((el) => el.scrollIntoView({ block: "start" }));
      await expect.poll(() => offScreen(a, history), { timeout: 5_000 }).toEqual([]);
      await a.screenshot({ path: join(ARTIFACTS, `e2e-history-sessions-${size.width}x${size.height}.png`) });
    }
    expect(await accessibilityViolations(a), "the history's sessions pass axe").toEqual([]);
  });

  it("a page that joins afterwards (by state) learns the times from the server and tells the same history", async () => {
    // The JoinState has each draft's edit runs (author, seqs, UTC day) but no edit times:
    // the page asks the history when the runs' edits were made. It carries the meeting's
    // start and end and the vote's close (state.proto), so the late page tells the
    // meeting's session and the validation's day as the live page does.
    const late = await newPage("late member");
    await joinThroughLink(late, server.allLinks.member![1]!, { name: "Nurlan Member", group: "2" });
    await late.goto(new URL(indicatorUrl, server.links.researcher!).toString());
    await late.waitForSelector(".cm-content");
    await late.click("#tab-history");
    await late.click(".history-toggle");
    // As on the live page: the meeting's session names both people, then B's after it.
    await expect.poll(() => sessionCount(late), { timeout: 15_000 }).toBe(sessionsBefore + 2);
    await expect.poll(async () => (await shown(late))?.text, { timeout: 15_000 }).toBe(await serverText());
    const words = (await late.locator(".history-sessions li").allTextContents()).map(plain);
    expect(words.at(-1)).toMatch(/^Boris Researcher · Researcher, /);
    expect(words.at(-2)).toContain("Aigerim Chair · Chair and Boris Researcher · Researcher");
    expect(words.at(-2)).toMatch(/at the meeting “Spring workshop”$/);
    // The times are the server's, learned by asking: every session has its date.
    for (const w of words) expect(w).toContain(dayIn("en", Date.now()));
    expect(await late.locator(".history-sessions li[data-meeting]").count()).toBe(1);
    const today = dayIn("en", Date.now());
    expect(await late.locator("#validated-on").textContent()).toBe(`Validated on ${today} at the meeting “Spring workshop”, by the board's vote.`);
    expect(await late.locator("#changed-since-validation").textContent()).toBe(`Changed since validation 1 editing session by Boris Researcher · Researcher since ${today}.`);
    expect(await accessibilityViolations(late), "the late page's history passes axe").toEqual([]);
    await late.close();
  });
});

