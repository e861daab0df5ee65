// Threads, comments, suggestions, unread markers and visits (issue 6) as a
// fold of the log, beside the assessment fold. ConsultationState.fold hands
// every record here; a TextEdit is shown to textEdit() BEFORE the document
// applies it, so each anchor moves through every edit of its document in log
// order exactly as the server moves it (core/anchored-range.ts is the port of
// the engine's AnchoredRange) and a detaching edit can still read the text it
// removes.
//
// Anchors live in the coordinates of the server's text (the confirmed text
// at the document's version). What the editor shows also has this client's
// unacknowledged edits; localRange() maps an anchor through them for display.
//
// A client that joined by state (issue 16) starts from load(): threads as the
// server folded them, anchors from its AnchorSnapshots, and per document the
// edit runs instead of the edits. The anchors of a document whose text is not
// loaded stand still (there is no text to detach them with) until
// loadAnchors() puts the server's, which come with the text.

import { type TextOp, AnchoredRange, codePointLength, isInsert, isRetain, transformAnchor } from "../core";
import { Reaction } from "../gen/kenes/v1/discussion_pb";
import type { LogRecord } from "../gen/kenes/v1/log_pb";
import type { AnchorSnapshot, EditRun } from "../gen/kenes/v1/snapshot_pb";
import type { ClientOwnState, ClientState } from "../gen/kenes/v1/state_pb";
import { toNumber } from "./wire-convert";

export { Reaction };

export interface CommentState {
  readonly id: string;
  readonly threadId: string;
  readonly author: string;
  readonly seq: number;
  readonly timeMs: number;
  body: string;
  mentions: string[];
  /** How many times the author edited it (earlier bodies stay in the log). */
  edits: number;
  deleted: boolean;
  /** The chair's reason, when hidden. */
  hiddenReason: string | null;
  /** Participants whose +1 is on. */
  readonly plusOnes: Set<string>;
}

export type SuggestionStatus = "open" | "accepted" | "rejected";

export interface SuggestionState {
  /** The proposed replacement (may be empty: a suggested deletion). */
  readonly text: string;
  status: SuggestionStatus;
  /** Who accepted or rejected it, the record's seq, and a rejection's reason. */
  decidedBy: string;
  decidedSeq: number;
  reason: string;
}

export interface ThreadState {
  readonly id: string;
  /** The indicator it counts under ("" for a recommendation draft's thread). */
  readonly indicatorId: string;
  /** The document its range is in; "" for a thread on the indicator as a whole. */
  readonly docId: string;
  readonly author: string;
  readonly createdSeq: number;
  /** The range's text when it was created or last re-attached (server-stamped). */
  quote: string;
  /** Null for a thread on the indicator as a whole. Replaced when a draft's text is loaded. */
  anchor: AnchoredRange | null;
  readonly comments: CommentState[];
  resolved: boolean;
  readonly suggestion: SuggestionState | null;
  /** The seq of the latest record about this thread. */
  lastSeq: number;
}

export type DiscussionEffect =
  | { readonly kind: "thread"; readonly threadId: string }
  | { readonly kind: "read" }
  | { readonly kind: "visit" }
  | { readonly kind: "observers" };

/** What changed on one indicator (or recommendation draft) since a seq. */
export interface ChangesSince {
  /** The indicator id, or the document id of a draft that is no indicator's. */
  readonly key: string;
  edits: number;
  readonly editors: Set<string>;
  newThreads: number;
  replies: number;
}

const INDICATOR_PREFIX = "indicator/";

/** The key threads and changes are grouped under: indicator id, or doc id. */
export function discussionKey(indicatorId: string, docId: string): string {
  if (indicatorId) return indicatorId;
  if (docId.startsWith(INDICATOR_PREFIX)) return docId.slice(INDICATOR_PREFIX.length);
  return docId;
}

/**
 * Who edited a document, for "what changed": the server's edit runs up to the
 * state a client joined with, then one entry per edit folded after it.
 */
