// One browser tab's connection to its consultation, told as the protocol goes
// (proto/README.md):
//
//   open socket -> Hello{token, client_id} -> Welcome
//               -> Subscribe{consultation, after_seq = last seq folded, from}
//               -> CatchUp batches (the last has done) -> live Broadcasts
//                  or JoinState, an empty CatchUp{done} -> live Broadcasts
//
// Joining by state (issue 16): a page with nothing folded asks for the state
// (SUBSCRIBE_FROM_STATE) rather than the whole log, and a page coming back
// lets the server choose (SUBSCRIBE_FROM_EITHER: the records if few, else a
// JoinState that replaces the state). Unsent edits are rebased through the
// records since their version, so while any document has some (restored from
// the offline store, or typed while the connection was down) the session
// subscribes from the log, as before. A draft's text then comes when it is
// opened (openDocument -> OpenDocument -> DocumentText).
//
// Starting over (issue 16, item 7). Some states cannot be continued: the
// server's log is older than what the page folded (its data folder was
// restored from a backup: Subscribe is answered ERROR_CODE_AHEAD_OF_LOG, or a
// JoinState), or a record does not follow what was folded (a version gap, an
// op that does not fit: the stream and the page disagree). The session then
// subscribes again from the state, throwing away everything folded, and
// places each draft's unsent edits on the server's text by a three-way merge
// once that text arrives (DocClient.placeByText); what cannot be placed is
// named to the person (startedOver). Restored work whose version the log
// never reaches is placed the same way when the catch-up ends.
//
// Return visits (issue 16, item 5). With a StateStore the session keeps the
// frames its state was built from (state-store.ts) and, on open, replays
// them: the page has its consultation at once, with no network too, and
// subscribes after the last seq it holds, so a reload downloads only the
// records since. Past STATE_LIST_MAX_RECORDS records the list is dropped and
// the next visit joins by state again (a fresh JoinState is smaller than the
// records).
//
// Every record, caught up or live, goes through ConsultationState.fold: the
// one door. When a catch-up is done the session resends each document's
// in-flight op with the SAME client_seq (in client_seq order, so the server
// never sees the sequence go backwards), then sends what was edited offline.
// A lost connection is retried with exponential backoff and jitter; the
// resume starts after the last seq folded, so nothing is folded twice.
//
// Durability of unsent work: a client_seq is written to the OfflineStore
// before the submit that uses it is sent, and every document's unsent work is
// written after each change, so a reload resumes where the page left off.
// Submits and store writes run one at a time on one promise chain.

import { type MessageInitShape, create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DocSnapshot, Submit, TextOp } from "../core";
import {
  ClientMessageSchema,
  type Error as WireError,
  type GetInviteLinksSchema,
  type InviteLinks,
  InviteLinksSchema,
  type ParticipantPresence,
  type ServerMessage,
  ServerMessageSchema,
  SubscribeFrom,
  type Welcome,
} from "../gen/kenes/v1/protocol_pb";
import type { LogRecord, StakeholderGroup } from "../gen/kenes/v1/log_pb";
import { ConsultationState, type FoldEffect, type Range, rangeToWire, textOpToWire, toNumber } from "../model";
import { type BackoffOptions, DEFAULT_BACKOFF, backoffDelay } from "./backoff";
import { ErrorCode, errorAction } from "./errors";
import type { ClientIdentity, OfflineStore } from "./offline-store";
import type { StateStore } from "./state-store";
import { SOCKET_OPEN, type SocketFactory, type SocketLike } from "./socket";

export type ConnectionState = "connecting" | "online" | "reconnecting" | "offline" | "stopped";

export interface SessionStatus {
  readonly state: ConnectionState;
  /** Local edits not yet acknowledged by the server, over all documents. */
  readonly unsentEdits: number;
  /** The first catch-up has completed: the state is complete. */
  readonly caughtUp: boolean;
  /**
   * When the state shown was last in step with the server (Date.now()): the
   * last frame received while live, or when the kept state was saved; 0 if
   * never.
   */
  readonly lastSyncedUnixMs: number;
  /** Why the session stopped (state "stopped"). */
  readonly stopReason: ErrorCode | undefined;
  /** The server's own words when it stopped the session (English), or "". */
  readonly stopMessage: string;
}

export interface SessionListener {
  status?(s: SessionStatus): void;
  welcome?(w: Welcome): void;
  /** A catch-up finished (after every (re)connect). */
  caughtUp?(): void;
  /**
   * A JoinState replaced the whole state (a fresh page, or a return from far
   * behind): redraw everything. Drafts whose version moved meanwhile lost
   * their text and must be opened again (openDocument).
   */
  joined?(): void;
  /** A draft's text arrived (the answer to openDocument). */
  docLoaded?(docId: string): void;
  /** One record was folded. */
  folded?(effect: FoldEffect): void;
  /** Who is online changed (own connection excluded). */
  presence?(others: ParticipantPresence[]): void;
  /** Local edits of docId were refused and rolled back with `undo`. */
  docReset?(docId: string, undo: TextOp): void;
  /** Something to tell the person (a translated sentence per code). */
  problem?(code: ErrorCode): void;
  /**
   * A request sent with request() was refused: the code, and the server's
   * message (which names the problem, e.g. the first invalid poll setting).
   */
  refused?(requestId: number, code: ErrorCode, message: string): void;
  /** A request sent with request() is durable (its record's seq). */
  acked?(requestId: number, seq: number): void;
  /** Own edits of docId were acknowledged: its version moved. */
  docAcked?(docId: string): void;
  /**
   * The state was thrown away and taken again from the server (see
   * "Starting over"). `lost`: drafts whose unsent edits could not be kept.
   */
  startedOver?(lost: string[]): void;
  /** Unsent edits of docId were placed on a new text of it: redraw the draft. */
  docRebased?(docId: string): void;
  /** The chair's roster balance arrived (state.assessment.rosterBalance). */
  rosterBalance?(): void;
  /**
   * A registration succeeded: `token` is this participant's own link's,
   * which the session uses from now on and the page keeps instead of the
   * registration link's.
   */
  registered?(token: string): void;
}

