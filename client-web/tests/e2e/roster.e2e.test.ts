// End to end, the chair's people page in real Chromium against a real
// kenes-server (issue 18): the chair invites three people — one with the
// form, two from a CSV file whose mistakes are all reported first — hands a
// link over, and sees the person join; a new link retires the old one; she
// opens a registration link for a workshop, a walk-in registers from it and
// comes back with a link of their own. No WCAG A/AA violation; screenshots
// at 1280×720 and 1920×1080 in test-artifacts/.

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, type ServerUnderTest, accessibilityViolations, checkPrerequisites, joinThroughLink, launchChromium, startRealServer } from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";

let server: ServerUnderTest;
let browser: Browser;
let chair: Page;

async function newPage(width = 1280, height = 720): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height } });
  return ctx.newPage();
}

/** The roster row of the person called `name`. */
function row(page: Page, name: string) {
  return page.locator("#people-table tbody tr", { has: page.locator("th", { hasText: name }) });
}

describe.skipIf(fake)("the chair's people page (real server)", () => {
  beforeAll(async () => {
    const pre = checkPrerequisites();
    server = await startRealServer(pre.bin);
    browser = await launchChromium();
    chair = await newPage();
    await joinThroughLink(chair, server.links.chair!);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("invites three people, hands a link over and sees them join; a new link retires the old one", async () => {
    await chair.click("#people-link");
    await chair.waitForSelector("#invite-form");
    expect(new URL(chair.url()).pathname).toMatch(/\/people$/);

    await chair.fill("#invite-name", "Dana Abenova");
    await chair.fill("#invite-email", "dana@example.kz");
    await chair.selectOption("#invite-group", { label: "Media" });
    await chair.fill("#invite-gender", "woman");
    await chair.click("#invite-submit");
    // Her link, signed by the server, opens below her row, with its QR code.
    await chair.waitForSelector(".link-panel .link-text");
    const danaLink = await chair.inputValue(".link-panel .link-text");
    expect(danaLink).toMatch(/\/join#token=v1\./);
    expect(await chair.isVisible(".link-panel svg.qr")).toBe(true);
    expect(await chair.getAttribute(".link-panel a[href^='mailto:']", "href")).toContain("dana%40example.kz");
    expect(await row(chair, "Dana Abenova").textContent()).toContain("Invited, not come yet");

    // A file with mistakes: every one is named, and nobody is invited.
    await chair.fill("#import-csv", "name,role,email,group\nErlan Nurov,member,erlan@example.kz,academia\nTimur,chair,,Goverment\nDana Abenova,member,,\n");
    await chair.click("#import-submit");
    await chair.waitForSelector("#import-problems");
    const problems = (await chair.textContent("#import-problems")) ?? "";
    expect(problems).toContain("line 3: the role must be researcher, member or observer");
    expect(problems).toContain('line 3: unknown stakeholder group "Goverment"');
    expect(problems).toContain('line 4: another participant is called "Dana Abenova"');
    expect(await row(chair, "Erlan Nurov").count()).toBe(0);

    await chair.fill("#import-csv", "name,role,email,group\nErlan Nurov,member,erlan@example.kz,academia\nTimur Ospanov,researcher,,\n");
    await chair.click("#import-submit");
    await chair.waitForSelector("#import-done");
    expect(await chair.textContent("#import-done")).toBe("2 people invited.");
    await chair.waitForSelector("#import-download");
    for (const name of ["Erlan Nurov", "Timur Ospanov"]) expect(await row(chair, name).textContent()).toContain("Invited, not come yet");
    const [download] = await Promise.all([chair.waitForEvent("download"), chair.click("#import-download")]);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = "";
        stream.on("data", (c: Buffer) => (text += c.toString("utf8")));
        stream.on("end", () => resolve(text));
        stream.on("error", reject);
      });
    });
    expect(csv.split("\r\n")[0]).toBe("Name,Role,E-mail,Link");
    expect(csv).toMatch(/Erlan Nurov,Advisory board member,erlan@example\.kz,http:\/\/[^,]+\/join#token=v1\./);
    expect(csv).toContain("Timur Ospanov,Researcher,,");

    expect(await accessibilityViolations(chair)).toEqual([]);
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-people-1280x720.png") });
    await chair.setViewportSize({ width: 1920, height: 1080 });
    await chair.screenshot({ path: join(ARTIFACTS, "e2e-people-1920x1080.png") });
    await chair.setViewportSize({ width: 1280, height: 720 });

    // Dana opens her link: the chair gave her group, so she is not asked.
    const dana = await newPage();
    await dana.goto(danaLink);
    await dana.waitForSelector(".categories", { timeout: 20_000 });
    expect(await dana.$("#join-name")).toBeNull();
    await chair.waitForFunction(() =>
      [...document.querySelectorAll("#people-table tbody tr")].some((tr) => tr.textContent?.includes("Dana Abenova") && tr.textContent.includes("Joined")),
    );

    // A new link: the old one stops working, the new one works.
    await row(chair, "Dana Abenova").getByRole("button", { name: /^New link for Dana Abenova/ }).click();
    await chair.waitForFunction((old) => {
      const input = document.querySelector<HTMLInputElement>(".link-panel .link-text");
      return !!input && input.value !== old;
    }, danaLink);
    const newLink = await chair.inputValue(".link-panel .link-text");
    const stale = await newPage();
    await stale.goto(danaLink);
    await stale.waitForSelector(".page.message", { timeout: 20_000 });
    expect(await stale.textContent(".page.message")).toContain("replaced by a newer one");
    const fresh = await newPage();
    await fresh.goto(newLink);
    await fresh.waitForSelector(".categories", { timeout: 20_000 });
  });

  it("opens a registration link; a walk-in registers from it and comes back on a link of their own", async () => {
    await chair.fill("#registration-label", "Workshop, 12 March");
    await chair.fill("#registration-cap", "5");
    await chair.click("#registration-submit");
    await chair.waitForSelector(".registration-list .link-panel .link-text");
    const registrationLink = await chair.inputValue(".registration-list .link-panel .link-text");
    expect(await chair.isVisible(".registration-list svg.qr")).toBe(true);
    expect(await chair.textContent(".registration-list")).toContain("0 of 5 registered");

    const walkIn = await newPage(1280, 720);
    await walkIn.goto(registrationLink);
    await walkIn.waitForSelector("#register-name");
    expect(await walkIn.textContent("#register-title")).toBe("Register: Workshop, 12 March");
    expect(await accessibilityViolations(walkIn)).toEqual([]);
    await walkIn.screenshot({ path: join(ARTIFACTS, "e2e-register-1280x720.png") });
    // A name someone has: the server says so and the form comes back.
    await walkIn.fill("#register-name", "dana abenova");
    await walkIn.selectOption("#register-group", { label: "Civil society" });
    await walkIn.click("#register-submit");
    await walkIn.waitForSelector("#register-problem", { timeout: 20_000 });
    expect(await walkIn.textContent("#register-problem")).toContain("Dana Abenova");
    await walkIn.fill("#register-name", "Saule Walk-in");
    await walkIn.click("#register-submit");
    await walkIn.waitForSelector(".categories", { timeout: 20_000 });
    // The registration link has left the address bar; the page keeps the walk-in's own.
    expect(walkIn.url()).not.toContain("token=");
    await walkIn.reload();
    await walkIn.waitForSelector(".categories", { timeout: 20_000 });
    expect(await walkIn.textContent(".topbar .me")).toContain("Saule Walk-in");

    await chair.waitForFunction(() => document.querySelector(".registration-list")?.textContent?.includes("1 of 5 registered"));
    expect(await row(chair, "Saule Walk-in").textContent()).toContain("Registered (Workshop, 12 March)");

    // Closed: nobody more registers with it.
    await chair.click(".registration-list [id^='registration-close-']");
    await chair.waitForFunction(() => document.querySelector(".registration-list .registration-state")?.textContent === "Closed");
    const late = await newPage();
    await late.goto(registrationLink);
    await late.fill("#register-name", "Late Comer");
    await late.selectOption("#register-group", { label: "Academia" });
    await late.click("#register-submit");
    await late.waitForSelector(".page.message", { timeout: 20_000 });
    expect(await late.textContent(".page.message")).toContain("closed by the chair");
  });
});