interface DocEdits {
  readonly runs: { readonly author: string; readonly lastSeq: number; readonly edits: number }[];
  readonly seqs: number[];
  readonly authors: string[];
}

/** An AnchorSnapshot (JoinState, DocumentText) as an anchor. */
function restoredAnchor(a: AnchorSnapshot): AnchoredRange {
  return AnchoredRange.restore(
    toNumber(a.from),
    toNumber(a.to),
    a.changed,
    a.detached ? { text: a.quoteText, before: a.quoteBefore, after: a.quoteAfter } : null,
  );
}

/** The first index in sorted `a` whose value is > x. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class DiscussionState {
  readonly threads = new Map<string, ThreadState>();
  /** Threads with a range, per document, in creation order. */
  private readonly byDoc = new Map<string, ThreadState[]>();
  private readonly comments = new Map<string, CommentState>();
  observerCommenting = false;
  /** This participant's read marker per thread (ThreadsRead, own records only). */
  readonly readUpTo = new Map<string, number>();
  /** seen_seq of this participant's visits, in log order (Visited, own records). */
  readonly visits: number[] = [];
  /** Per document: who edited it when, for "what changed". */
  private readonly edits = new Map<string, DocEdits>();

  /**
   * The baseline of "what changed since your last visit" for this page load:
   * the seen_seq of the previous visit, null on a first visit, undefined until
   * the first catch-up is done (set by the app before it records this visit).
   */
  previousVisit: number | null | undefined = undefined;

  constructor(private readonly myId: () => string) {}

  threadsOfDoc(docId: string): readonly ThreadState[] {
    return this.byDoc.get(docId) ?? [];
  }

  /** Threads counted under an indicator (or a recommendation draft's doc id). */
  threadsOf(key: string): ThreadState[] {
    return [...this.threads.values()].filter((t) => discussionKey(t.indicatorId, t.docId) === key);
  }

  comment(id: string): CommentState | undefined {
    return this.comments.get(id);
  }

  /**
   * A TextEdit of `docId` at seq, about to be applied to the server's text
   * of `beforeLength` code points (`before()` gives it, read only if an
   * anchor detaches). Moves every anchor of the document — unless its text
   * is not loaded (`textLoaded` false): those anchors are replaced when it
   * is — and an accepted suggestion's edit also settles that suggestion.
   */
  textEdit(
    docId: string,
    op: TextOp,
    beforeLength: number,
    before: () => string,
    seq: number,
    author: string,
    acceptsThread: string,
    textLoaded = true,
  ): DiscussionEffect | null {
    const e = this.docEdits(docId);
    e.seqs.push(seq);
    e.authors.push(author);
    let text: string | null = null;
    const once = () => (text ??= before());
    for (const t of textLoaded ? (this.byDoc.get(docId) ?? []) : []) {
      try {
        t.anchor!.update(op, beforeLength, once);
      } catch (err) {
        // The log and the anchor disagree: a bug, not a state to show.
        console.error(`kenes: ${t.id}: anchor cannot follow the edit at seq ${seq}`, err);
      }
    }
    if (!acceptsThread) return null;
    const t = this.threads.get(acceptsThread);
    if (!t?.suggestion) return null;
    t.suggestion.status = "accepted";
    t.suggestion.decidedBy = author;
    t.suggestion.decidedSeq = seq;
    t.lastSeq = seq;
    // As the server does (proto/README.md, "Suggestions"): the edit replaced
    // the anchored text, which detached the anchor; it now covers the
    // replacement, which starts where the op's first retain ends. An accepted
    // deletion stays detached.
    let inserted = 0;
    let deleted = 0;
    for (const c of op) {
      if (isInsert(c)) inserted += codePointLength(c);
      else if (!isRetain(c)) deleted += c.d;
    }
    if (t.anchor && inserted > 0 && textLoaded) {
      const start = op.length && isRetain(op[0]!) ? (op[0] as number) : 0;
      try {
        t.anchor.reattach({ anchor: start, head: start + inserted }, beforeLength + inserted - deleted);
      } catch (err) {
        console.error(`kenes: ${t.id}: cannot anchor the accepted text`, err);
      }
    }
    return { kind: "thread", threadId: t.id };
  }

  /**
   * Starts from the server's state (a JoinState) instead of the records up
   * to `state.seq`: everything folded before is replaced. `previousVisit`,
   * this page load's baseline, stays.
   */
  load(state: ClientState, own: ClientOwnState): void {
    this.threads.clear();
    this.byDoc.clear();
    this.comments.clear();
    this.readUpTo.clear();
    this.visits.length = 0;
    this.edits.clear();
    this.observerCommenting = state.observersMayComment;
    // Creation order, as folding would have added them (the server lists them by id).
    const threads = [...state.threads].sort((a, b) => Number(a.createdSeq - b.createdSeq));
    for (const ct of threads) {
      const target = ct.target;
      const docId = target?.docId ?? "";
      const s = ct.suggestion;
      const t: ThreadState = {
        id: ct.threadId,
        indicatorId: target?.indicatorId ?? "",
        docId,
        author: ct.author,
        createdSeq: toNumber(ct.createdSeq),
        quote: ct.quote,
        anchor: docId && ct.anchor ? restoredAnchor(ct.anchor) : null,
        comments: [],
        resolved: ct.resolved,
        suggestion: s
          ? { text: s.text, status: s.status as SuggestionStatus, decidedBy: s.decidedBy, decidedSeq: toNumber(s.decidedSeq), reason: s.reason }
          : null,
        lastSeq: toNumber(ct.lastSeq),
      };
      this.threads.set(t.id, t);
      if (t.anchor) this.docThreads(docId).push(t);
      for (const cc of ct.comments) {
        const c: CommentState = {
          id: cc.commentId,
          threadId: t.id,
          author: cc.author,
          seq: toNumber(cc.seq),
          timeMs: toNumber(cc.timeUnixMs),
          body: cc.body,
          mentions: [...cc.mentions],
          edits: cc.edits,
          deleted: cc.deleted,
          hiddenReason: cc.hidden ? cc.hiddenReason : null,
          plusOnes: new Set(cc.plusOnes),
        };
        t.comments.push(c);
        this.comments.set(c.id, c);
      }
    }
    for (const d of state.documents) this.loadRuns(d.docId, d.runs);
    for (const r of own.reads) this.readUpTo.set(r.threadId, toNumber(r.upToSeq));
    for (const v of own.visits) this.visits.push(toNumber(v));
  }

  /**
   * A draft's text arrived (DocumentText): its threads' anchors are the
   * server's at that version (they stood still while the text was not here).
   */
  loadAnchors(docId: string, anchors: readonly AnchorSnapshot[]): void {
    for (const a of anchors) {
      const t = this.threads.get(a.threadId);
      if (!t || t.docId !== docId) continue;
      if (!t.anchor) this.docThreads(docId).push(t);
      t.anchor = restoredAnchor(a);
    }
  }

  /**
   * Folds a thread record; null for any other kind. `docLength` gives the
   * current length (code points) of a document's server text.
   */
  fold(record: LogRecord, seq: number, docLength: (docId: string) => number): DiscussionEffect | null {
    const e = record.event;
    const author = record.author;
    const time = toNumber(record.timeUnixMs);
    switch (e.case) {
      case "threadCreated": {
        const v = e.value;
        const target = v.target;
        const docId = target?.docId ?? "";
        let anchor: AnchoredRange | null = null;
        if (docId && target?.range) {
          try {
            anchor = new AnchoredRange({ anchor: toNumber(target.range.anchor), head: toNumber(target.range.head) }, docLength(docId));
          } catch (err) {
            console.error(`kenes: ${v.threadId}: range does not fit its document`, err);
          }
        }
        const t: ThreadState = {
          id: v.threadId,
          indicatorId: target?.indicatorId ?? "",
          docId,
          author,
          createdSeq: seq,
          quote: v.quote,
          anchor,
          comments: [],
          resolved: false,
          suggestion: v.suggestion ? { text: v.suggestion.text, status: "open", decidedBy: "", decidedSeq: 0, reason: "" } : null,
          lastSeq: seq,
        };
        this.threads.set(t.id, t);
        if (anchor) {
          let list = this.byDoc.get(docId);
          if (!list) this.byDoc.set(docId, (list = []));
          list.push(t);
        }
        this.addComment(t, v.firstCommentId, author, seq, time, v.body, v.mentions);
        return { kind: "thread", threadId: t.id };
      }
      case "commentAdded": {
        const t = this.threads.get(e.value.threadId);
        if (!t) return null;
        this.addComment(t, e.value.commentId, author, seq, time, e.value.body, e.value.mentions);
        t.lastSeq = seq;
        return { kind: "thread", threadId: t.id };
      }
      case "commentEdited": {
        const c = this.comments.get(e.value.commentId);
        if (!c) return null;
        c.body = e.value.body;
        c.mentions = [...e.value.mentions];
        c.edits++;
        return this.touched(c.threadId, seq);
      }
      case "commentDeleted": {
        const c = this.comments.get(e.value.commentId);
        if (!c) return null;
        c.deleted = true;
        c.body = "";
        return this.touched(c.threadId, seq);
      }
      case "commentHidden": {
        const c = this.comments.get(e.value.commentId);
        if (!c) return null;
        c.hiddenReason = e.value.reason;
        // The server leaves a hidden comment's text out from now on; drop it here too.
        c.body = "";
        c.mentions = [];
        return this.touched(c.threadId, seq);
      }
      case "threadResolved": {
        const t = this.threads.get(e.value.threadId);
        if (!t) return null;
        t.resolved = e.value.resolved;
        return this.touched(t.id, seq);
      }
      case "threadReattached": {
        const t = this.threads.get(e.value.threadId);
        if (!t?.anchor || !e.value.range) return null;
        try {
          t.anchor.reattach({ anchor: toNumber(e.value.range.anchor), head: toNumber(e.value.range.head) }, docLength(t.docId));
        } catch (err) {
          console.error(`kenes: ${t.id}: re-attached range does not fit`, err);
        }
        t.quote = e.value.quote;
        return this.touched(t.id, seq);
      }
      case "reactionSet": {
        const c = this.comments.get(e.value.commentId);
        if (!c || e.value.reaction !== Reaction.PLUS_ONE) return null;
        if (e.value.on) c.plusOnes.add(author);
        else c.plusOnes.delete(author);
        return { kind: "thread", threadId: c.threadId };
      }
      case "suggestionRejected": {
        const t = this.threads.get(e.value.threadId);
        if (!t?.suggestion) return null;
        t.suggestion.status = "rejected";
        t.suggestion.decidedBy = author;
        t.suggestion.decidedSeq = seq;
        t.suggestion.reason = e.value.reason;
        return this.touched(t.id, seq);
      }
      case "observerCommentingSet":
        this.observerCommenting = e.value.enabled;
        return { kind: "observers" };
      case "threadsRead": {
        // Private to their author; a record of someone else's is ignored.
        if (author !== this.myId()) return null;
        const upTo = toNumber(e.value.upToSeq);
        for (const id of e.value.threadIds) this.readUpTo.set(id, Math.max(this.readUpTo.get(id) ?? 0, upTo));
        return { kind: "read" };
      }
      case "visited":
        if (author !== this.myId()) return null;
        this.visits.push(toNumber(e.value.seenSeq));
        return { kind: "visit" };
      default:
        return null;
    }
  }

  /** Comments by others after my read marker (deleted or hidden ones do not count, as on the server). */
  unread(threadId: string): number {
    const t = this.threads.get(threadId);
    if (!t) return 0;
    const me = this.myId();
    const upTo = this.readUpTo.get(threadId) ?? 0;
    let n = 0;
    for (const c of t.comments) if (c.seq > upTo && c.author !== me && !c.deleted && c.hiddenReason === null) n++;
    return n;
  }

  /** Unread comments and open threads counted under an indicator (or doc id). */
  summary(key: string): { threads: number; open: number; unread: number } {
    let threads = 0;
    let open = 0;
    let unread = 0;
    for (const t of this.threads.values()) {
      if (discussionKey(t.indicatorId, t.docId) !== key) continue;
      threads++;
      if (!t.resolved) open++;
      unread += this.unread(t.id);
    }
    return { threads, open, unread };
  }

  /** The seen_seq of my latest visit in the log, if any. */
  lastVisit(): number | undefined {
    return this.visits.length ? this.visits[this.visits.length - 1] : undefined;
  }

  /**
   * What others changed after `since`, per indicator (or recommendation doc),
   * in first-changed order: edits of its draft, new threads, replies.
   */
  changesSince(since: number): ChangesSince[] {
    const me = this.myId();
    const out = new Map<string, ChangesSince>();
    const entry = (key: string) => {
      let c = out.get(key);
      if (!c) out.set(key, (c = { key, edits: 0, editors: new Set(), newThreads: 0, replies: 0 }));
      return c;
    };
    for (const [docId, e] of this.edits) {
      // A run that straddles `since` counts whole: the state has runs, not
      // the edits in them, so a visit made in the middle of someone's
      // sitting sees the whole sitting (an over-count, never a miss).
      for (const r of e.runs) {
        if (r.lastSeq <= since || r.author === me) continue;
        const c = entry(discussionKey("", docId));
        c.edits += r.edits;
        if (r.author) c.editors.add(r.author);
      }
      for (let i = upperBound(e.seqs, since); i < e.seqs.length; i++) {
        if (e.authors[i] === me) continue;
        const c = entry(discussionKey("", docId));
        c.edits++;
        if (e.authors[i]) c.editors.add(e.authors[i]!);
      }
    }
    for (const t of this.threads.values()) {
      const key = discussionKey(t.indicatorId, t.docId);
      t.comments.forEach((c, i) => {
        if (c.seq <= since || c.author === me) return;
        if (i === 0) entry(key).newThreads++;
        else entry(key).replies++;
      });
    }
    return [...out.values()];
  }

  private docEdits(docId: string): DocEdits {
    let e = this.edits.get(docId);
    if (!e) this.edits.set(docId, (e = { runs: [], seqs: [], authors: [] }));
    return e;
  }

  private loadRuns(docId: string, runs: readonly EditRun[]): void {
    const e = this.docEdits(docId);
    for (const r of runs) e.runs.push({ author: r.author, lastSeq: toNumber(r.lastSeq), edits: toNumber(r.edits) });
  }

  private docThreads(docId: string): ThreadState[] {
    let list = this.byDoc.get(docId);
    if (!list) this.byDoc.set(docId, (list = []));
    return list;
  }

  private addComment(t: ThreadState, id: string, author: string, seq: number, time: number, body: string, mentions: readonly string[]): void {
    const c: CommentState = { id, threadId: t.id, author, seq, timeMs: time, body, mentions: [...mentions], edits: 0, deleted: false, hiddenReason: null, plusOnes: new Set() };
    t.comments.push(c);
    this.comments.set(id, c);
  }

  private touched(threadId: string, seq: number): DiscussionEffect {
    const t = this.threads.get(threadId);
    if (t) t.lastSeq = seq;
    return { kind: "thread", threadId };
  }
}

