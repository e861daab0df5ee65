// The client side of one document: three fields, as in @codemirror/collab.
//
//   version    the server version this client has seen (records folded)
//   inFlight   the one op sent and not yet seen sequenced, with its client_seq
//   pending    later local edits, composed into one op, not yet sent
//
// `text` is the server's text at `version` with inFlight and then pending
// applied: what the person sees. `confirmedText` is the server's text at
// `version`; it is kept so that a refused op can be rolled back.
//
// A sequenced record either is this client's in-flight op (recognised by
// (client_id, client_seq), which is how an op acknowledged just before a
// disconnect is recognised during catch-up) or is someone else's: then the
// in-flight and pending ops are transformed past it (they were made without
// it, and the server sequences them after it with side Right) and the record
// is transformed past them with side Left before it is applied to `text`.
//
// When the log will never reach the version unsent work was made on (the
// server's data folder was restored from an older backup, or the client
// starts over from a state after a gap), the work is placed by text instead
// (placeByText): its snapshot keeps the server's text it was made on, and the
// difference between that text and the server's text now is one more
// "remote" op to transform the work past, a three-way merge. An in-flight op
// so placed keeps its client_seq, so a server that had sequenced it already
// answers with a duplicate Ack; the op is then taken back out
// (settleDuplicate), since the server's text holds it.
//
// A client that joined by state (issue 16) first knows a document only by
// its version and length: "not loaded". Remote edits then move the version
// and the length (read from the op) and nothing else, until load() gives it
// the text at its version; there is no text to show, and no local edit of it.
//
// No I/O: the network layer calls these methods and sends what takes() gives.

import { CodePointText } from "./code-point-text";
import { type TextOp, codePointLength, diff as diffOp, invert, isInsert, isRetain } from "./text-op";
import { checkFits, compose, transform } from "./transform";
import { wordDiff } from "./word-diff";

export interface InFlight {
  readonly op: TextOp;
  readonly clientSeq: number;
  /** How many local edits were composed into op (for "N edits not saved"). */
  readonly edits: number;
}

/** A TextEdit record as the log delivers it. */
export interface SequencedEdit {
  /** Version after the edit; the op applies to version - 1. */
  readonly version: number;
  readonly op: TextOp;
  readonly clientId: string;
  readonly clientSeq: number;
}

/** A submit to send: the op was made on `baseVersion`. */
export interface Submit {
  readonly docId: string;
  readonly baseVersion: number;
  readonly clientSeq: number;
  readonly op: TextOp;
}

/** What survives a reload: the unsent work, relative to `version`. */
export interface DocSnapshot {
  readonly docId: string;
  readonly version: number;
  readonly inFlight: InFlight | null;
  readonly pending: TextOp | null;
  readonly pendingEdits: number;
  /**
   * The server's text at `version`, the text inFlight applies to; lets the
   * work be placed by text when the log never reaches `version` again.
   * Missing in snapshots stored before it existed.
   */
  readonly baseText?: string;
}

/** What receive() did with a record. */
export type ReceiveResult =
  | { readonly kind: "own" } // my in-flight op, now sequenced; text unchanged
  | { readonly kind: "remote"; readonly op: TextOp } // apply op to the editor
  | { readonly kind: "stale" }; // already folded (a duplicate after a resume)

/** A record whose version does not follow the client's: the log has a gap. */
export class VersionGapError extends Error {
  constructor(docId: string, have: number, got: number) {
    super(`${docId}: have version ${have}, received ${got}`);
    this.name = "VersionGapError";
  }
}

export class DocClient {
  private versionValue = 0;
  private confirmed = CodePointText.empty;
  private local = CodePointText.empty;
  private inFlightValue: InFlight | null = null;
  private pendingValue: TextOp | null = null;
  private pendingEdits = 0;
  // Unsent work read back after a reload, waiting for the log to reach the
  // version it was made on.
  private restoreAt: DocSnapshot | null = null;
  // Null once the text is here; until then, the length the server gave and
  // the edits since have made.
  private unloadedLength: number | null = null;

  constructor(
    readonly docId: string,
    readonly clientId: string,
  ) {}

  /** A document known by its version and length only (a JoinState's ClientDocument). */
  static notLoaded(docId: string, clientId: string, version: number, length: number): DocClient {
    const d = new DocClient(docId, clientId);
    d.versionValue = version;
    // An empty draft at version 0 has no text to wait for.
    if (version !== 0 || length !== 0) d.unloadedLength = length;
    return d;
  }

