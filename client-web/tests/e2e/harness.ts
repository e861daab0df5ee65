// What the end-to-end story needs around the browser: a kenes-server (the
// real binary, or the in-process fake for rehearsal), Chromium, and a
// protocol client in Node that reads what the server holds.

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import WebSocket from "ws";
import { MemoryOfflineStore, Session, type SocketLike } from "../../src/net";
import { startFakeServer } from "../support/ws-fake-server";

export const CLIENT_ROOT = resolve(__dirname, "../..");
export const REPO_ROOT = resolve(CLIENT_ROOT, "..");
export const WEB_ROOT = join(CLIENT_ROOT, "dist");
export const ARTIFACTS = join(REPO_ROOT, "test-artifacts");
export const CHROMIUM = process.env.KENES_CHROMIUM ?? "/usr/bin/chromium";
export const FIREFOX = process.env.KENES_FIREFOX ?? "/usr/bin/firefox-esr";
/** kenes-admin beside the server binary, or $KENES_ADMIN_BIN. */
export function adminBin(serverBin: string): string {
  return process.env.KENES_ADMIN_BIN ? resolve(CLIENT_ROOT, process.env.KENES_ADMIN_BIN) : join(dirname(serverBin), "admin", "kenes-admin");
}

export interface ServerUnderTest {
  readonly name: string;
  readonly port: number;
  /** Invite links by role, as the server printed them (the last one per role). */
  readonly links: Readonly<Record<string, string>>;
  /** Every invite link the server printed, by role, in order (the demo has two members). */
  readonly allLinks: Readonly<Record<string, readonly string[]>>;
  /** A new participant's invite link (kenes-admin invite on the server's folder); real server only. */
  invite?(consultationId: string, role: string, name: string): Promise<string>;
  /** Kills the server abruptly (kill -9) and starts it again on the same data. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The last lines the server printed, for failure messages. */
  output(): string;
}

/** Fails with a sentence that says what to do, before anything starts. */
export function checkPrerequisites(browser: "chromium" | "firefox" = "chromium"): { mode: "real" | "fake"; bin: string } {
  if (browser === "chromium" && !existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing (${CHROMIUM}). Install it with: apt-get install chromium`);
  }
  if (browser === "firefox" && !existsSync(FIREFOX)) {
    throw new Error(
      `Firefox is missing (${FIREFOX}). Install it with: apt-get install firefox-esr ` +
        "(or point KENES_FIREFOX at a Firefox >= 129; never let a tool download one).",
    );
  }
  if (!existsSync(join(WEB_ROOT, "index.html"))) {
    throw new Error("client-web/dist is missing. Build the web client first: cd client-web && npm ci && npm run build");
  }
  if (process.env.KENES_E2E_SERVER === "fake") return { mode: "fake", bin: "" };
  const bin = resolve(CLIENT_ROOT, process.env.KENES_SERVER_BIN ?? "../build/release/server/kenes-server");
  if (!existsSync(bin)) {
    throw new Error(
      `kenes-server not found at ${bin}. Build it first (make build), or point KENES_SERVER_BIN at it. ` +
        "(KENES_E2E_SERVER=fake rehearses the story against the client's fake server.)",
    );
  }
  return { mode: "real", bin };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

async function waitForPort(port: number, deadline: number, alive: () => boolean): Promise<void> {
  while (Date.now() < deadline) {
    if (!alive()) throw new Error("the server exited");
    const ok = await new Promise<boolean>((r) => {
      const c = createConnection({ host: "127.0.0.1", port }, () => {
        c.destroy();
        r(true);
      });
      c.once("error", () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

const LINK_LINE = /^\s*(chair|researcher|member|observer)\s*:\s*(https?:\/\/\S+)\s*$/i;

/** Starts kenes-server --demo on a temp data folder; restarts reuse the folder. */
export async function startRealServer(bin: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "kenes-e2e-"));
  const links: Record<string, string> = {};
  const allLinks: Record<string, string[]> = {};
  let lines: string[] = [];
  let proc: ChildProcess | null = null;
  let exited = true;

  const launch = async (demo: boolean) => {
    const args = ["--listen", `127.0.0.1:${port}`, "--data-dir", dataDir, "--web-root", WEB_ROOT];
    if (demo) args.push("--demo");
    const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    proc = p;
    exited = false;
    p.once("exit", () => (exited = true));
    let buf = "";
    const onData = (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (lines.length > 200) lines = lines.slice(-200);
        const m = LINK_LINE.exec(line);
        if (m) {
          const role = m[1]!.toLowerCase();
          links[role] = m[2]!;
          if (!(allLinks[role] ??= []).includes(m[2]!)) allLinks[role].push(m[2]!);
        }
      }
    };
    p.stdout!.on("data", onData);
    p.stderr!.on("data", onData);
    const deadline = Date.now() + 30_000;
    try {
      await waitForPort(port, deadline, () => !exited);
      if (demo) {
        while (!(links.chair && links.researcher) && Date.now() < deadline) {
          if (exited) throw new Error("the server exited");
          await sleep(50);
        }
        if (!links.chair || !links.researcher) throw new Error("no chair and researcher invite links on stdout");
      }
    } catch (e) {
      p.kill("SIGKILL");
      throw new Error(`kenes-server did not start (${(e as Error).message}). Its output:\n${lines.slice(-30).join("\n")}`);
    }
  };

  const killNow = async () => {
    const p = proc;
    if (!p || exited) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await gone;
  };

  await launch(true);
  return {
    name: "kenes-server",
    port,
    links,
    allLinks,
    kill: killNow,
    invite: (consultationId, role, name) =>
      new Promise((resolveLink, reject) => {
        const admin = adminBin(bin);
        execFile(
          admin,
          ["invite", "--data-dir", dataDir, "--consultation", consultationId, "--role", role, "--name", name, "--base-url", `http://127.0.0.1:${port}`],
          (err, stdout, stderr) => {
            const link = /https?:\/\/\S+#token=\S+/.exec(stdout)?.[0];
            if (err || !link) reject(new Error(`kenes-admin invite failed (${admin}): ${err?.message ?? "no link"} ${stderr}`));
            else resolveLink(link);
          },
        );
      }),
    restart: () => launch(false),
    async stop() {
      const p = proc;
      if (p && !exited) {
        const gone = new Promise((r) => p.once("exit", r));
        p.kill("SIGTERM");
        await Promise.race([gone, sleep(5000)]);
        await killNow();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => lines.slice(-30).join("\n"),
  };
}