/**
 * Where a server-coordinates range is in the text the person sees: mapped
 * through this client's unacknowledged edits (in flight, then pending) with
 * the anchor's stickiness. Collapsed when those edits deleted all of it.
 */
export function localRange(range: { from: number; to: number }, unacked: readonly (TextOp | null)[]): { from: number; to: number } {
  let r = { anchor: range.from, head: range.to };
  for (const op of unacked) if (op) r = transformAnchor(r, op);
  return { from: r.anchor, to: r.head };
}

/**
 * Participant ids mentioned in `body` as "@Display Name" or "@id" (longest
 * name first, so "@Ann Lee" is not taken for "@Ann"); each at most once, in
 * order of first appearance. A name must end at a non-letter.
 */
/** Case and diacritics folded away, so that "@aigerim" finds "Aigérim" and "@ДАНИЯР" finds "Данияр". */
export function foldForMatching(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
}

export interface FoundMentions {
  /** The people mentioned, in the order first mentioned. */
  ids: string[];
  /** What followed an @ and matched nobody, as typed ("@Dani" when nobody's name starts so). */
  unmatched: string[];
  /** What followed an @ and could be several people (their names follow, for the person to pick). */
  ambiguous: { typed: string; names: string[] }[];
}

/**
 * The mentions in a comment, as a person types them: "@" then someone's whole
 * display name or id (the longest that fits, ending at a word end), or else the
 * beginning of a word of exactly one person's name ("@Daniyar" for "Daniyar
 * (researcher)"). Case and diacritics do not matter. An "@" inside a word (an
 * e-mail address) is not a mention.
 */