  get version(): number {
    return this.versionValue;
  }
  /** Whether the text is here; until it is, text and confirmedText are "". */
  get loaded(): boolean {
    return this.unloadedLength === null;
  }
  /** The text the person sees ("" while not loaded). */
  get text(): string {
    return this.local.toString();
  }
  /** Length of `text` in code points (known while not loaded too). */
  get length(): number {
    return this.unloadedLength ?? this.local.length;
  }
  /** The server's text at `version` ("" while not loaded). */
  get confirmedText(): string {
    return this.confirmed.toString();
  }
  /** Length of `confirmedText` in code points (known while not loaded too). */
  get confirmedLength(): number {
    return this.unloadedLength ?? this.confirmed.length;
  }
  get inFlight(): InFlight | null {
    return this.inFlightValue;
  }
  get pending(): TextOp | null {
    return this.pendingValue;
  }
  /** Local edits not yet sequenced: 0, 1 (in flight or pending) or 2. */
  get unsentCount(): number {
    return (this.inFlightValue ? 1 : 0) + (this.pendingValue ? 1 : 0);
  }
  /** How many separate local edits are not yet sequenced. */
  get unsentEdits(): number {
    const r = this.restoreAt;
    if (r) return (r.inFlight?.edits ?? 0) + r.pendingEdits + (this.pendingValue ? Math.max(1, this.pendingEdits) : 0);
    return (this.inFlightValue?.edits ?? 0) + (this.pendingValue ? Math.max(1, this.pendingEdits) : 0);
  }
  /** True while a restored snapshot waits for the log to catch up. */
  get restoring(): boolean {
    return this.restoreAt !== null;
  }

  /**
   * Installs unsent work read back after a reload. It applies once the log has
   * been folded up to snapshot.version (at once if it already has; by text if
   * that version has passed). Returns false if it cannot be used.
   */
  restore(snapshot: DocSnapshot): boolean {
    if (!snapshot.inFlight && !snapshot.pending) return false;
    if (!this.loaded) return false;
    // Made on a version already passed (the page's kept state is newer than
    // its stored work): placed by text, if it kept its base text.
    if (snapshot.version < this.versionValue) return this.placeByText(snapshot);
    this.restoreAt = snapshot;
    this.tryRestore();
    return true;
  }

  /** The state worth persisting, or null when there is no unsent work. */
  snapshot(): DocSnapshot | null {
    if (this.restoreAt) return this.restoreAt;
    if (!this.inFlightValue && !this.pendingValue) return null;
    return {
      docId: this.docId,
      version: this.versionValue,
      inFlight: this.inFlightValue,
      pending: this.pendingValue,
      pendingEdits: this.pendingEdits,
      baseText: this.confirmed.toString(),
    };
  }

  /**
   * A local edit made on `text`. Throws OpDoesNotFitError (and changes
   * nothing) if it does not fit.
   */
  applyLocal(op: TextOp): void {
    if (op.length === 0) return;
    if (!this.loaded) throw new Error(`${this.docId} is not loaded: it cannot be edited before its text arrives`);
    this.local = this.local.apply(op);
    this.pendingValue = this.pendingValue ? compose(this.pendingValue, op) : op;
    this.pendingEdits++;
    if (this.pendingValue.length === 0) {
      // The edits cancelled out (typed and deleted again): nothing to send.
      this.pendingValue = null;
      this.pendingEdits = 0;
    }
  }

  /**
   * Moves pending to in flight if nothing is in flight, numbering it with
   * allocSeq(); returns the submit to send, or null if there is nothing to
   * send now.
   */
  take(allocSeq: () => number): Submit | null {
    if (this.inFlightValue || !this.pendingValue || this.restoreAt) return null;
    this.inFlightValue = { op: this.pendingValue, clientSeq: allocSeq(), edits: Math.max(1, this.pendingEdits) };
    this.pendingValue = null;
    this.pendingEdits = 0;
    return this.inFlightSubmit();
  }

  /**
   * The in-flight op as a submit on the current version, for a resend after
   * a reconnect (same client_seq: the server deduplicates).
   */
  inFlightSubmit(): Submit | null {
    const f = this.inFlightValue;
    if (!f) return null;
    return { docId: this.docId, baseVersion: this.versionValue, clientSeq: f.clientSeq, op: f.op };
  }

