// The one place where UTF-16 positions (the browser, CodeMirror) meet code
// point positions (the wire, the log, the engine). Everything that crosses the
// editor boundary goes through these functions; tests/core/utf16.test.ts
// covers emoji, Cyrillic and Kazakh letters.
//
// A lone surrogate (which a well-behaved editor never produces) counts as one
// code point on both sides, so the mapping stays total and monotonic.

import { type TextOp, OpBuilder, OpDoesNotFitError, codePointLength, isInsert, isRetain } from "./text-op";

/** A replacement in UTF-16 units of the document before the change. */
export interface Utf16Change {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * Counts code points from UTF-16 index `from` up to `to`. A `to` that falls
 * between the halves of a surrogate pair counts the pair as passed.
 */
function codePointsBetween(text: string, from: number, to: number): number {
  let n = 0;
  let i = from;
  while (i < to) {
    if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) i += 2;
    else i += 1;
    n++;
  }
  return n;
}

/** Advances `count` code points from UTF-16 index `from`; -1 past the end. */
function advance(text: string, from: number, count: number): number {
  let i = from;
  for (let k = 0; k < count; k++) {
    if (i >= text.length) return -1;
    if (isHigh(text.charCodeAt(i)) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) i += 2;
    else i += 1;
  }
  return i;
}

/** The code point position of UTF-16 index `index` in text. */
export function utf16ToCodePoint(text: string, index: number): number {
  return codePointsBetween(text, 0, Math.max(0, Math.min(index, text.length)));
}

/** The UTF-16 index of code point position `pos`, clamped to the end. */
export function codePointToUtf16(text: string, pos: number): number {
  const i = advance(text, 0, Math.max(0, pos));
  return i < 0 ? text.length : i;
}

/**
 * The op (code points) that performs `changes` on `text`. Changes are sorted
 * by position, do not overlap, and refer to `text` as it was before any of
 * them (as CodeMirror's ChangeSet.iterChanges reports them).
 */
export function utf16ChangesToOp(text: string, changes: readonly Utf16Change[]): TextOp {
  const b = new OpBuilder();
  let at = 0; // UTF-16 index in text reached so far
  for (const ch of changes) {
    if (ch.from < at || ch.to < ch.from || ch.to > text.length) {
      throw new RangeError(`change ${ch.from}..${ch.to} out of order or past the end`);
    }
    b.retain(codePointsBetween(text, at, ch.from));
    b.insert(ch.insert);
    b.delete(codePointsBetween(text, ch.from, ch.to));
    at = ch.to;
  }
  return b.done();
}

/**
 * The UTF-16 changes that apply `op` (code points) to `text`, with positions
 * in `text` before the op. Throws OpDoesNotFitError if the op does not fit.
 */
export function opToUtf16Changes(text: string, op: TextOp): Utf16Change[] {
  const changes: Utf16Change[] = [];
  let at = 0;
  let pendingInsert = "";
  for (const c of op) {
    if (isInsert(c)) {
      pendingInsert += c;
      continue;
    }
    const n = isRetain(c) ? c : c.d;
    const end = advance(text, at, n);
    if (end < 0) {
      throw new OpDoesNotFitError(`op reads past the end of a ${codePointLength(text)}-code-point document`);
    }
    if (isRetain(c)) {
      if (pendingInsert) changes.push({ from: at, to: at, insert: pendingInsert });
      pendingInsert = "";
    } else {
      changes.push({ from: at, to: end, insert: pendingInsert });
      pendingInsert = "";
    }
    at = end;
  }
  if (pendingInsert) changes.push({ from: at, to: at, insert: pendingInsert });
  return changes;
}
