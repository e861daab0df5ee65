// A fake kenes-server behind fake sockets, for the network-layer tests. It
// speaks the protocol of proto/kenes/v1/protocol.proto with real protobuf
// frames and sequences text through tests/support/sequencer.ts. Tests can
// drop connections, lose frames, refuse submits and inspect what arrived.

import { type MessageInitShape, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnchoredRange, OpBuilder, type TextOp, codePointLength, sliceCodePoints, transformAnchor } from "../../src/core";
import { FrameworkSchema, Scope } from "../../src/gen/kenes/v1/framework_pb";
import { type LogRecord, LogRecordSchema } from "../../src/gen/kenes/v1/log_pb";
import {
  type ClientMessage,
  ClientMessageSchema,
  ErrorCode,
  type ParticipantPresenceSchema,
  Role,
  ServerMessageSchema,
  SubscribeFrom,
} from "../../src/gen/kenes/v1/protocol_pb";
import { textOpFromWire, textOpToWire } from "../../src/model";
import type { SocketFactory, SocketLike } from "../../src/net";
import { anchorSnapshot, joinStateOf } from "./join-state-of";
import { Sequencer } from "./sequencer";

type ServerInit = MessageInitShape<typeof ServerMessageSchema>;

/** Records only their author receives. */
const PRIVATE = new Set(["threadsRead", "visited", "notificationSettingsSet", "digestSent"]);

export class FakeSocket implements SocketLike {
  binaryType: BinaryType = "blob";
  readyState = 0;
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  readonly received: ClientMessage[] = [];
  connectionId = "";
  participantId = "";
  subscribed = false;

  constructor(
    private readonly server: FakeServer,
    readonly url: string,
  ) {}

  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    const msg = fromBinary(ClientMessageSchema, data);
    this.received.push(msg);
    this.server.handle(this, msg);
  }

  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.server.forget(this);
    queueMicrotask(() => this.onclose?.({} as CloseEvent));
  }

  /** Server side: push one message to the client. */
  push(init: ServerInit): void {
    if (this.readyState !== 1) return;
    const bytes = toBinary(ServerMessageSchema, create(ServerMessageSchema, init));
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    queueMicrotask(() => {
      if (this.readyState === 1) this.onmessage?.({ data: buf } as MessageEvent);
    });
  }

  /** Server side: the connection breaks (no close handshake). */
  drop(): void {
    this.close();
  }
}

export interface FakeServerOptions {
  /** Tokens the server accepts: token -> participant. */
  tokens?: Record<string, { participantId: string; name: string; role: Role }>;
  /** Registration links' tokens (issue 18): whoever registers with one becomes a participant with its role. */
  registrationTokens?: Record<string, Role>;
  /** Refuse the network entirely (sockets fail to open). */
  down?: boolean;
  /** The framework of the consultation (default: none). */
  framework?: MessageInitShape<typeof FrameworkSchema>;
  title?: string;
  /** Keep and broadcast presence (off by default: tests push their own). */
  presence?: boolean;
  /**
   * Honour Subscribe.from (issue 16): a JoinState for SUBSCRIBE_FROM_STATE,
   * and for SUBSCRIBE_FROM_EITHER when more than `catchUpMaxRecords` behind.
   * Off by default: the fake then answers like a server from before issue 16,
   * which ignores the field and always catches up from the log.
   */
  joinByState?: boolean;
  catchUpMaxRecords?: number;
}