export async function startFake(): Promise<ServerUnderTest> {
  const port = await freePort();
  const s = await startFakeServer({ port, webRoot: WEB_ROOT });
  return {
    name: "fake server",
    port,
    links: s.links,
    allLinks: s.allLinks,
    kill: () => s.stop(),
    restart: () => s.start(),
    stop: () => s.stop(),
    output: () => "",
  };
}

/** Chromium with a fresh profile (playwright makes a temp user-data-dir per launch). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export function tokenOf(link: string): string {
  return new URLSearchParams(new URL(link).hash.slice(1)).get("token") ?? "";
}

/** Reads a document's text as the server holds it, over the protocol. */
export async function readServerDoc(port: number, token: string, docId: string): Promise<string> {
  const session = await Session.open({
    url: `ws://127.0.0.1:${port}/ws`,
    token,
    owner: `e2e-reader-${Math.random()}`,
    store: new MemoryOfflineStore(),
    socketFactory: (url) => new WebSocket(url) as unknown as SocketLike,
    clientVersion: "kenes-e2e-reader",
  });
  try {
    const done = new Promise<void>((r, reject) => {
      session.subscribe({ caughtUp: () => r(), problem: (code) => reject(new Error(`server error ${code}`)) });
    });
    session.start();
    await withTimeout(done, 10_000, "reading the document from the server");
    // Joined by state: the text comes when the draft is opened.
    await withTimeout(session.openDocument(docId), 10_000, `opening ${docId} on the server`);
    return session.state.doc(docId).text;
  } finally {
    session.stop();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until check() returns true; fails with describe() of the last state. */
export async function eventually(what: string, check: () => Promise<boolean>, describe: () => Promise<string>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(150);
  }
  throw new Error(`timed out after ${ms} ms waiting until ${what}; last state: ${await describe()}`);
}

// --------------------------------------------------------------- the page

export interface PageStatus {
  state: string;
  unsentEdits: number;
}

export function status(page: Page): Promise<PageStatus> {
  return page.evaluate(() => (window as unknown as { kenes: { status(): PageStatus } }).kenes.status());
}

export function editorText(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as { kenes: { editorText(): string | null } }).kenes.editorText());
}

