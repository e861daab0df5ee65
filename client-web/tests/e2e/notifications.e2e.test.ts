// End to end, the Notifications dialog in real Chromium against a real
// kenes-server (--demo, no SMTP host: the settings are kept whether or not
// the server mails): a member opens it by keyboard, is told why an address
// is refused (the server's check, not the browser's), saves a daily digest,
// and after a reload the dialog shows those settings from the member's own
// NotificationSettingsSet record. Another member's page never learns the
// address. The dialog has no WCAG A/AA violation.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerUnderTest, accessibilityViolations, checkPrerequisites, joinThroughLink, launchChromium, startRealServer } from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";

let server: ServerUnderTest;
let browser: Browser;
let member: Page;
let other: Page;

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  return ctx.newPage();
}

describe.skipIf(fake)("the Notifications dialog (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    const links = server.allLinks.member ?? [];
    if (links.length < 2) throw new Error(`the demo printed ${links.length} member links; this test needs two`);
    member = await newPage();
    other = await newPage();
    await joinThroughLink(member, links[0]!, { name: "Әйгерім", group: "2" });
    await joinThroughLink(other, links[1]!, { name: "Болат", group: "6" });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("opens by keyboard, shows the server's refusal, saves, and shows the saved settings after a reload", async () => {
    await member.focus("#notifications-open");
    await member.keyboard.press("Enter");
    await member.waitForSelector("#notifications-dialog[open]");
    expect(await member.evaluate(() => document.activeElement?.id)).toBe("notify-email");
    expect(await member.textContent("#notify-current")).toContain("off");

    // Passes the browser's e-mail syntax, not the server's check.
    await member.keyboard.type("aigerim@localhost");
    await member.focus("#notify-period");
    await member.selectOption("#notify-period", { label: "At most daily" });
    await member.focus("#notify-save");
    await member.keyboard.press("Enter");
    await member.waitForFunction(() => document.querySelector("#notify-status.error")?.textContent?.includes("name@example.org"));

    await member.fill("#notify-email", "aigerim@example.kz");
    await member.focus("#notify-save");
    await member.keyboard.press("Enter");
    await member.waitForFunction(() => document.querySelector("#notify-status")?.textContent === "Saved.");
    expect(await member.textContent("#notify-current")).toContain("aigerim@example.kz");
    expect(await accessibilityViolations(member)).toEqual([]);
    await member.keyboard.press("Escape");
    await member.waitForSelector("#notifications-dialog:not([open])", { state: "attached" });
    expect(await member.evaluate(() => document.activeElement?.id)).toBe("notifications-open");

    await member.reload();
    await member.waitForSelector(".categories", { timeout: 20_000 });
    await member.click("#notifications-open");
    await member.waitForSelector("#notifications-dialog[open]");
    expect(await member.inputValue("#notify-email")).toBe("aigerim@example.kz");
    expect(await member.$eval("#notify-period", (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe("At most daily");

    // The other member's page folded everything it was sent: not this.
    await other.click("#notifications-open");
    await other.waitForSelector("#notifications-dialog[open]");
    expect(await other.inputValue("#notify-email")).toBe("");
    expect(await other.content()).not.toContain("aigerim@example.kz");
  });
});