export class FakeServer {
  readonly consultationId = "demo";
  readonly log: LogRecord[] = [];
  readonly docs = new Map<string, Sequencer>();
  readonly sockets: FakeSocket[] = [];
  down = false;
  /** Submits are answered with this error instead of being sequenced (once). */
  refuseNextSubmit: ErrorCode | null = null;
  /** Submits are accepted but the connection dies before the Ack/Broadcast. */
  dropAfterNextSubmit = false;
  /** Submits never reach the server (lost on the wire). */
  loseSubmits = false;
  /** Also send the author the record of its own submit (kenes-server does not). */
  echoToAuthor = false;
  /** The next record broadcast reaches nobody (a frame lost on the way: a gap). */
  loseNextBroadcast = false;
  /** Records (by seq) left out of every catch-up: a stream with a gap. */
  readonly skipInCatchUp = new Set<number>();
  /** OpenDocument requests are taken but never answered (the answer is lost with the connection). */
  ignoreOpenDocument = false;
  joinByState: boolean;
  catchUpMaxRecords: number;
  /** How each subscription was answered, in order. */
  readonly joins: ("state" | "log")[] = [];
  private nextConnection = 1;
  private readonly tokens: NonNullable<FakeServerOptions["tokens"]>;
  private readonly registrationTokens: Record<string, Role>;
  private registered = 0;
  private readonly presenceOn: boolean;
  private readonly presenceOf = new Map<FakeSocket, MessageInitShape<typeof ParticipantPresenceSchema>>();

  constructor(opts: FakeServerOptions = {}) {
    this.tokens = opts.tokens ?? { "token-chair": { participantId: "p-chair", name: "Aigerim", role: Role.CHAIR } };
    this.registrationTokens = opts.registrationTokens ?? {};
    this.down = opts.down ?? false;
    this.presenceOn = opts.presence ?? false;
    this.joinByState = opts.joinByState ?? false;
    this.catchUpMaxRecords = opts.catchUpMaxRecords ?? 10_000;
    this.append({
      author: "p-chair",
      event: {
        case: "consultationCreated",
        value: {
          consultationId: this.consultationId,
          title: opts.title ?? "Kazakhstan ROAM-X",
          scope: Scope.ALL,
          framework: create(FrameworkSchema, opts.framework ?? { edition: "test", categories: [] }),
        },
      },
    });
    for (const [, p] of Object.entries(this.tokens)) {
      this.append({
        author: "p-chair",
        event: { case: "participantInvited", value: { participantId: p.participantId, displayName: p.name, role: p.role } },
      });
    }
  }

  readonly factory: SocketFactory = (url) => {
    const s = new FakeSocket(this, url);
    this.sockets.push(s);
    queueMicrotask(() => {
      if (this.down) {
        s.readyState = 3;
        s.onclose?.({} as CloseEvent);
        return;
      }
      s.readyState = 1;
      s.onopen?.({} as Event);
    });
    return s;
  };

