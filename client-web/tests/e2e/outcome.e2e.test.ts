// The outcome shown to everyone when a poll closes (issue 20), and dates in
// the page's language (issue 19), in real Chromium against a real
// kenes-server (--demo):
//   1. the chair (indicator page, polls tab) opens an ordinary single-choice
//      poll; one board member reads the overview in English, the other a
//      different indicator page in Kazakh, where a comment's time is written
//      in Kazakh (Chromium has no Kazakh date data of its own); both vote
//      (over the protocol, as a second tab of theirs would);
//   2. the chair clicks "Close poll": both members see "Poll closed — …:
//      “ITU estimates” won (2 of 2 votes)." in their viewport — the overview
//      member also after scrolling to the bottom — in English and in Kazakh,
//      at 1280×720 and 1920×1080; axe finds nothing on either page;
//   3. someone who opens the consultation after the close is not told (the
//      result is on the poll's page);
//   4. "See the poll" opens the poll's indicator page on the polls tab with
//      the poll on screen; "Dismiss" removes the banner.
// Screenshots: test-artifacts/e2e-outcome-*-{1280x720,1920x1080}.png.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PollKind } from "../../src/gen/kenes/v1/assessment_pb";
import { Role } from "../../src/gen/kenes/v1/protocol_pb";
import { KAZAKH_MONTHS_SHORT, formatDateTime } from "../../src/i18n/dates";
import {
  ARTIFACTS,
  type ProtocolClient,
  type ServerUnderTest,
  accessibilityViolations,
  checkPrerequisites,
  eventually,
  joinThroughLink,
  launchChromium,
  openProtocolClient,
  setLanguage,
  sleep,
  startRealServer,
} from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
] as const;
const QUESTION = "Which data source should the report use for the share of people using the Internet?";
const OPTIONS = ["National statistics office", "ITU estimates", "Household survey by the research team"];

let server: ServerUnderTest;
let browser: Browser;
let chair: Page;
let overviewMember: Page;
let kazakhMember: Page;
const clients: ProtocolClient[] = [];
let consultationId = "";
let indicators: string[] = [];
let pollId = "";
const started = Date.now();


async function openClient(link: string, who: string): Promise<ProtocolClient> {
  const client = await openProtocolClient(server.port, link, who);
  clients.push(client);
  return client;
}

async function newPage(label: string, size: { width: number; height: number } = SIZES[0]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { ...size } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => console.error(`[${label}] page error:`, e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("WebSocket connection to")) console.error(`[${label}] console:`, m.text());
  });
  return page;
}

/** Where the element is when not wholly inside the viewport; "" when it is. */
async function offScreen(page: Page, selector: string): Promise<string> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return `${sel} missing`;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return `${sel} not rendered`;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || Number(style.opacity) === 0) return `${sel} invisible`;
    if (r.top < -0.5 || r.left < -0.5 || r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5)
      return `${sel} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} in ${window.innerWidth}×${window.innerHeight}`;
    // Nothing drawn over it: the element itself is what the viewport shows at its centre.
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top && el.contains(top) ? "" : `${sel} covered by ${top?.tagName.toLowerCase()}.${[...(top?.classList ?? [])].join(".")}`;
  }, selector);
}

async function bannerText(page: Page): Promise<string> {
  return page.evaluate(() => document.querySelector(".outcome-banner .outcome-text")?.textContent ?? "");
}


async function shoot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize()!;
  await page.screenshot({ path: join(ARTIFACTS, `e2e-outcome-${name}-${size.width}x${size.height}.png`) });
}

function indicatorUrl(id: string): string {
  return new URL(`/c/${encodeURIComponent(consultationId)}/i/${encodeURIComponent(id)}`, server.links.chair!).toString();
}