  /** Folds one sequenced record of this document. */
  receive(edit: SequencedEdit): ReceiveResult {
    if (edit.version <= this.versionValue) return { kind: "stale" };
    if (edit.version !== this.versionValue + 1) {
      throw new VersionGapError(this.docId, this.versionValue, edit.version);
    }
    if (this.unloadedLength !== null) {
      // Nothing local can exist (no text to edit): only the length moves.
      checkFits(edit.op, this.unloadedLength);
      this.unloadedLength = lengthAfter(edit.op, this.unloadedLength);
      this.versionValue = edit.version;
      return { kind: "remote", op: edit.op };
    }
    const f = this.inFlightValue;
    if (f && edit.clientId === this.clientId && edit.clientSeq === f.clientSeq) {
      this.confirmed = this.confirmed.apply(edit.op);
      this.versionValue = edit.version;
      this.inFlightValue = null;
      return { kind: "own" };
    }
    this.confirmed = this.confirmed.apply(edit.op);
    this.versionValue = edit.version;
    if (!f && !this.pendingValue && !this.restoreAt) {
      // Nothing local: the shown text is the server's (and a catch-up of a
      // long log applies each op once, not twice).
      this.local = this.confirmed;
      return { kind: "remote", op: edit.op };
    }
    let remote = edit.op;
    if (f) {
      const mine = transform(f.op, remote, "right");
      remote = transform(remote, f.op, "left");
      this.inFlightValue = { ...f, op: mine };
    }
    if (this.pendingValue) {
      const mine = transform(this.pendingValue, remote, "right");
      remote = transform(remote, this.pendingValue, "left");
      this.pendingValue = mine.length ? mine : null;
      if (!this.pendingValue) this.pendingEdits = 0;
    }
    if (this.restoreAt) {
      // Not yet showing restored work: the confirmed text and what was typed
      // meanwhile (pending, transformed above).
      this.local = this.pendingValue ? this.confirmed.apply(this.pendingValue) : this.confirmed;
      this.tryRestore();
      return { kind: "remote", op: remote };
    }
    this.local = this.local.apply(remote);
    return { kind: "remote", op: remote };
  }

  /**
   * The text at `version` for a document not loaded (DocumentText). Returns
   * false, changing nothing, if it is loaded already or the text is of
   * another version than the one this client has reached.
   */
  load(version: number, text: string): boolean {
    if (this.unloadedLength === null || version !== this.versionValue) return false;
    const t = CodePointText.of(text);
    if (t.length !== this.unloadedLength) {
      // The edits folded since the state and the text disagree: a bug on one side.
      console.warn(`kenes: ${this.docId} v${version}: the text has ${t.length} code points, the edits said ${this.unloadedLength}`);
    }
    this.confirmed = t;
    this.local = t;
    this.unloadedLength = null;
    return true;
  }

  /**
   * An Ack for client_seq at `version`. When it is the next version, the
   * in-flight op is exactly what the server applied (every earlier record has
   * been folded), so it is folded now; otherwise the record itself, which
   * follows, settles it. Returns true if the ack was folded.
   */
  ack(clientSeq: number, version: number): boolean {
    const f = this.inFlightValue;
    if (!f || f.clientSeq !== clientSeq || version !== this.versionValue + 1) return false;
    this.confirmed = this.confirmed.apply(f.op);
    this.versionValue = version;
    this.inFlightValue = null;
    return true;
  }

  /**
   * The server refused the in-flight op `clientSeq` for good. Drops it and
   * the pending edits built on it, and returns the op that turns the shown
   * text back into the server's text (null if clientSeq is not in flight).
   */
  reject(clientSeq: number): TextOp | null {
    const f = this.inFlightValue;
    if (!f || f.clientSeq !== clientSeq) return null;
    return this.discardLocal();
  }

  /**
   * Gives up waiting for restored work whose version the log never reached
   * (the server's log is older than the page's: a restored backup). Returns
   * that work, for placeByText, or null if there was none.
   */
  abandonRestore(): DocSnapshot | null {
    const s = this.restoreAt;
    this.restoreAt = null;
    return s;
  }