/** Who is registering through a registration link (Hello.registration). */
export interface RegistrationDetails {
  readonly displayName: string;
  readonly stakeholderGroup: StakeholderGroup;
  readonly gender: string;
}

export interface SessionOptions {
  readonly url: string;
  readonly token: string;
  /** Whose unsent work this is: "<consultation>/<participant>". */
  readonly owner: string;
  readonly store: OfflineStore;
  readonly socketFactory: SocketFactory;
  readonly clientVersion?: string;
  readonly backoff?: BackoffOptions;
  readonly random?: () => number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  /** false when the browser knows it is offline (navigator.onLine). */
  readonly isOnline?: () => boolean;
  /** Delay before resending a submit the server asked to retry, ms. */
  readonly retryDelayMs?: number;
  /** Where the folded state is kept between visits (none: every visit joins afresh). */
  readonly stateStore?: StateStore;
  /** How often the kept state is written while live, ms (default 2000). */
  readonly stateSaveDelayMs?: number;
  /** Records kept before the list is dropped (default STATE_LIST_MAX_RECORDS). */
  readonly stateMaxRecords?: number;
  readonly now?: () => number;
  /** With a registration link's token: who registers (sent in Hello until Welcome gives a token of their own). */
  readonly registration?: RegistrationDetails;
}

/** Records kept in the StateStore before it is dropped for a fresh JoinState next visit. */
export const STATE_LIST_MAX_RECORDS = 100_000;

type Phase = "closed" | "hello" | "catchup" | "live";

/** The answer to a history request (issue 6): the server message's kind. */
export type HistoryAnswer = Extract<ServerMessage["kind"], { case: "documentAt" | "documentDiff" | "documentBlame" }>;

/** A history request the server refused, or that no connection carried. */
export class HistoryRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly serverMessage: string,
  ) {
    super(serverMessage || `error ${code}`);
  }
}

/** The server refused to give a draft's text (openDocument), or the session stopped. */
export class OpenDocumentRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly serverMessage: string,
  ) {
    super(serverMessage || `error ${code}`);
  }
}

/** Until Welcome says otherwise (kenes-server's default is 1 MiB). */
const DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