/** Opens an invite link and answers the one-time profile question. */
export async function joinThroughLink(page: Page, link: string, opts: { name?: string; group?: string; gender?: string } = {}): Promise<void> {
  await page.goto(link);
  await page.waitForSelector("#join-name, .categories", { timeout: 20_000 });
  if (await page.$("#join-name")) {
    if (opts.name) await page.fill("#join-name", opts.name);
    if (opts.group) await page.selectOption("#join-group", opts.group);
    if (opts.gender) await page.fill("#join-gender", opts.gender);
    await page.click("form button[type=submit]");
  }
  await page.waitForSelector(".categories", { timeout: 20_000 });
}

export function isSubsequence(needle: string, hay: string): boolean {
  const a = Array.from(needle);
  const b = Array.from(hay);
  let i = 0;
  for (const c of b) if (i < a.length && c === a[i]) i++;
  return i === a.length;
}

export function sortedChars(s: string): string {
  return Array.from(s).sort().join("");
}

// ------------------------------------------------------------ accessibility

const AXE = join(CLIENT_ROOT, "node_modules/axe-core/axe.min.js");

/** axe-core's WCAG 2.1 A/AA violations on the page, one line each. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: kenes-server's Content-Security-Policy
  // (rightly) refuses injected <script> tags.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(readFileSync(AXE, "utf8"));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")})`);
  });
}

type RequestKind = NonNullable<Parameters<Session["request"]>[0]>;

/** A participant's second connection over the protocol (another tab of theirs): sets up what the pages show. */
export interface ProtocolClient {
  readonly session: Session;
  /** Sends a request and resolves once the server logged it (rejects with its reason). */
  ask(kind: RequestKind): Promise<void>;
  stop(): void;
}

/** Opens `link`'s participant over the protocol on the server at `port` and waits until it has caught up. */
export async function openProtocolClient(port: number, link: string, who: string): Promise<ProtocolClient> {
  const session = await Session.open({
    url: `ws://127.0.0.1:${port}/ws`,
    token: tokenOf(link),
    owner: `e2e-${who}-${Math.random()}`,
    store: new MemoryOfflineStore(),
    socketFactory: (url) => new WebSocket(url) as unknown as SocketLike,
    clientVersion: "kenes-e2e",
  });
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const caughtUp = new Promise<void>((resolve) => {
    session.subscribe({
      caughtUp: () => resolve(),
      acked: (id) => waiting.get(id)?.resolve(),
      refused: (id, code, message) => waiting.get(id)?.reject(new Error(`refused (${code}): ${message}`)),
    });
  });
  session.start();
  await withTimeout(caughtUp, 10_000, `the ${who}'s protocol client catching up`);
  return {
    session,
    ask: (kind) => {
      const id = session.request(kind);
      if (id === 0) return Promise.reject(new Error("the protocol client is not live"));
      return withTimeout(new Promise<void>((resolve, reject) => waiting.set(id, { resolve, reject })), 10_000, `request ${kind.case}`);
    },
    stop: () => session.stop(),
  };
}

/** Picks the page's language in its menu and waits until the page is in it. */
export async function setLanguage(page: Page, lang: "en" | "ru" | "kk"): Promise<void> {
  await page.selectOption("#lang-select", lang);
  await eventually(`the page is in ${lang}`, async () => (await page.evaluate(() => document.documentElement.lang)) === lang, async () => page.evaluate(() => document.documentElement.lang));
}

/** The selectors whose elements are not wholly inside the viewport (or not rendered at all). */
export async function offScreen(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const out: string[] = [];
    for (const sel of sels) {
      const els = [...document.querySelectorAll(sel)];
      if (els.length === 0) out.push(`${sel} (missing)`);
      for (const el of els) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) out.push(`${sel} (not rendered)`);
        else if (r.top < -0.5 || r.left < -0.5 || r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5)
          out.push(`${sel} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} in ${window.innerWidth}×${window.innerHeight}`);
      }
    }
    return out;
  }, selectors);
}