  /**
   * Places unsent work made on `s.baseText` onto this document's text now,
   * keeping what was typed here meanwhile on top. The server's changes since
   * the base are taken as one op (a diff of the two texts) that the work is
   * transformed past. Returns false, changing nothing, if it cannot be placed:
   * the text is not here, the snapshot has no base text, something is in
   * flight already, or the work does not fit its own base.
   */
  placeByText(s: DocSnapshot): boolean {
    if (!this.loaded || s.baseText === undefined || this.inFlightValue || this.restoreAt) return false;
    try {
      const base = CodePointText.of(s.baseText);
      if (s.inFlight) checkFits(s.inFlight.op, base.length);
      if (s.pending) checkFits(s.pending, (s.inFlight ? base.apply(s.inFlight.op) : base).length);
      const server = wordDiff(s.baseText, this.confirmed.toString());
      let f = s.inFlight;
      let afterF = server;
      if (f) {
        const op = transform(f.op, server, "right");
        afterF = transform(server, f.op, "left");
        // Nothing of it is left to send (others deleted what it changed).
        f = op.length ? { ...f, op } : null;
      }
      let p = s.pending ? transform(s.pending, afterF, "right") : null;
      if (p && !p.length) p = null;
      this.adopt(f, p, s.pendingEdits);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * An Ack marked duplicate for the in-flight op `clientSeq` at `version`,
   * which this client has folded already without recognising it as its own:
   * it joined by state after the op was sequenced, and placed the op by text
   * again. The server's text holds the op; the copy in flight is taken back
   * out of what is shown. Returns the op that turns the shown text into the
   * new one, or null if the ack is not such a case.
   */
  settleDuplicate(clientSeq: number, version: number): TextOp | null {
    const f = this.inFlightValue;
    if (!f || f.clientSeq !== clientSeq || version > this.versionValue || !this.loaded) return null;
    const before = this.local.toString();
    const undo = invert(f.op, this.confirmed.toString());
    let p = this.pendingValue ? transform(this.pendingValue, undo, "right") : null;
    if (p && !p.length) p = null;
    this.inFlightValue = null;
    this.pendingValue = p;
    if (!p) this.pendingEdits = 0;
    this.local = p ? this.confirmed.apply(p) : this.confirmed;
    return diffOp(before, this.local.toString());
  }

  /** Drops all unsent work; returns the op from the shown to the server text. */
  discardLocal(): TextOp {
    let undo: TextOp = [];
    const shown = this.local.toString();
    const saved = this.confirmed.toString();
    if (shown !== saved) undo = diffOp(shown, saved);
    this.local = this.confirmed;
    this.inFlightValue = null;
    this.pendingValue = null;
    this.pendingEdits = 0;
    this.restoreAt = null;
    return undo;
  }

  /**
   * Gives the in-flight op a new client_seq. Only for an op the server says
   * it never sequenced (ERROR_CODE_BAD_CLIENT_SEQ), so the old number is free.
   */
  renumber(oldSeq: number, newSeq: number): boolean {
    const f = this.inFlightValue;
    if (!f || f.clientSeq !== oldSeq) return false;
    this.inFlightValue = { ...f, clientSeq: newSeq };
    return true;
  }

  private tryRestore(): void {
    const s = this.restoreAt;
    if (!s || s.version !== this.versionValue) return;
    this.restoreAt = null;
    if (s.baseText !== undefined && s.baseText !== this.confirmed.toString()) {
      // The same version of another history (the server's log was restored
      // and others typed since): place the work by text.
      this.placeByText(s);
      return;
    }
    try {
      this.adopt(s.inFlight, s.pending, s.pendingEdits);
    } catch {
      // Stored work that does not fit its own version cannot be trusted;
      // what was typed here stays.
    }
  }

  /**
   * Installs in-flight `f` and pending `p` (made on the confirmed text, in
   * that order) with whatever was typed here meanwhile (pending, on the
   * confirmed text too) after them. Nothing may be in flight. Throws,
   * changing nothing, if they do not fit.
   */
  private adopt(f: InFlight | null, p: TextOp | null, pEdits: number): void {
    const typed = this.pendingValue;
    let text = this.confirmed;
    if (f) text = text.apply(f.op);
    if (p) text = text.apply(p);
    let pending = p;
    let edits = p ? pEdits : 0;
    if (typed) {
      const theirs = f ? (p ? compose(f.op, p) : f.op) : p;
      const t = theirs ? transform(typed, theirs, "right") : typed;
      text = text.apply(t);
      pending = pending ? compose(pending, t) : t;
      edits += this.pendingEdits;
    }
    if (pending && !pending.length) pending = null;
    this.inFlightValue = f;
    this.pendingValue = pending;
    this.pendingEdits = pending ? Math.max(1, edits) : 0;
    this.local = text;
  }
}

/** The length of a document of `before` code points after `op` (which fits it). */
function lengthAfter(op: TextOp, before: number): number {
  let n = before;
  for (const c of op) {
    if (isInsert(c)) n += codePointLength(c);
    else if (!isRetain(c)) n -= c.d;
  }
  return n;
}