export class Session {
  readonly state: ConsultationState;
  welcome: Welcome | null = null;
  private readonly listeners = new Set<SessionListener>();
  private readonly others = new Map<string, ParticipantPresence>();
  private socket: SocketLike | null = null;
  // Bumped on every new socket, so work queued for an old one is dropped.
  private generation = 0;
  private phase: Phase = "closed";
  private attempt = 0;
  private everLive = false;
  private stopped = false;
  private stopReason: ErrorCode | undefined;
  private stopMessage = "";
  /** The token Hello carries: the link's, then a registrant's own. */
  private token: string;
  private registration: RegistrationDetails | null;
  private reconnectTimer: unknown = null;
  private nextRequestId = 1;
  /** Ids of request()s not yet answered. */
  private readonly requests = new Set<number>();
  /** Read requests with an answer of their own (askHistory, askInviteLinks) waiting for it. */
  private readonly historyWaiters = new Map<number, { resolve: (a: ServerMessage["kind"]) => void; reject: (e: HistoryRefusal) => void }>();
  /** openDocument() callers waiting for a draft's text, by doc id (kept across reconnects). */
  private readonly opening = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void }>();
  /** OpenDocument requests sent on this connection: request id -> doc id. */
  private readonly openRequests = new Map<number, string>();
  /** How this connection subscribed (for tests and measurement). */
  subscribedFrom: SubscribeFrom | undefined = undefined;
  /** Bytes of every frame received since the session was made (measurement). */
  bytesReceived = 0;
  /** bytesReceived when the first catch-up completed: what the whole state cost. */
  bytesToFirstCatchUp = 0;
  /** Starting over: the next subscription asks for the state and drops everything folded. */
  private startingOver = false;
  /** How often this page started over; spaces out a loop of them (a record this page cannot fold). */
  private startOvers = 0;
  /** Unsent work waiting for its draft's text after a start over, by doc id. */
  private readonly toPlace = new Map<string, DocSnapshot>();
  /** The state came from the StateStore (replayed on open), at this seq; 0 if not. */
  restoredSeq = 0;
  private lastSynced = 0;
  /** Frames folded since the last write to the StateStore, and whether the list starts again with them. */
  private stateFrames: Uint8Array[] = [];
  private stateReset = false;
  private stateRecords = 0;
  /** The list outgrew STATE_LIST_MAX_RECORDS: nothing more is kept this visit. */
  private stateOff = false;
  private stateTimer: unknown = null;
  private lastWelcome: Uint8Array | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly dirtyDocs = new Set<string>();
  private clientDirty = false;
  private myPresence: { docId: string; selections: Range[]; typing: boolean } | null = null;
  private profileToSend: { displayName: string; group: StakeholderGroup; gender: string } | null = null;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  private constructor(
    private readonly opts: SessionOptions,
    private readonly client: ClientIdentity,
  ) {
    this.state = new ConsultationState(client.clientId);
    this.token = opts.token;
    this.registration = opts.registration ?? null;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /**
   * Claims this tab's client identity and reads back its unsent work; the
   * work is placed as the catch-up reaches the version it was made on.
   */
  static async open(opts: SessionOptions): Promise<Session> {
    const client = await opts.store.claimClient(opts.owner);
    let s = new Session(opts, client);
    if (opts.stateStore) {
      try {
        const kept = await opts.stateStore.load(client.clientId);
        if (kept.frames.length) {
          s.replay(kept.frames);
          s.restoredSeq = s.state.lastSeq;
          s.lastSynced = kept.savedAtUnixMs;
          s.stateRecords = kept.frames.length;
        }
      } catch (e) {
        // A list this build cannot replay is only a lost cache.
        console.warn("kenes: the kept state could not be replayed; joining afresh", e);
        s = new Session(opts, client);
        await opts.stateStore.clear(client.clientId).catch(() => undefined);
      }
    }
    let saved: Awaited<ReturnType<OfflineStore["loadDocs"]>> = [];
    try {
      saved = await opts.store.loadDocs(client.clientId);
    } catch (e) {
      console.warn("kenes: could not read unsent edits", e);
    }
    for (const snap of saved) {
      const d = s.state.doc(snap.docId);
      // A kept state may hold a draft without its text: the work waits for it.
      if (!d.loaded) s.toPlace.set(snap.docId, snap);
      else d.restore(snap);
    }
    for (const docId of s.toPlace.keys()) s.openDocument(docId).catch(() => undefined);
    return s;
  }

  /** Folds kept frames (see "Return visits"); throws if one cannot be. */
  private replay(frames: Uint8Array[]): void {
    for (const bytes of frames) {
      const k = fromBinary(ServerMessageSchema, bytes).kind;
      switch (k.case) {
        case "welcome":
          this.welcome = k.value;
          this.state.myId = k.value.participantId;
          this.lastWelcome = bytes;
          break;
        case "joinState":
          this.state.loadJoinState(k.value);
          break;
        case "catchUp":
        case "broadcast":
          for (const r of k.value.records) this.state.fold(r);
          break;
        case "documentText":
          this.state.loadDocument(k.value);
          break;
        case "pollUpdate":
          this.state.assessment.applyPollUpdate(k.value);
          break;
        default:
          break;
      }
    }
    this.state.pendingEffects.length = 0;
  }

  /** Keeps a frame that changed the state (see "Return visits"); `reset` starts the list again with it. */
  private keep(bytes: Uint8Array, records: number, reset = false): void {
    const store = this.opts.stateStore;
    if (!store) return;
    if (reset) {
      this.stateOff = false;
      this.stateReset = true;
      this.stateFrames = this.lastWelcome ? [this.lastWelcome] : [];
      this.stateRecords = 0;
    }
    if (this.stateOff) return;
    // Frames without records count too: every visit is sent the polls'
    // results again, and the list must not grow without end on reloads.
    this.stateRecords += Math.max(1, records);
    if (this.stateRecords > (this.opts.stateMaxRecords ?? STATE_LIST_MAX_RECORDS)) {
      // Longer than a fresh state: the next visit joins by state instead.
      this.stateOff = true;
      this.stateFrames = [];
      this.enqueue(() => store.clear(this.client.clientId).catch((e) => console.warn("kenes: could not drop the kept state", e)));
      return;
    }
    this.stateFrames.push(bytes.slice());
    if (this.stateTimer === null) {
      this.stateTimer = this.setTimer(() => {
        this.stateTimer = null;
        this.enqueue(() => this.saveState());
      }, this.opts.stateSaveDelayMs ?? 2000);
    }
  }

  /** Writes the frames kept since the last write. */
  private async saveState(): Promise<void> {
    const store = this.opts.stateStore;
    if (!store || (!this.stateFrames.length && !this.stateReset)) return;
    const frames = this.stateFrames;
    const reset = this.stateReset;
    this.stateFrames = [];
    this.stateReset = false;
    const now = (this.opts.now ?? Date.now)();
    try {
      if (reset) await store.reset(this.client.clientId, frames, now);
      else await store.append(this.client.clientId, frames, now);
    } catch (e) {
      // Without it the next visit joins afresh; nothing else is lost.
      console.warn("kenes: could not keep the state", e);
    }
  }

  /** Writes what is kept now (tests; and before the page goes away). */
  flushState(): Promise<void> {
    if (this.stateTimer !== null) this.clearTimer(this.stateTimer);
    this.stateTimer = null;
    this.enqueue(() => this.saveState());
    return this.chain;
  }

  get clientId(): string {
    return this.client.clientId;
  }

  subscribe(l: SessionListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  start(): void {
    if (this.socket || this.stopped) return;
    this.connect();
  }

  /** Closes for good (leaving the page, or a fatal error). */
  stop(reason?: ErrorCode): void {
    this.stopped = true;
    this.stopReason = reason;
    const waiting = [...this.opening.values()];
    this.opening.clear();
    for (const w of waiting) w.reject(new OpenDocumentRefusal(reason ?? ErrorCode.NOT_SUBSCRIBED, "the session stopped"));
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    const s = this.socket;
    this.detach();
    s?.close(1000, "bye");
    this.emitStatus();
  }

  /** The browser went offline or online again (window events). */
  networkChanged(online: boolean): void {
    if (this.stopped) return;
    if (!online) {
      // Nothing can be sent; show "offline" now rather than at the next timeout.
      const s = this.socket;
      if (s) {
        this.detach();
        s.close(4000, "offline");
        this.scheduleReconnect();
      }
      this.emitStatus();
      return;
    }
    if (!this.socket) {
      if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
      this.reconnectTimer = null;
      this.attempt = 0;
      this.connect();
    }
  }

  status(): SessionStatus {
    let unsent = 0;
    for (const d of this.state.allDocs()) unsent += d.unsentEdits;
    let state: ConnectionState;
    if (this.stopped) state = "stopped";
    else if (this.phase === "live") state = "online";
    else if (this.opts.isOnline && !this.opts.isOnline()) state = "offline";
    else if (!this.everLive) state = "connecting";
    else state = "reconnecting";
    return {
      state,
      unsentEdits: unsent,
      caughtUp: this.everLive,
      stopReason: this.stopReason,
      stopMessage: this.stopMessage,
      lastSyncedUnixMs: this.lastSynced,
    };
  }

  /** Everyone online except this connection. */
  presence(): ParticipantPresence[] {
    return [...this.others.values()];
  }

  /**
   * A local edit (code points) made on the document as currently shown.
   * Throws OpDoesNotFitError if it does not fit (a bug in the caller).
   */
  edit(docId: string, op: TextOp): void {
    this.state.doc(docId).applyLocal(op);
    this.markDirty(docId);
    this.flushDoc(docId);
    this.emitStatus();
  }

  /** Where my cursor is; sent now and again after every reconnect. */
  setPresence(docId: string, selections: Range[], typing: boolean): void {
    this.myPresence = { docId, selections, typing };
    if (this.phase === "live") this.sendPresence();
  }

  /** Describe myself; logged as ProfileUpdated. Sent once the session is live. */
  updateProfile(displayName: string, group: StakeholderGroup, gender: string): void {
    this.profileToSend = { displayName, group, gender };
    if (this.phase === "live") this.sendProfile();
  }

  /** Resolves when every queued store write and submit has been handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  /**
   * Sends an issue-7 request (status, poll, meeting, ...) if live; returns its
   * request id, or 0 when not connected (nothing is queued: these are
   * decisions made on what the person sees now, not edits to replay later).
   */
  request(kind: MessageInitShape<typeof ClientMessageSchema>["kind"]): number {
    if (this.phase !== "live") return 0;
    const id = this.nextRequestId;
    if (!this.send(kind)) return 0;
    this.requests.add(id);
    return id;
  }

  /**
   * Asks for a document's history (GetDocumentAt / Diff / Blame). Unlike
   * request() the answer is data, not a record: it resolves with it, or
   * rejects with a HistoryRefusal (also when not live or the connection
   * drops before the answer: read-only questions are simply asked again).
   */
  askHistory(
    kind: Extract<MessageInitShape<typeof ClientMessageSchema>["kind"], { case: "getDocumentAt" | "getDocumentDiff" | "getDocumentBlame" }>,
  ): Promise<HistoryAnswer> {
    const id = this.nextRequestId;
    if (this.phase !== "live" || !this.send(kind)) {
      return Promise.reject(new HistoryRefusal(ErrorCode.NOT_SUBSCRIBED, "not connected"));
    }
    return new Promise((resolve, reject) => this.historyWaiters.set(id, { resolve: (a) => resolve(a as HistoryAnswer), reject }));
  }

  /**
   * The chair's invite links (GetInviteLinks), signed by the server; rejects
   * with a HistoryRefusal (its code and the server's reason) when refused or
   * when no connection carried it.
   */
  askInviteLinks(value: MessageInitShape<typeof GetInviteLinksSchema>): Promise<InviteLinks> {
    return this.askLinks({ case: "getInviteLinks", value });
  }

  /** The server mails a participant their link (EmailInviteLink); resolves once the mail server took it. */
  emailInviteLink(participantId: string, email: string): Promise<InviteLinks> {
    return this.askLinks({ case: "emailInviteLink", value: { participantId, email } });
  }

  private askLinks(kind: Extract<MessageInitShape<typeof ClientMessageSchema>["kind"], { case: "getInviteLinks" | "emailInviteLink" }>): Promise<InviteLinks> {
    const id = this.nextRequestId;
    if (this.phase !== "live" || !this.send(kind)) {
      return Promise.reject(new HistoryRefusal(ErrorCode.NOT_SUBSCRIBED, "not connected"));
    }
    return new Promise((resolve, reject) =>
      this.historyWaiters.set(id, { resolve: (a) => resolve(a.case === "inviteLinks" ? a.value : create(InviteLinksSchema, {})), reject }),
    );
  }

  /**
   * Makes sure a draft's text is here: resolves once it is (at once if it
   * is), asking the server for it (OpenDocument) when the page joined by
   * state. Asked again after a reconnect until it arrives; rejects with an
   * OpenDocumentRefusal if the server refuses (a malformed doc id).
   */
  openDocument(docId: string): Promise<void> {
    // Before the first catch-up the state may yet be replaced by a JoinState.
    if (this.everLive && this.state.doc(docId).loaded) return Promise.resolve();
    const waiting = this.opening.get(docId);
    if (waiting) return waiting.promise;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.opening.set(docId, { promise, resolve, reject });
    if (this.stopped) {
      this.opening.delete(docId);
      reject(new OpenDocumentRefusal(this.stopReason ?? ErrorCode.NOT_SUBSCRIBED, "the session stopped"));
    } else if (this.phase === "live") {
      this.askDocument(docId);
    }
    return promise;
  }

  // ------------------------------------------------------------ connection

  private connect(): void {
    this.reconnectTimer = null;
    const gen = ++this.generation;
    let socket: SocketLike;
    try {
      socket = this.opts.socketFactory(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      if (gen !== this.generation) return;
      this.phase = "hello";
      this.send({
        case: "hello",
        value: {
          token: this.token,
          clientId: this.client.clientId,
          clientVersion: this.opts.clientVersion ?? "kenes-web",
          registration: this.registration ?? undefined,
        },
      });
    };
    socket.onmessage = (ev) => {
      if (gen !== this.generation) return;
      this.receive(ev.data);
    };
    socket.onclose = () => {
      if (gen !== this.generation) return;
      this.lost();
    };
    socket.onerror = () => {
      // A close event follows; it decides what happens.
    };
    this.emitStatus();
  }

  private detach(): void {
    const s = this.socket;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
    }
    this.socket = null;
    this.requests.clear();
    // Their answers will not come on another connection: asked again once live.
    this.openRequests.clear();
    const waiting = [...this.historyWaiters.values()];
    this.historyWaiters.clear();
    for (const w of waiting) w.reject(new HistoryRefusal(ErrorCode.NOT_SUBSCRIBED, "the connection was lost"));
    this.generation++;
    this.phase = "closed";
    if (this.others.size) {
      this.others.clear();
      this.emit((l) => l.presence?.([]));
    }
  }

  private lost(): void {
    this.detach();
    if (this.stopped) return;
    this.scheduleReconnect();
    this.emitStatus();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== null) return;
    const delay = backoffDelay(this.attempt++, this.opts.random ?? Math.random, this.opts.backoff ?? DEFAULT_BACKOFF);
    this.reconnectTimer = this.setTimer(() => this.connect(), delay);
  }

  private send(kind: MessageInitShape<typeof ClientMessageSchema>["kind"]): boolean {
    const s = this.socket;
    if (!s || s.readyState !== SOCKET_OPEN) return false;
    const msg = create(ClientMessageSchema, { requestId: BigInt(this.nextRequestId++), kind });
    s.send(toBinary(ClientMessageSchema, msg));
    return true;
  }

  // ------------------------------------------------------------ downstream

  private receive(data: unknown): void {
    let msg: ServerMessage;
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array);
    try {
      this.bytesReceived += bytes.byteLength;
      msg = fromBinary(ServerMessageSchema, bytes);
    } catch (e) {
      console.warn("kenes: undecodable server message", e);
      return;
    }
    if (this.phase === "live") this.lastSynced = (this.opts.now ?? Date.now)();
    const k = msg.kind;
    switch (k.case) {
      case "welcome":
        this.lastWelcome = bytes.slice();
        // A page with nothing folded keeps its list from this Welcome on.
        if (this.state.lastSeq === 0 && !this.startingOver) this.keep(bytes, 0, true);
        this.welcome = k.value;
        this.state.myId = k.value.participantId;
        if (k.value.token) {
          this.token = k.value.token;
          this.registration = null;
          const token = k.value.token;
          this.emit((l) => l.registered?.(token));
        }
        this.phase = "catchup";
        this.subscribedFrom = this.subscribeFrom();
        this.send({
          case: "subscribe",
          value: {
            consultationId: k.value.consultationId,
            afterSeq: BigInt(this.startingOver ? 0 : this.state.lastSeq),
            from: this.subscribedFrom,
          },
        });
        this.emit((l) => l.welcome?.(k.value));
        break;
      case "joinState":
        if (this.startingOver) {
          this.takeStateStartingOver(k.value);
          // The kept list starts again here: what it held is of the history given up.
          this.keep(bytes, 0, true);
          break;
        }
        if (this.hasUnsentWork()) {
          // Edits typed since the Subscribe left cannot be rebased onto a
          // state without the records in between: start again from the log.
          this.resubscribe();
          break;
        }
        // A state older than what the page folded: the server's log went back
        // (a restored backup), so a draft at the same version may hold
        // another text, and no text here can be trusted.
        this.state.loadJoinState(k.value, { keepTexts: toNumber(k.value.state?.seq ?? 0n) >= this.state.lastSeq });
        this.keep(bytes, 0, true);
        this.emit((l) => l.joined?.());
        break;
      case "documentText": {
        const dt = k.value;
        this.openRequests.delete(toNumber(msg.requestId));
        if (this.state.loadDocument(dt)) {
          this.keep(bytes, 0);
          if (this.toPlace.has(dt.docId)) this.place(dt.docId);
          this.emit((l) => l.docLoaded?.(dt.docId));
        } else if (!this.state.doc(dt.docId).loaded) {
          // Not the version this stream has reached: the server promises it
          // is. Left waiting; the next connection asks again.
          console.warn(`kenes: ${dt.docId} arrived at version ${dt.version}, the stream is at ${this.state.doc(dt.docId).version}`);
          break;
        }
        const w = this.opening.get(dt.docId);
        this.opening.delete(dt.docId);
        w?.resolve();
        break;
      }
      case "catchUp":
        for (const r of k.value.records) if (!this.foldRecord(r)) return;
        if (k.value.records.length) this.keep(bytes, k.value.records.length);
        if (k.value.done) this.caughtUp();
        break;
      case "broadcast":
        for (const r of k.value.records) if (!this.foldRecord(r)) return;
        this.keep(bytes, k.value.records.length);
        break;
      case "ack": {
        const a = k.value;
        if (a.docId === "") {
          // The answer to a request(): only its seq (proto/README.md).
          const id = toNumber(msg.requestId);
          this.requests.delete(id);
          this.emit((l) => l.acked?.(id, toNumber(a.seq)));
          break;
        }
        const acked = this.state.doc(a.docId).inFlight;
        if (this.state.ackEdit(a.docId, toNumber(a.clientSeq), toNumber(a.version), toNumber(a.seq))) {
          this.keepOwnEdit(a.docId, acked!.op, a);
          this.markDirty(a.docId);
          this.flushDoc(a.docId);
          this.emitStatus();
          this.emit((l) => l.docAcked?.(a.docId));
        } else if (a.duplicate && this.state.doc(a.docId).settleDuplicate(toNumber(a.clientSeq), toNumber(a.version))) {
          // An op placed again after a start over was in the server's text already.
          this.markDirty(a.docId);
          this.flushDoc(a.docId);
          this.emitStatus();
          this.emit((l) => l.docRebased?.(a.docId));
        }
        break;
      }
      case "presence":
        this.presenceChanged(k.value.full, k.value.participants, k.value.leftConnectionIds);
        break;
      case "error":
        this.serverError(k.value, toNumber(msg.requestId));
        break;
      case "pollUpdate": {
        const change = this.state.assessment.applyPollUpdate(k.value);
        this.keep(bytes, 0);
        if (change) this.emit((l) => l.folded?.({ kind: "assessment", change }));
        break;
      }
      case "documentAt":
      case "documentDiff":
      case "documentBlame":
      case "inviteLinks": {
        const id = toNumber(msg.requestId);
        const w = this.historyWaiters.get(id);
        this.historyWaiters.delete(id);
        w?.resolve(k);
        break;
      }
      case "rosterBalance":
        this.state.assessment.rosterBalance = k.value;
        this.emit((l) => l.rosterBalance?.());
        break;
      default:
        break;
    }
  }

  /**
   * How this connection's subscription starts. Unsent edits need the records
   * since their version to be rebased: from the log, as before issue 16.
   * Otherwise a page with nothing folded asks for the state, and a page
   * coming back lets the server choose by how far behind it is.
   */
  private subscribeFrom(): SubscribeFrom {
    if (this.startingOver) return SubscribeFrom.STATE;
    if (this.hasUnsentWork()) return SubscribeFrom.LOG;
    return this.state.lastSeq === 0 ? SubscribeFrom.STATE : SubscribeFrom.EITHER;
  }

  private hasUnsentWork(): boolean {
    for (const d of this.state.allDocs()) if (d.unsentCount > 0 || d.restoring) return true;
    return false;
  }

  /** Drops this connection and connects again at once (no backoff: nothing failed). */
  private resubscribe(): void {
    const s = this.socket;
    this.detach();
    s?.close(1000, "subscribing again");
    this.connect();
  }

  private askDocument(docId: string): void {
    const id = this.nextRequestId;
    if (this.send({ case: "openDocument", value: { docId } })) this.openRequests.set(id, docId);
  }

  /** Folds one record; false if the stream cannot be folded (the session starts over). */
  private foldRecord(r: LogRecord): boolean {
    let effect: FoldEffect;
    try {
      effect = this.state.fold(r);
    } catch (e) {
      // A version gap or an op that does not fit: the page and the stream
      // disagree, and no later record can fix it.
      console.warn(`kenes: record ${r.seq} cannot be folded; starting over from the server's state`, e);
      this.startOver();
      return false;
    }
    this.afterFold(effect);
    // An accepted suggestion's edit also changed its thread.
    for (const e of this.state.pendingEffects.splice(0)) this.emit((l) => l.folded?.(e));
    return true;
  }

  /** Drops this connection and subscribes again from the state (see "Starting over"). */
  private startOver(): void {
    this.startingOver = true;
    const s = this.socket;
    this.detach();
    s?.close(1000, "starting over");
    const delay = this.startOvers++ === 0 ? 0 : backoffDelay(this.startOvers - 2, this.opts.random ?? Math.random, this.opts.backoff ?? DEFAULT_BACKOFF);
    if (this.reconnectTimer !== null) this.clearTimer(this.reconnectTimer);
    this.reconnectTimer = this.setTimer(() => this.connect(), delay);
    this.emitStatus();
  }

  /**
   * The JoinState of a start over: every draft's unsent work (with what was
   * typed since the start over) waits for its draft's text; the state then
   * replaces everything, texts included.
   */
  private takeStateStartingOver(join: Parameters<ConsultationState["loadJoinState"]>[0]): void {
    const lost: string[] = [];
    for (const d of this.state.allDocs()) {
      const snap = d.snapshot();
      if (!snap) continue;
      if (snap.baseText === undefined) lost.push(d.docId);
      else this.toPlace.set(d.docId, snap);
    }
    this.state.loadJoinState(join, { keepTexts: false });
    this.startingOver = false;
    this.emit((l) => l.joined?.());
    for (const docId of [...this.toPlace.keys()]) {
      if (this.state.doc(docId).loaded) this.place(docId);
      else this.openDocument(docId).catch((e) => console.warn(`kenes: ${docId} could not be opened to place unsent edits`, e));
    }
    for (const docId of lost) this.markDirty(docId);
    this.emit((l) => l.startedOver?.(lost));
  }

  /**
   * The author is sent an Ack, not its record: the record is made here from
   * the op acknowledged, as the server logged it, so a replay folds it too.
   */
  private keepOwnEdit(docId: string, op: TextOp, a: { clientSeq: bigint; version: bigint; seq: bigint }): void {
    if (!this.opts.stateStore) return;
    const record = {
      seq: a.seq,
      author: this.state.myId,
      clientId: this.client.clientId,
      clientSeq: a.clientSeq,
      event: { case: "textEdit" as const, value: { docId, version: a.version, op: textOpToWire(op) } },
    };
    this.keep(toBinary(ServerMessageSchema, create(ServerMessageSchema, { kind: { case: "broadcast", value: { records: [record] } } })), 1);
  }

  /** Places docId's unsent work waiting in toPlace on its text (loaded now). */
  private place(docId: string): void {
    const snap = this.toPlace.get(docId);
    this.toPlace.delete(docId);
    if (!snap) return;
    const doc = this.state.doc(docId);
    if (!doc.placeByText(snap)) this.emit((l) => l.startedOver?.([docId]));
    this.markDirty(docId);
    // A placed in-flight op goes out with its own client_seq (the server
    // may have it: a duplicate Ack then takes it back out); the catch-up's
    // resend of in-flight ops is over by the time a draft's text arrives.
    const inFlight = doc.inFlightSubmit();
    if (inFlight && this.phase === "live") {
      const gen = this.generation;
      this.enqueue(async () => {
        await this.persist();
        if (gen === this.generation && doc.inFlight?.clientSeq === inFlight.clientSeq) this.sendSubmit(inFlight);
      });
    }
    this.flushDoc(docId);
    this.emitStatus();
    this.emit((l) => l.docRebased?.(docId));
  }

  private afterFold(effect: FoldEffect): void {
    if (effect.kind === "text") {
      const doc = this.state.doc(effect.docId);
      if (effect.result.kind === "own") {
        this.markDirty(effect.docId);
        this.flushDoc(effect.docId);
      } else if (doc.unsentCount > 0 || doc.restoring) {
        // Its unsent work was transformed: store the new form.
        this.markDirty(effect.docId);
      }
    }
    this.emit((l) => l.folded?.(effect));
    if (effect.kind === "text" && effect.result.kind === "own") this.emitStatus();
  }

  private caughtUp(): void {
    if (!this.everLive) this.bytesToFirstCatchUp = this.bytesReceived;
    this.phase = "live";
    this.everLive = true;
    this.attempt = 0;
    const lost: string[] = [];
    for (const d of this.state.allDocs()) {
      const s = d.abandonRestore();
      if (!s) continue;
      // Made on a version the server's log does not reach (a restored
      // backup): placed on the text it has instead.
      if (!d.placeByText(s)) lost.push(d.docId);
      this.markDirty(d.docId);
      this.emit((l) => l.docRebased?.(d.docId));
    }
    if (lost.length) this.emit((l) => l.startedOver?.(lost));
    // Resend what was in flight when the connection was lost, lowest
    // client_seq first, then send what was edited meanwhile.
    const gen = this.generation;
    const inFlight: Submit[] = [];
    for (const d of this.state.allDocs()) {
      const s = d.inFlightSubmit();
      if (s) inFlight.push(s);
    }
    inFlight.sort((a, b) => a.clientSeq - b.clientSeq);
    this.enqueue(async () => {
      await this.persist();
      if (gen !== this.generation) return;
      for (const s of inFlight) this.sendSubmit(s);
    });
    for (const d of this.state.allDocs()) this.flushDoc(d.docId);
    // Drafts asked for before or while the connection was down.
    const asked = new Set(this.openRequests.values());
    for (const [docId, w] of [...this.opening]) {
      if (this.state.doc(docId).loaded) {
        this.opening.delete(docId);
        w.resolve();
      } else if (!asked.has(docId)) {
        this.askDocument(docId);
      }
    }
    if (this.profileToSend) this.sendProfile();
    if (this.myPresence) this.sendPresence();
    this.emitStatus();
    this.emit((l) => l.caughtUp?.());
  }

  private presenceChanged(full: boolean, entries: ParticipantPresence[], left: string[]): void {
    if (full) this.others.clear();
    for (const id of left) this.others.delete(id);
    const mine = this.welcome?.connectionId;
    for (const p of entries) {
      if (mine && p.connectionId === mine) continue;
      this.others.set(p.connectionId || p.participantId, p);
    }
    const list = this.presence();
    this.emit((l) => l.presence?.(list));
  }

  private serverError(err: WireError, envelopeRequestId: number): void {
    const docId = err.docId;
    const clientSeq = toNumber(err.clientSeq);
    const aboutSubmit = docId !== "" && clientSeq > 0;
    const action = errorAction(err.code, err.fatal, aboutSubmit);
    const requestId = toNumber(err.requestId) || envelopeRequestId;
    if (err.code === ErrorCode.AHEAD_OF_LOG) {
      this.startOver();
      return;
    }
    if (err.fatal && this.registration && this.phase === "hello") {
      // A registration refused (a name taken, the link full or closed):
      // trying again would be refused again; the person decides.
      this.stopMessage = err.message;
      this.stop(err.code);
      return;
    }
    const historyWaiter = this.historyWaiters.get(requestId);
    if (!err.fatal && historyWaiter) {
      this.historyWaiters.delete(requestId);
      historyWaiter.reject(new HistoryRefusal(err.code, err.message));
      return;
    }
    const opening = this.openRequests.get(requestId);
    if (!err.fatal && opening !== undefined) {
      this.openRequests.delete(requestId);
      // Not live on the server's side yet: asked again after the next catch-up.
      if (err.code === ErrorCode.NOT_SUBSCRIBED) return;
      const w = this.opening.get(opening);
      this.opening.delete(opening);
      w?.reject(new OpenDocumentRefusal(err.code, err.message));
      return;
    }
    if (!err.fatal && this.requests.delete(requestId)) {
      // An answer to a request(): its view says what went wrong, in place.
      this.emit((l) => l.refused?.(requestId, err.code, err.message));
      return;
    }
    switch (action) {
      case "stop":
        this.stopMessage = err.message;
        this.emit((l) => l.problem?.(err.code));
        this.stop(err.code);
        return;
      case "refuse":
        if (this.state.doc(docId).inFlight?.clientSeq === clientSeq) this.refuseLocally(docId, clientSeq, err.code);
        else this.emit((l) => l.problem?.(err.code));
        break;
      case "retry":
        this.retrySubmit(docId, clientSeq, err.code);
        break;
      case "report":
        this.emit((l) => l.problem?.(err.code));
        break;
      case "reconnect":
        // The server closes after a fatal error; the close reconnects.
        break;
    }
    if (err.fatal && this.socket && !this.stopped) {
      const s = this.socket;
      this.lost();
      s.close(1000, "fatal error");
    }
  }

  private retrySubmit(docId: string, clientSeq: number, code: ErrorCode): void {
    const doc = this.state.doc(docId);
    if (doc.inFlight?.clientSeq !== clientSeq) return;
    if (code === ErrorCode.BAD_CLIENT_SEQ) {
      // Never sequenced under that number: give it a fresh one.
      doc.renumber(clientSeq, this.client.nextClientSeq++);
      this.clientDirty = true;
      this.markDirty(docId);
    }
    const gen = this.generation;
    this.setTimer(() => {
      if (gen !== this.generation || this.phase !== "live") return; // the resume resends it
      const s = doc.inFlightSubmit();
      if (!s) return;
      this.enqueue(async () => {
        await this.persist();
        if (gen === this.generation) this.sendSubmit(s);
      });
    }, this.opts.retryDelayMs ?? 1000);
  }

  // ------------------------------------------------------------ upstream

  /** Moves the doc's pending edits in flight and sends them, if it may. */
  private flushDoc(docId: string): void {
    if (this.phase !== "live") return;
    const doc = this.state.doc(docId);
    const submit = doc.take(() => this.client.nextClientSeq++);
    if (!submit) return;
    this.clientDirty = true;
    this.markDirty(docId);
    const gen = this.generation;
    this.enqueue(async () => {
      // The client_seq is on disk before the submit that uses it leaves.
      await this.persist();
      if (gen === this.generation && doc.inFlight?.clientSeq === submit.clientSeq) this.sendSubmit(submit);
    });
  }

  private sendSubmit(s: Submit): void {
    const kind = {
      case: "submitOp" as const,
      value: {
        docId: s.docId,
        baseVersion: BigInt(s.baseVersion),
        clientId: this.client.clientId,
        clientSeq: BigInt(s.clientSeq),
        op: textOpToWire(s.op),
      },
    };
    // The server closes the connection on a frame over its limit, and a
    // resend after the reconnect would meet the same fate forever: refuse
    // such an edit here, as the server would.
    const limit = Number(this.welcome?.maxMessageBytes ?? 0n) || DEFAULT_MAX_MESSAGE_BYTES;
    const size = toBinary(ClientMessageSchema, create(ClientMessageSchema, { requestId: 0n, kind })).length + 16;
    if (size > limit) {
      this.refuseLocally(s.docId, s.clientSeq, ErrorCode.MESSAGE_TOO_LARGE);
      return;
    }
    this.send(kind);
  }

  private refuseLocally(docId: string, clientSeq: number, code: ErrorCode): void {
    const undo = this.state.doc(docId).reject(clientSeq);
    if (!undo) return;
    this.markDirty(docId);
    this.emit((l) => l.docReset?.(docId, undo));
    this.emit((l) => l.problem?.(code));
    this.emitStatus();
  }

  private sendPresence(): void {
    const p = this.myPresence;
    if (!p) return;
    this.send({
      case: "presence",
      value: { docId: p.docId, selections: p.selections.map(rangeToWire), typing: p.typing },
    });
  }

  private sendProfile(): void {
    const p = this.profileToSend;
    if (!p) return;
    if (this.send({ case: "updateProfile", value: { displayName: p.displayName, stakeholderGroup: p.group, gender: p.gender } })) {
      this.profileToSend = null;
    }
  }

  // ------------------------------------------------------------ storage

  private markDirty(docId: string): void {
    const first = this.dirtyDocs.size === 0;
    this.dirtyDocs.add(docId);
    if (first) this.enqueue(() => this.persist());
  }

  /** Writes the client identity and every dirty document's unsent work. */
  private async persist(): Promise<void> {
    const store = this.opts.store;
    // The kept state first: stored unsent work is never older than it.
    await this.saveState();
    try {
      if (this.clientDirty) {
        this.clientDirty = false;
        await store.saveClient({ ...this.client });
      }
      const docs = [...this.dirtyDocs];
      this.dirtyDocs.clear();
      for (const id of docs) {
        // Work waiting to be placed after a start over stays stored as it was.
        const snap = this.toPlace.get(id) ?? this.state.doc(id).snapshot();
        if (snap) await store.saveDoc(this.client.clientId, snap);
        else await store.deleteDoc(this.client.clientId, id);
      }
    } catch (e) {
      // Without storage the session still works; edits just do not survive a
      // reload. Say so in the console for whoever debugs it.
      console.warn("kenes: could not store unsent edits", e);
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((e) => console.warn("kenes: session job failed", e));
  }

  private emit(f: (l: SessionListener) => void): void {
    for (const l of [...this.listeners]) {
      try {
        f(l);
      } catch (e) {
        console.error("kenes: listener failed", e);
      }
    }
  }

  private emitStatus(): void {
    const s = this.status();
    this.emit((l) => l.status?.(s));
  }
}