  /** The currently open sockets. */
  open(): FakeSocket[] {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  text(docId: string): string {
    return this.docs.get(docId)?.text ?? "";
  }

  /** Another participant's edit, sequenced now and broadcast. */
  remoteEdit(docId: string, op: TextOp, clientId = "someone-else", clientSeq = 1): void {
    const seqr = this.doc(docId);
    const { record } = seqr.submit(seqr.version, clientId, clientSeq, op);
    this.appendEdit(docId, record.version, record.op, "p-other", clientId, clientSeq);
  }

  /**
   * The data folder is restored from a backup holding the first `records`
   * records: everything after them is gone, drafts included. Threads are
   * forgotten (the tests using this have none).
   */
  restoreBackup(records: number): void {
    this.log.length = records;
    this.docs.clear();
    for (const r of this.log) {
      if (r.event.case !== "textEdit") continue;
      const d = this.doc(r.event.value.docId);
      d.submit(d.version, r.clientId, Number(r.clientSeq), textOpFromWire(r.event.value.op));
    }
  }

  /** Pushes a presence message to every open socket. */
  pushPresence(init: MessageInitShape<typeof ServerMessageSchema>["kind"]): void {
    for (const s of this.open()) s.push({ kind: init });
  }

  forget(s: FakeSocket): void {
    s.subscribed = false;
    if (this.presenceOf.delete(s)) {
      for (const o of this.open()) if (o.subscribed) o.push({ kind: { case: "presence", value: { leftConnectionIds: [s.connectionId] } } });
    }
  }

  private presenceEntry(s: FakeSocket, docId: string, selections: { anchor: bigint; head: bigint }[], typing: boolean) {
    const p = Object.values(this.tokens).find((x) => x.participantId === s.participantId)!;
    const profile = [...this.log].reverse().find((r) => r.author === s.participantId && r.event.case === "profileUpdated");
    const name = profile?.event.case === "profileUpdated" && profile.event.value.displayName ? profile.event.value.displayName : p.name;
    return { participantId: p.participantId, displayName: name, role: p.role, docId, selections, typing, connectionId: s.connectionId };
  }

  handle(s: FakeSocket, msg: ClientMessage): void {
    const requestId = msg.requestId;
    const k = msg.kind;
    switch (k.case) {
      case "hello": {
        const registeringAs = this.registrationTokens[k.value.token];
        let ownToken = "";
        if (registeringAs !== undefined) {
          // As kenes-server: a name someone has is refused (fatal), else a
          // fresh participant with a token of their own.
          const r = k.value.registration;
          if (!r?.displayName || Object.values(this.tokens).some((x) => x.name.toLowerCase() === r.displayName.toLowerCase())) {
            s.push({ requestId, kind: { case: "error", value: { code: ErrorCode.INVALID_ARGUMENT, message: `someone here is already called "${r?.displayName ?? ""}"`, fatal: true, requestId } } });
            queueMicrotask(() => s.drop());
            return;
          }
          const id = `w-${++this.registered}`;
          ownToken = `token-${id}`;
          this.tokens[ownToken] = { participantId: id, name: r.displayName, role: registeringAs };
          this.append({ author: id, event: { case: "participantInvited", value: { participantId: id, displayName: r.displayName, role: registeringAs, stakeholderGroup: r.stakeholderGroup, gender: r.gender } } });
        }
        const p = this.tokens[ownToken || k.value.token];
        if (!p) {
          s.push({ requestId, kind: { case: "error", value: { code: ErrorCode.BAD_TOKEN, message: "bad token", fatal: true, requestId } } });
          queueMicrotask(() => s.drop());
          return;
        }
        s.participantId = p.participantId;
        s.connectionId = `conn-${this.nextConnection++}`;
        s.push({
          requestId,
          kind: {
            case: "welcome",
            value: {
              participantId: p.participantId,
              displayName: p.name,
              role: p.role,
              consultationId: this.consultationId,
              connectionId: s.connectionId,
              token: ownToken,
            },
          },
        });
        return;
      }
      case "subscribe": {
        const after = Number(k.value.afterSeq);
        const from = k.value.from;
        // Records 75-78 go to their author only (protocol.proto).
        const mine = (r: LogRecord) => !PRIVATE.has(r.event.case ?? "") || r.author === s.participantId;
        const head = BigInt(this.log.length);
        // As kenes-server answers a client ahead of its log (a restored backup).
        const ahead = after > this.log.length;
        if (ahead && from === SubscribeFrom.LOG) {
          s.push({
            requestId,
            kind: { case: "error", value: { code: ErrorCode.AHEAD_OF_LOG, message: `after_seq ${after} is ahead of the log head ${head}`, requestId } },
          });
          return;
        }
        const byState =
          ahead ||
          this.joinByState &&
          (from === SubscribeFrom.STATE || (from === SubscribeFrom.EITHER && (after === 0 || this.log.length - after > this.catchUpMaxRecords)));
        this.joins.push(byState ? "state" : "log");
        if (byState) {
          s.push({ kind: { case: "joinState", value: joinStateOf(this.log.filter(mine), s.participantId, this.log.length) } });
          s.push({ kind: { case: "catchUp", value: { records: [], headSeq: head, done: true } } });
        } else {
          const records = this.log.slice(after).filter((r) => mine(r) && !this.skipInCatchUp.has(Number(r.seq)));
          // Two batches when there is enough, to exercise batching.
          const half = Math.ceil(records.length / 2);
          if (records.length > 1) s.push({ kind: { case: "catchUp", value: { records: records.slice(0, half), headSeq: head } } });
          s.push({
            kind: { case: "catchUp", value: { records: records.length > 1 ? records.slice(half) : records, headSeq: head, done: true } },
          });
        }
        s.subscribed = true;
        if (this.presenceOn) {
          this.presenceOf.set(s, this.presenceEntry(s, "", [], false));
          s.push({ kind: { case: "presence", value: { full: true, participants: [...this.presenceOf.values()] } } });
          for (const o of this.open()) {
            if (o !== s && o.subscribed) o.push({ kind: { case: "presence", value: { participants: [this.presenceOf.get(s)!] } } });
          }
        }
        return;
      }
      case "submitOp": {
        if (this.loseSubmits) return;
        const sub = k.value;
        const textBefore = this.doc(sub.docId).text;
        if (this.refuseNextSubmit !== null) {
          const code = this.refuseNextSubmit;
          this.refuseNextSubmit = null;
          s.push({
            requestId,
            kind: { case: "error", value: { code, message: "refused", requestId, docId: sub.docId, clientSeq: sub.clientSeq } },
          });
          return;
        }
        const seqr = this.doc(sub.docId);
        const { record, duplicate } = seqr.submit(Number(sub.baseVersion), sub.clientId, Number(sub.clientSeq), textOpFromWire(sub.op));
        if (!duplicate) this.moveAnchors(sub.docId, record.op, textBefore);
        const logged = duplicate ? undefined : this.appendEdit(sub.docId, record.version, record.op, s.participantId, sub.clientId, Number(sub.clientSeq), false);
        if (this.dropAfterNextSubmit) {
          this.dropAfterNextSubmit = false;
          s.drop();
        }
        // As kenes-server does: the author gets its Ack, everyone else the
        // record (echoToAuthor also sends the author the record, after the Ack).
        s.push({
          requestId,
          kind: {
            case: "ack",
            value: { docId: sub.docId, clientSeq: sub.clientSeq, version: BigInt(record.version), seq: BigInt(this.log.length), duplicate },
          },
        });
        if (logged) this.broadcast(logged, this.echoToAuthor ? undefined : s);
        return;
      }
      case "presence": {
        if (!this.presenceOn || !s.subscribed) return;
        const entry = this.presenceEntry(s, k.value.docId, k.value.selections, k.value.typing);
        this.presenceOf.set(s, entry);
        for (const o of this.open()) if (o.subscribed) o.push({ kind: { case: "presence", value: { participants: [entry] } } });
        return;
      }
      case "openDocument": {
        if (!s.subscribed) {
          s.push({ requestId, kind: { case: "error", value: { code: ErrorCode.NOT_SUBSCRIBED, message: "subscribe before opening a draft", requestId } } });
          return;
        }
        if (!/^[A-Za-z0-9._/-]{1,128}$/.test(k.value.docId)) {
          s.push({ requestId, kind: { case: "error", value: { code: ErrorCode.INVALID_ARGUMENT, message: "doc_id must be 1-128 characters", requestId } } });
          return;
        }
        if (this.ignoreOpenDocument) return;
        const docId = k.value.docId;
        const anchors = [...this.threads].filter(([, t]) => t.docId === docId && t.anchor).map(([id, t]) => anchorSnapshot(id, t.anchor!));
        s.push({ requestId, kind: { case: "documentText", value: { docId, version: BigInt(this.doc(docId).version), text: this.doc(docId).text, anchors } } });
        return;
      }
      case "updateProfile":
        this.append({ author: s.participantId, event: {
            case: "profileUpdated",
            value: { displayName: k.value.displayName, stakeholderGroup: k.value.stakeholderGroup, gender: k.value.gender },
          },
        });
        return;
      default:
        this.discussion(s, requestId, k);
        return;
    }
  }

  // ------------------------------------------------- threads (issue 6)
  // Enough of the room's thread requests to rehearse the browser story: ids
  // in creation order, ranges moved from the client's version, quotes
  // stamped, anchors moved through every edit, acceptance as a TextEdit.
  // Permissions are not checked (the real server's tests cover them).
  private threadCount = 0;
  private commentCount = 0;
  private readonly threads = new Map<string, { docId: string; anchor: AnchoredRange | null; suggestion: string | null; decided: boolean }>();

  private moveAnchors(docId: string, op: TextOp, before: string): void {
    const length = codePointLength(before);
    for (const t of this.threads.values()) if (t.docId === docId && t.anchor) t.anchor.update(op, length, () => before);
  }

  /** A range the client gave at `version`, moved to the document's current version. */
  private current(docId: string, range: { anchor: bigint; head: bigint } | undefined, version: bigint): { from: number; to: number } | null {
    if (!range) return null;
    let r = { anchor: Number(range.anchor), head: Number(range.head) };
    for (const rec of this.doc(docId).log.slice(Number(version))) r = transformAnchor(r, rec.op);
    const from = Math.min(r.anchor, r.head);
    const to = Math.max(r.anchor, r.head);
    return from < to ? { from, to } : null;
  }

  private discussion(s: FakeSocket, requestId: bigint, k: ClientMessage["kind"]): void {
    const refuse = (code: ErrorCode, message: string) => s.push({ requestId, kind: { case: "error", value: { code, message, requestId } } });
    const log = (event: MessageInitShape<typeof LogRecordSchema>["event"]) => {
      const priv = PRIVATE.has(event?.case ?? "");
      const record = this.append({ author: s.participantId, event }, false);
      for (const o of this.open()) if (o.subscribed && (!priv || o.participantId === s.participantId)) o.push({ kind: { case: "broadcast", value: { records: [record] } } });
      s.push({ requestId, kind: { case: "ack", value: { seq: record.seq } } });
    };
    switch (k.case) {
      case "createThread": {
        const v = k.value;
        const docId = v.target?.docId ?? "";
        const id = `thread-${++this.threadCount}`;
        const commentId = `comment-${++this.commentCount}`;
        if (!docId) {
          this.threads.set(id, { docId: "", anchor: null, suggestion: null, decided: false });
          log({ case: "threadCreated", value: { threadId: id, firstCommentId: commentId, target: v.target, body: v.body, mentions: v.mentions } });
          return;
        }
        const r = this.current(docId, v.target?.range, v.target?.version ?? 0n);
        if (!r) return refuse(ErrorCode.INVALID_ARGUMENT, "empty range");
        const text = this.doc(docId).text;
        const anchor = new AnchoredRange({ anchor: r.from, head: r.to }, codePointLength(text));
        this.threads.set(id, { docId, anchor, suggestion: v.suggestion ? v.suggestion.text : null, decided: false });
        log({
          case: "threadCreated",
          value: {
            threadId: id,
            firstCommentId: commentId,
            target: { indicatorId: v.target?.indicatorId ?? "", docId, range: { anchor: BigInt(r.from), head: BigInt(r.to) }, version: BigInt(this.doc(docId).version) },
            quote: sliceCodePoints(text, r.from, r.to),
            body: v.body,
            mentions: v.mentions,
            suggestion: v.suggestion,
          },
        });
        return;
      }
      case "addComment":
        log({ case: "commentAdded", value: { threadId: k.value.threadId, commentId: `comment-${++this.commentCount}`, body: k.value.body, mentions: k.value.mentions } });
        return;
      case "editComment":
        log({ case: "commentEdited", value: { threadId: k.value.threadId, commentId: k.value.commentId, body: k.value.body, mentions: k.value.mentions } });
        return;
      case "deleteComment":
        log({ case: "commentDeleted", value: { threadId: k.value.threadId, commentId: k.value.commentId } });
        return;
      case "hideComment":
        log({ case: "commentHidden", value: { threadId: k.value.threadId, commentId: k.value.commentId, reason: k.value.reason } });
        return;
      case "resolveThread":
        log({ case: "threadResolved", value: { threadId: k.value.threadId, resolved: k.value.resolved } });
        return;
      case "setReaction":
        log({ case: "reactionSet", value: { threadId: k.value.threadId, commentId: k.value.commentId, reaction: k.value.reaction, on: k.value.on } });
        return;
      case "setObserverCommenting":
        log({ case: "observerCommentingSet", value: { enabled: k.value.enabled } });
        return;
      case "markThreadsRead":
        log({ case: "threadsRead", value: { threadIds: k.value.threadIds, upToSeq: k.value.upToSeq } });
        return;
      case "recordVisit":
        log({ case: "visited", value: { seenSeq: k.value.seenSeq } });
        return;
      case "reattachThread": {
        const t = this.threads.get(k.value.threadId);
        if (!t?.anchor) return refuse(ErrorCode.NOT_FOUND, "no such thread");
        const r = this.current(t.docId, k.value.range, k.value.version);
        if (!r) return refuse(ErrorCode.INVALID_ARGUMENT, "empty range");
        const text = this.doc(t.docId).text;
        t.anchor.reattach({ anchor: r.from, head: r.to }, codePointLength(text));
        log({ case: "threadReattached", value: { threadId: k.value.threadId, range: { anchor: BigInt(r.from), head: BigInt(r.to) }, version: BigInt(this.doc(t.docId).version), quote: sliceCodePoints(text, r.from, r.to) } });
        return;
      }
      case "rejectSuggestion": {
        const t = this.threads.get(k.value.threadId);
        if (!t || t.suggestion === null || t.decided) return refuse(ErrorCode.SUGGESTION_STATE, "not an open suggestion");
        t.decided = true;
        log({ case: "suggestionRejected", value: { threadId: k.value.threadId, reason: k.value.reason } });
        return;
      }
      case "acceptSuggestion": {
        const t = this.threads.get(k.value.threadId);
        if (!t?.anchor || t.suggestion === null || t.decided || !t.anchor.attached) return refuse(ErrorCode.SUGGESTION_STATE, "not an open, attached suggestion");
        if (t.anchor.changed && !k.value.acceptChanged) return refuse(ErrorCode.SUGGESTION_CHANGED, "the passage changed since");
        const b = new OpBuilder();
        b.retain(t.anchor.from);
        if (t.suggestion) b.insert(t.suggestion);
        b.delete(t.anchor.to - t.anchor.from);
        const op = b.done();
        const seqr = this.doc(t.docId);
        const before = seqr.text;
        const { record } = seqr.submit(seqr.version, "", -this.log.length, op);
        this.moveAnchors(t.docId, record.op, before);
        // The anchor now covers the accepted text (proto/README.md).
        if (t.suggestion) t.anchor.reattach({ anchor: t.anchor.from - codePointLength(t.suggestion), head: t.anchor.from }, codePointLength(seqr.text));
        t.decided = true;
        const created = this.log.find((r) => r.event.case === "threadCreated" && r.event.value.threadId === k.value.threadId);
        log({ case: "textEdit", value: { docId: t.docId, version: BigInt(record.version), op: textOpToWire(record.op), acceptsSuggestionOfThread: k.value.threadId, coAuthors: created ? [created.author] : [] } });
        return;
      }
      default:
        return;
    }
  }

  private doc(docId: string): Sequencer {
    let d = this.docs.get(docId);
    if (!d) this.docs.set(docId, (d = new Sequencer()));
    return d;
  }

  private appendEdit(docId: string, version: number, op: TextOp, author: string, clientId: string, clientSeq: number, broadcast = true): LogRecord {
    return this.append(
      {
        author,
        clientId,
        clientSeq: BigInt(clientSeq),
        event: { case: "textEdit", value: { docId, version: BigInt(version), op: textOpToWire(op) } },
      },
      broadcast,
    );
  }

  private append(init: MessageInitShape<typeof LogRecordSchema>, broadcast = true): LogRecord {
    const record = create(LogRecordSchema, { ...init, seq: BigInt(this.log.length + 1), timeUnixMs: BigInt(Date.now()) });
    this.log.push(record);
    if (broadcast) this.broadcast(record);
    return record;
  }

  private broadcast(record: LogRecord, except?: FakeSocket): void {
    if (this.loseNextBroadcast) {
      this.loseNextBroadcast = false;
      return;
    }
    for (const s of this.open()) if (s.subscribed && s !== except) s.push({ kind: { case: "broadcast", value: { records: [record] } } });
  }
}

/** Timers the test fires by hand. */
export class ManualTimers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  set = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (h: unknown): void => {
    this.pending.delete(h as number);
  };
  /** Fires every timer now pending; returns their delays. */
  fireAll(): number[] {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, t] of due) t.fn();
    return due.map(([, t]) => t.ms);
  }
}

/** Lets queued microtasks and promise chains run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
}
