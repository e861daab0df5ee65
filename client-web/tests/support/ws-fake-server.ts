// The fake server on a real port: serves client-web/dist (index.html for
// unknown paths, like kenes-server) and speaks the protocol on /ws through
// FakeServer. For developing the UI and rehearsing the end-to-end story
// before kenes-server exists; the real e2e runs against kenes-server.

import { createReadStream, existsSync, statSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { create, toBinary } from "@bufbuild/protobuf";
import { Role, ServerMessageSchema } from "../../src/gen/kenes/v1/protocol_pb";
import { demoFramework } from "./demo-framework";
import { FakeServer, FakeSocket } from "./fake-server";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

function b64url(s: string): string {
  return Buffer.from(s, "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A token in the real format; the fake server does not check signatures. */
function fakeToken(participantId: string, role: string, name: string): string {
  const payload = { c: "demo", p: participantId, r: role, exp: 4102444800, n: name };
  return `v1.${b64url(JSON.stringify(payload))}.${b64url("fake-signature")}`;
}

const PEOPLE = [
  { role: "chair", participantId: "p-chair", name: "Aigerim (chair)", r: Role.CHAIR },
  { role: "researcher", participantId: "p-researcher", name: "Dmitry (researcher)", r: Role.RESEARCHER },
  { role: "member", participantId: "p-member", name: "Saule (member)", r: Role.MEMBER },
  { role: "member", participantId: "p-member2", name: "Erlan (member)", r: Role.MEMBER },
  { role: "observer", participantId: "p-observer", name: "Olga (observer)", r: Role.OBSERVER },
];

class WsBridge extends FakeSocket {
  constructor(
    server: FakeServer,
    private readonly ws: WebSocket,
  ) {
    super(server, "/ws");
    this.readyState = 1;
  }
  override push(init: Parameters<FakeSocket["push"]>[0]): void {
    if (this.readyState !== 1) return;
    this.ws.send(toBinary(ServerMessageSchema, create(ServerMessageSchema, init)));
  }
  override close(): void {
    if (this.readyState === 3) return;
    super.close();
    this.ws.terminate();
  }
}

export interface RunningFakeServer {
  readonly port: number;
  readonly links: Record<string, string>;
  /** Every link by role, in order (two members). */
  readonly allLinks: Record<string, string[]>;
  readonly fake: FakeServer;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startFakeServer(opts: { port: number; webRoot: string; fake?: FakeServer }): Promise<RunningFakeServer> {
  const tokens: Record<string, { participantId: string; name: string; role: Role }> = {};
  const links: Record<string, string> = {};
  const allLinks: Record<string, string[]> = {};
  for (const p of PEOPLE) {
    const tok = fakeToken(p.participantId, p.role, p.name);
    tokens[tok] = { participantId: p.participantId, name: p.name, role: p.r };
    // The first link per role, as before a second member existed.
    links[p.role] ??= `http://127.0.0.1:${opts.port}/join#token=${tok}`;
    (allLinks[p.role] ??= []).push(`http://127.0.0.1:${opts.port}/join#token=${tok}`);
  }
  const fake = opts.fake ?? new FakeServer({ tokens, framework: demoFramework, title: "Kazakhstan ROAM-X assessment (demo)", presence: true, joinByState: true });
  let http: Server | null = null;
  let wss: WebSocketServer | null = null;

  const start = async () => {
    http = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      let file = normalize(join(opts.webRoot, decodeURIComponent(url.pathname)));
      if (!file.startsWith(opts.webRoot) || !existsSync(file) || statSync(file).isDirectory()) file = join(opts.webRoot, "index.html");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(res);
    });
    wss = new WebSocketServer({ server: http, path: "/ws" });
    wss.on("connection", (ws) => {
      const bridge = new WsBridge(fake, ws);
      fake.sockets.push(bridge);
      ws.on("message", (data: Buffer) => {
        try {
          bridge.send(new Uint8Array(data));
        } catch (e) {
          console.error("fake server:", e);
        }
      });
      ws.on("close", () => bridge.close());
    });
    await new Promise<void>((resolve) => http!.listen(opts.port, "127.0.0.1", resolve));
  };
  const stop = async () => {
    for (const s of fake.open()) s.drop();
    wss?.close();
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http = null;
  };
  await start();
  return { port: opts.port, links, allLinks, fake, stop, start };
}
