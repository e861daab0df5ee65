// Return visits and the offline app shell, in real Chromium against a real
// kenes-server (issue 16, item 5):
//   1. the chair joins (a JoinState), opens an indicator and types;
//   2. a reload replays the state kept in IndexedDB and asks only for the
//      records after it (SUBSCRIBE_FROM_EITHER from its seq: no JoinState);
//   0. index.html and sw.js are revalidated on every visit, and name assets
//      whose names carry their content's hash, the only files a browser may
//      keep for a year (issue 17, item 6);
//   3. with the network off, a reload still opens (the service worker's app
//      shell) on the kept state: the overview, the draft's text, "Offline"
//      with when it was last in step; an edit typed then waits, and lands
//      once the network is back.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerUnderTest, checkPrerequisites, editorText, eventually, joinThroughLink, launchChromium, readServerDoc, startRealServer, status, tokenOf } from "./harness";

const fake = process.env.KENES_E2E_SERVER === "fake";
const SUBSCRIBE_FROM_EITHER = 2;

let server: ServerUnderTest;
let browser: Browser;
let ctx: BrowserContext;
let page: Page;
let docId = "";
let indicatorUrl = "";
const started = Date.now();

/** One of the page's read-only test hooks (App.exposeForTests). */
function hook<T>(name: "restoredSeq" | "subscribedFrom" | "bytes"): Promise<T> {
  return page.evaluate((n) => (window as unknown as { kenes: Record<string, () => unknown> }).kenes[n]!(), name) as Promise<T>;
}

describe.skipIf(fake)("return visits and the offline app shell (real server)", () => {
  beforeAll(async () => {
    server = await startRealServer(checkPrerequisites().bin);
    browser = await launchChromium();
    ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await ctx.newPage();
    page.on("pageerror", (e) => console.error("[chair] page error:", e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    console.log(`offline e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("names content-hashed assets, the only files cached for a year", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const index = await fetch(`${base}/`);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const assets = [...html.matchAll(/"(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      expect(path).toMatch(/^\/assets\/(app|styles)-[0-9a-f]{12}\.(js|css)$/);
      const res = await fetch(`${base}${path}`, { headers: { "accept-encoding": "br" } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control"), path).toBe("public, max-age=31536000, immutable");
    }
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.headers.get("cache-control")).toBe("no-cache");
    const worker = await sw.text();
    for (const path of assets) expect(worker).toContain(`"${path}"`);
    expect(worker).toMatch(/const CACHE = "kenes-shell-[0-9a-f]{12}";/);
    // No fixed-name copy is left in the build for a stale page to load.
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(404);
  });

  it("joins by state, types into a draft, and the service worker takes the app shell", async () => {
    await joinThroughLink(page, server.links.chair!, { name: "Aigerim Chair" });
    const first = page.locator(".indicator-link").first();
    indicatorUrl = (await first.getAttribute("href"))!;
    docId = `indicator/${decodeURIComponent(indicatorUrl.split("/i/")[1]!)}`;
    await first.click();
    await page.waitForSelector(".cm-content");
    await page.click(".cm-content");
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Kept.", { delay: 5 });
    await eventually("the edit is saved", async () => (await status(page)).unsentEdits === 0, async () => JSON.stringify(await status(page)));
    expect(await page.evaluate(() => navigator.serviceWorker.ready.then(() => true))).toBe(true);
    // One cache, this build's, holding the page and its hashed assets.
    const kept = await page.evaluate(async () => {
      const names = await caches.keys();
      const urls = await Promise.all(names.map(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname)));
      return { names, urls: urls.flat().sort() };
    });
    expect(kept.names).toEqual([expect.stringMatching(/^kenes-shell-[0-9a-f]{12}$/)]);
    expect(kept.urls).toEqual(["/", expect.stringMatching(/^\/assets\/app-[0-9a-f]{12}\.js$/), expect.stringMatching(/^\/assets\/styles-[0-9a-f]{12}\.css$/)]);
  });

  it("a reload replays the kept state and asks only for the records since", async () => {
    // Let the session write what it kept (it does every 2 s and on pagehide).
    await page.waitForTimeout(2500);
    await page.goto(new URL(indicatorUrl, server.links.chair!).toString());
    await page.waitForSelector(".cm-content");
    await eventually("online again", async () => (await status(page)).state === "online", async () => JSON.stringify(await status(page)));
    expect(await hook<number>("restoredSeq")).toBeGreaterThan(0);
    expect(await hook<number>("subscribedFrom")).toBe(SUBSCRIBE_FROM_EITHER);
    const bytes = await hook<{ toFirstCatchUp: number }>("bytes");
    console.log(`offline e2e: reload received ${bytes.toFirstCatchUp} bytes until live`);
    expect(await editorText(page)).toContain("Kept.");
  });

  it("opens with no network on the kept state, says so, and saves what was typed once back", async () => {
    await page.waitForTimeout(2500);
    // The last page opened online is an operator's page on the same origin:
    // it is not the app shell and must not have been kept as it.
    await page.goto(new URL("/healthz", server.links.chair!).toString());
    await ctx.setOffline(true);
    await page.goto(new URL(indicatorUrl, server.links.chair!).toString());
    await page.waitForSelector(".cm-content", { timeout: 20_000 });
    expect(await editorText(page)).toContain("Kept.");
    const badge = page.locator("#connection");
    await eventually("the badge says offline, and since when", async () => /synced/.test((await badge.textContent()) ?? ""), async () => (await badge.textContent()) ?? "");
    expect(await badge.getAttribute("data-state")).toBe("offline");
    await page.click(".cm-content");
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" Offline.", { delay: 5 });
    expect((await status(page)).unsentEdits).toBeGreaterThan(0);
    await ctx.setOffline(false);
    await eventually("saved once back", async () => {
      const s = await status(page);
      return s.state === "online" && s.unsentEdits === 0;
    }, async () => JSON.stringify(await status(page)));
    const onServer = await readServerDoc(server.port, tokenOf(server.links.chair!), docId);
    expect(onServer).toContain("Kept. Offline.");
    expect(await editorText(page)).toBe(onServer);
  });
});