describe.skipIf(fake)("the outcome shown to everyone when a poll closes (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    chair = await newPage("chair");
    overviewMember = await newPage("member on the overview");
    kazakhMember = await newPage("member in Kazakh");
  });

  afterAll(async () => {
    for (const c of clients) c.stop();
    await browser?.close();
    await server?.stop();
    console.log(`outcome e2e against ${server?.name ?? "no server"}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("sets the scene: a poll open, one member on the overview, one on another indicator in Kazakh with a comment", async () => {
    const [memberA, memberB] = server.allLinks.member!;
    expect(memberB, "the demo has two board members").toBeTruthy();
    await joinThroughLink(chair, server.links.chair!);
    await joinThroughLink(overviewMember, memberA!, { group: "6", gender: "woman" });
    await joinThroughLink(kazakhMember, memberB!, { group: "3", gender: "man" });
    consultationId = decodeURIComponent(new URL(chair.url()).pathname.split("/")[2]!);
    const chairClient = await openClient(server.links.chair!, "chair");
    const st = chairClient.session.state;
    indicators = st.indicators().map((i) => i.id);
    expect(indicators.length).toBeGreaterThanOrEqual(3);
    const commented = indicators[2]!;

    // A comment on the indicator the Kazakh page will show.
    await chairClient.ask({ case: "createThread", value: { target: { indicatorId: commented, docId: "", version: 0n }, body: "Дереккөздің жылын тексеру керек." } });
    const poll = chairClient.session.state.assessment.polls.size;
    await chairClient.ask({ case: "createPoll", value: { definition: { kind: PollKind.SINGLE_CHOICE, question: QUESTION, options: OPTIONS, eligibleRoles: [Role.MEMBER] } } });
    await eventually("the poll is folded", async () => chairClient.session.state.assessment.polls.size > poll, async () => String(chairClient.session.state.assessment.polls.size));
    pollId = [...chairClient.session.state.assessment.polls.keys()].pop()!;

    await chair.goto(indicatorUrl(indicators[0]!));
    await chair.waitForSelector(".cm-content");
    await chair.click("#tab-polls");
    await chair.waitForSelector(`.poll[data-poll="${pollId}"] .poll-open`);
    await chair.click(`.poll[data-poll="${pollId}"] .poll-open`);
    await chair.waitForSelector(`.poll[data-poll="${pollId}"][data-phase=open] .poll-close`);

    await setLanguage(kazakhMember, "kk");
    await kazakhMember.goto(indicatorUrl(commented));
    await kazakhMember.waitForSelector(".cm-content");
    await kazakhMember.click("#tab-discussion");
    await kazakhMember.waitForSelector(".comment-head time");
    await eventually(
      "both member pages have the poll open",
      async () => {
        for (const p of [overviewMember, kazakhMember]) {
          const s = await p.evaluate((id) => (window as unknown as { kenes: { poll(id: string): { phase: string } | null } }).kenes.poll(id), pollId);
          if (s?.phase !== "open") return false;
        }
        return true;
      },
      async () => "not yet",
    );

    // The comment's time in Kazakh: Kazakh month, no Latin letter, exactly what dates.ts writes.
    const time = await kazakhMember.evaluate(() => {
      const el = document.querySelector(".comment-head time")!;
      return { text: el.textContent ?? "", iso: el.getAttribute("datetime") ?? "", zone: Intl.DateTimeFormat().resolvedOptions().timeZone };
    });
    expect(time.text).toBe(formatDateTime(Date.parse(time.iso), "kk", { short: true, timeZone: time.zone }));
    expect(KAZAKH_MONTHS_SHORT.some((m) => time.text.includes(m)), time.text).toBe(true);
    expect(time.text).not.toMatch(/[A-Za-z]/);
    // Below the comment box in the side panel: scrolled to, as a reader would.
    await kazakhMember.locator(".comment-head time").first().scrollIntoViewIfNeeded();
    expect(await offScreen(kazakhMember, ".comment-head time")).toBe("");
    await shoot(kazakhMember, "comment-time-kk");

    // Both members vote for the second option (another tab of theirs).
    for (const link of [memberA!, memberB!]) {
      const c = await openClient(link, "member");
      await c.ask({ case: "castVote", value: { pollId, choices: [1] } });
    }
    expect(await overviewMember.$(".outcome-banner"), "nothing is told while the poll runs").toBeNull();
  });

  it("tells both members the outcome in their viewport when the chair closes the poll", async () => {
    await chair.click(`.poll[data-poll="${pollId}"] .poll-close`);
    const english = `Poll closed — “${QUESTION}”: ITU estimates won (2 of 2 votes).`;
    const kazakh = `Дауыс беру жабылды — «${QUESTION}»: «ITU estimates» жеңді (2 дауыстың 2).`;
    await eventually("the overview member is told", async () => (await bannerText(overviewMember)) === english, () => bannerText(overviewMember));
    await eventually("the Kazakh member is told", async () => (await bannerText(kazakhMember)) === kazakh, () => bannerText(kazakhMember));
    await eventually("the chair is told too", async () => (await bannerText(chair)) === english, () => bannerText(chair));
    expect(await overviewMember.getAttribute(".outcome-host", "role")).toBe("status");

    for (const size of SIZES) {
      for (const [page, name] of [
        [overviewMember, "overview"],
        [kazakhMember, "indicator-kk"],
      ] as const) {
        await page.setViewportSize(size);
        await sleep(100);
        expect(await offScreen(page, ".outcome-banner"), `${name} at ${size.width}×${size.height}`).toBe("");
        expect(await offScreen(page, ".outcome-link"), `${name}'s link at ${size.width}×${size.height}`).toBe("");
        await shoot(page, name);
      }
      // Scrolled to the bottom of the overview, the outcome is still on screen.
      await overviewMember.evaluate(() => window.scrollTo(0, document.scrollingElement!.scrollHeight));
      await sleep(100);
      expect(await overviewMember.evaluate(() => window.scrollY), "the overview scrolls at all").toBeGreaterThan(0);
      expect(await offScreen(overviewMember, ".outcome-banner"), `scrolled down at ${size.width}×${size.height}`).toBe("");
      await shoot(overviewMember, "overview-scrolled");
      await overviewMember.evaluate(() => window.scrollTo(0, 0));
    }
    await overviewMember.setViewportSize(SIZES[0]);
    await kazakhMember.setViewportSize(SIZES[0]);
    expect(await accessibilityViolations(overviewMember), "the overview with the outcome passes axe").toEqual([]);
    expect(await accessibilityViolations(kazakhMember), "the Kazakh indicator page with the outcome passes axe").toEqual([]);
  });

  it("does not tell someone who arrives after the close", async () => {
    const late = await newPage("late member");
    await joinThroughLink(late, server.allLinks.member![0]!);
    await eventually(
      "the late page has the final figures",
      async () => !!(await late.evaluate((id) => (window as unknown as { kenes: { poll(id: string): { closed: boolean } | null } }).kenes.poll(id)?.closed, pollId)),
      async () => "not yet",
    );
    await sleep(500);
    expect(await late.$(".outcome-banner")).toBeNull();
    await late.context().close();
  });

  it("links to the poll on its page, and goes away when dismissed", async () => {
    await overviewMember.click(".outcome-link");
    await overviewMember.waitForURL((u) => u.pathname === `/c/${encodeURIComponent(consultationId)}/i/${encodeURIComponent(indicators[0]!)}` && u.hash === `#poll-${pollId}`);
    await overviewMember.waitForSelector(`#tab-polls[aria-selected=true]`);
    await eventually("the poll is on screen", async () => (await offScreen(overviewMember, `.poll[data-poll="${pollId}"] .outcome`)) === "", () => offScreen(overviewMember, `.poll[data-poll="${pollId}"] .outcome`));
    expect(await bannerText(overviewMember), "the banner stays until dismissed").toContain("ITU estimates");
    await shoot(overviewMember, "poll-page");

    await kazakhMember.click(".outcome-dismiss");
    expect(await kazakhMember.$(".outcome-banner")).toBeNull();
    expect(await kazakhMember.evaluate(() => document.activeElement?.id)).toBe("main");
  });
});