export function findMentions(
  body: string,
  people: Iterable<{ id: string; displayName: string; revoked?: boolean }>,
): FoundMentions {
  const names: { id: string; name: string }[] = [];
  const words: { id: string; display: string; words: string[] }[] = [];
  for (const p of people) {
    if (p.revoked) continue;
    if (p.displayName) names.push({ id: p.id, name: foldForMatching(p.displayName) });
    names.push({ id: p.id, name: foldForMatching(p.id) });
    const ws = foldForMatching(p.displayName || p.id).split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length > 0);
    words.push({ id: p.id, display: p.displayName || p.id, words: [...ws, foldForMatching(p.id)] });
  }
  names.sort((a, b) => b.name.length - a.name.length);
  const wordChar = /[\p{L}\p{N}_]/u;
  const out: FoundMentions = { ids: [], unmatched: [], ambiguous: [] };
  const add = (id: string) => {
    if (!out.ids.includes(id)) out.ids.push(id);
  };
  for (let i = body.indexOf("@"); i >= 0; i = body.indexOf("@", i + 1)) {
    const before = i > 0 ? body.slice(0, i).match(/.$/u)?.[0] : undefined;
    if (before !== undefined && wordChar.test(before)) continue;
    // Folding may change lengths (é is two code units decomposed): fold
    // what follows this @ on its own, and compare from its start.
    const rest = foldForMatching(body.slice(i + 1));
    const whole = names.find((n) => {
      if (!rest.startsWith(n.name)) return false;
      const next = rest.slice(n.name.length).match(/^./u)?.[0];
      return next === undefined || !wordChar.test(next);
    });
    if (whole) {
      add(whole.id);
      continue;
    }
    const typedRaw = body.slice(i + 1).match(/^[\p{L}\p{M}\p{N}_]+/u)?.[0] ?? "";
    const typed = foldForMatching(typedRaw);
    if (!typed) continue;
    const who = words.filter((p) => p.words.some((w) => w.startsWith(typed)));
    const [only] = who;
    if (who.length === 1 && only) add(only.id);
    else if (who.length === 0) out.unmatched.push("@" + typedRaw);
    else out.ambiguous.push({ typed: "@" + typedRaw, names: who.map((p) => p.display) });
  }
  return out;
}

export function parseMentions(body: string, people: Iterable<{ id: string; displayName: string; revoked?: boolean }>): string[] {
  return findMentions(body, people).ids;
}

// Who may do what (consultation/permissions.h decides; these only shape the UI).
// Role numbers as in protocol.proto: 1 chair, 2 researcher, 3 member, 4 observer.
export function mayComment(role: number, observerCommenting: boolean): boolean {
  return role === 1 || role === 2 || role === 3 || (role === 4 && observerCommenting);
}
export function mayDecideSuggestions(role: number): boolean {
  return role === 1 || role === 2;
}
export function mayResolve(role: number, me: string, t: ThreadState): boolean {
  return role === 1 || role === 2 || t.author === me;
}
export function mayHide(role: number): boolean {
  return role === 1;
}
