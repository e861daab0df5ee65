// What joining a consultation costs a browser (issue 16): opens an invite
// link in a fresh Chromium profile against a running kenes-server and prints
// one JSON line. A measurement, not a test: run it against a full-size
// consultation (kenes-bench make-assessment) by hand.
//
//   node scripts/measure-join.mjs http://127.0.0.1:8080 <invite token> [--chromium /usr/bin/chromium]
//
// Needs `npm run build` (the server serves client-web/dist) and Debian's
// Chromium (never a downloaded one). The page records this visit
// (RecordVisit) as any visit does; the profile question is skipped as
// answered (nothing else is written).
//
// Printed:
//   wsBytesToState   bytes of WebSocket messages the page received until its
//                    state was complete (the first CatchUp done: Welcome,
//                    JoinState or the whole catch-up), as its Session counts them
//   tcpBytesToOverview  what the server's sockets sent until then, on the wire
//                    (compressed: the page, its assets and the WebSocket)
//   msToOverview     from navigation start to the overview showing its
//                    indicator list (the page's performance clock)
//   firstDraft       the first indicator whose draft has text, and
//   msToOpenDraft    from clicking it on the overview to the editor holding
//                    its text; draftBytes what that cost on the WebSocket;
//                    draftLoadedBeforeClick: whether the page already had it
//                    (the assigned drafts are fetched after the overview shows)
//   reload…          the same page reloaded 2.5 s later: how it subscribed,
//                    the seq its kept state had, bytes until live, and
//                    msToOverviewReload (navigation start to the list)
import { execFileSync } from "node:child_process";
import { chromium } from "playwright-core";

/**
 * Bytes the server's TCP sockets on `port` have had acknowledged (ss -ti, Linux,
 * a server on this machine): what crossed the wire, compressed, HTTP and
 * WebSocket together; null where ss is missing. Only open connections count:
 * read it while the page is still open.
 */
function tcpBytesFromServer(port) {
  try {
    const out = execFileSync("ss", ["-tinH", "state", "established", `( sport = :${port} )`], { encoding: "utf8" });
    return [...out.matchAll(/bytes_acked:(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const executablePath = flag("--chromium", process.env.KENES_CHROMIUM ?? "/usr/bin/chromium");
const timeout = Number(flag("--timeout-ms", "180000"));
const [serverUrl, token] = args;
if (!serverUrl || !token) {
  console.error("usage: node scripts/measure-join.mjs <server URL> <invite token> [--chromium PATH] [--timeout-ms N]");
  process.exit(2);
}

/** The invite's consultation and participant (the payload is readable; only the server checks the signature). */
function invitePayload(t) {
  const part = t.split(".")[1] ?? "";
  const json = JSON.parse(Buffer.from(part.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
  return { consultationId: json.c, participantId: json.p };
}

const { consultationId, participantId } = invitePayload(token);
const link = `${serverUrl.replace(/\/+$/, "")}/join#token=${encodeURIComponent(token)}`;

// As the end-to-end suite starts it (tests/e2e/harness.ts, launchChromium):
// playwright makes a fresh temporary profile for every launch.
const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext();
  // The profile question would stand between the join and the overview, and
  // answering it would write a record: say it was answered (token-store.ts).
  await context.addInitScript(([c, p]) => localStorage.setItem(`kenes.profiled.${c}.${p}`, "1"), [consultationId, participantId]);
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  const stopped = page.waitForFunction(() => window.kenes?.status().state === "stopped", null, { timeout: 0 }).then(async () => {
    throw new Error(`the page stopped: ${await page.locator("main").textContent()}`);
  });
  stopped.catch(() => {});
  const race = (p) => Promise.race([p, stopped]);

  await page.goto(link);
  // Every indicator row is drawn (a closed theme's rows too), so the first
  // one is there exactly when the list is.
  const msToOverview = await race(
    page.waitForFunction(() => (document.querySelector(".categories .indicator-link") ? performance.now() : null), null, { polling: "raf" }),
  ).then((h) => h.jsonValue());
  const state = await page.evaluate(() => ({ bytes: window.kenes.bytes(), from: window.kenes.subscribedFrom(), lastSeq: window.kenes.lastSeq() }));
  const port = Number(new URL(serverUrl).port || 80);
  const tcpToOverview = tcpBytesFromServer(port);

  // The first indicator with text in its draft, else the first one.
  const target = await page.evaluate(() => {
    const rows = [...document.querySelectorAll(".categories .indicator-row")];
    const row = rows.find((r) => r.querySelector(".draft-state.started")) ?? rows[0];
    const href = row?.querySelector("a.indicator-link")?.getAttribute("href") ?? "";
    const id = decodeURIComponent(href.split("/i/")[1] ?? "");
    return { href, docId: `indicator/${id}` };
  });
  if (!target.href) throw new Error("the overview lists no indicator");
  const before = await page.evaluate((docId) => ({ bytes: window.kenes.bytes().received, loaded: window.kenes.docLoaded(docId) }), target.docId);
  const clickedAt = await page.evaluate((href) => {
    const a = document.querySelector(`.categories a.indicator-link[href="${CSS.escape(href)}"]`);
    const t = performance.now();
    a.click();
    return t;
  }, target.href);
  const shownAt = await race(
    page.waitForFunction(() => (window.kenes.editorText() ? performance.now() : null), null, { polling: "raf" }),
  ).then((h) => h.jsonValue());
  const after = await page.evaluate((docId) => ({ bytes: window.kenes.bytes().received, length: [...window.kenes.docText(docId)].length }), target.docId);

  // A reload: the page replays the state it kept in IndexedDB (written every
  // 2 s) and asks for the records since its seq.
  await page.waitForTimeout(2500);
  await page.goto(`${serverUrl.replace(/\/+$/, "")}/c/${encodeURIComponent(consultationId)}`);
  const msToOverviewReload = await race(
    page.waitForFunction(() => (document.querySelector(".categories .indicator-link") ? performance.now() : null), null, { polling: "raf" }),
  ).then((h) => h.jsonValue());
  await race(page.waitForFunction(() => window.kenes.status().state === "online", null, { polling: 50 }));
  const reload = await page.evaluate(() => ({ bytes: window.kenes.bytes(), from: window.kenes.subscribedFrom(), restoredSeq: window.kenes.restoredSeq() }));

  const fromNames = ["LOG", "STATE", "EITHER"];
  console.log(
    JSON.stringify({
      server: serverUrl,
      consultation: consultationId,
      participant: participantId,
      subscribedFrom: fromNames[state.from] ?? state.from,
      seq: state.lastSeq,
      wsBytesToState: state.bytes.toFirstCatchUp,
      tcpBytesToOverview: tcpToOverview,
      msToOverview: Math.round(msToOverview),
      firstDraft: target.docId,
      draftLoadedBeforeClick: before.loaded,
      draftCodePoints: after.length,
      draftBytes: after.bytes - before.bytes,
      msToOpenDraft: Math.round(shownAt - clickedAt),
      reloadSubscribedFrom: fromNames[reload.from] ?? reload.from,
      reloadRestoredSeq: reload.restoredSeq,
      reloadWsBytesToLive: reload.bytes.toFirstCatchUp,
      msToOverviewReload: Math.round(msToOverviewReload),
    }),
  );
} finally {
  await browser.close();
}
