// A comment anchor (or a suggestion's range) on a document's text, ported
// from engine/anchored_range.{h,cc}: the server and every client move each
// thread's anchor through every TextEdit of its document in log order, and
// they must agree exactly on where it is, whether it detached, and whether
// its text changed (tests/vectors/anchored_range.json is checked by both).
//
// Movement is transformAnchor's: text inserted exactly at either edge stays
// outside, text inserted strictly inside is inside, a delete that takes part
// of the range shrinks it. When a delete takes all of it, the anchor keeps the
// quoted text and up to CONTEXT_LENGTH code points on each side, read from the
// text just BEFORE that op, and then follows the text as one point that stays
// before text inserted at it, until it is re-attached.
//
// "changed" is sticky: set once an op deletes text inside the range or
// inserts strictly inside it; only a new anchor starts unchanged.

import { type TextOp, OpDoesNotFitError, advanceCodePoints, codePointLength, isInsert, isRetain } from "./text-op";
import { checkFits, transformAnchor, transformPosition } from "./transform";

/** Code points of context kept on each side of a detached quote. */
export const CONTEXT_LENGTH = 32;

export interface DetachedQuote {
  /** The anchored text the deleting op removed. */
  readonly text: string;
  /** Up to CONTEXT_LENGTH code points before it, and after it. */
  readonly before: string;
  readonly after: string;
}

/** Code points [from, to) of s (clamped to its end). */
export function sliceCodePoints(s: string, from: number, to: number): string {
  const a = advanceCodePoints(s, 0, from);
  if (a < 0) return "";
  const b = advanceCodePoints(s, a, to - from);
  return s.slice(a, b < 0 ? s.length : b);
}

/**
 * Whether `op` deletes text in [from, to) or inserts strictly inside it, in
 * the coordinates of the document before `op` (engine: touches()).
 */
function touches(op: TextOp, from: number, to: number): boolean {
  let at = 0;
  for (const c of op) {
    if (at >= to) return false;
    if (isRetain(c)) at += c;
    else if (isInsert(c)) {
      if (at > from) return true;
    } else {
      if (at + c.d > from) return true;
      at += c.d;
    }
  }
  return false;
}

export class AnchoredRange {
  private fromValue: number;
  private toValue: number;
  private changedValue = false;
  private quoteValue: DetachedQuote | null = null;

  /**
   * An anchor on [min, max) of `range` in a document of `length` code
   * points. Throws RangeError if the range is empty or reaches past the end.
   */
  constructor(range: { anchor: number; head: number }, length: number) {
    const from = Math.min(range.anchor, range.head);
    const to = Math.max(range.anchor, range.head);
    AnchoredRange.check(from, to, length);
    this.fromValue = from;
    this.toValue = to;
  }

  /**
   * An anchor exactly as another replica left it (engine: AnchoredRange::restore):
   * the server's AnchorSnapshot of a JoinState or a DocumentText. Nothing is
   * checked, as in the engine: the snapshot was made from a real anchor, and
   * a detached one legitimately has from == to.
   */
  static restore(from: number, to: number, changed: boolean, quote: DetachedQuote | null): AnchoredRange {
    const r = Object.create(AnchoredRange.prototype) as AnchoredRange;
    r.fromValue = from;
    r.toValue = to;
    r.changedValue = changed;
    r.quoteValue = quote;
    return r;
  }

  get from(): number {
    return this.fromValue;
  }
  get to(): number {
    return this.toValue;
  }
  get attached(): boolean {
    return this.quoteValue === null;
  }
  /** The remembered quote while detached; null while attached. */
  get quote(): DetachedQuote | null {
    return this.quoteValue;
  }
  get changed(): boolean {
    return this.changedValue;
  }

  /**
   * Moves the anchor through `op`, which applies to a document of
   * `beforeLength` code points; `before()` gives that text and is called only
   * when the op detaches the anchor (so folding a long log does not turn the
   * document into a string at every edit). Throws, changing nothing, if the
   * op does not fit or the anchor lies beyond the document.
   */
  update(op: TextOp, beforeLength: number, before: () => string): void {
    checkFits(op, beforeLength);
    if (this.toValue > beforeLength) {
      throw new OpDoesNotFitError(
        `the anchor ends at code point ${this.toValue} but the document has ${beforeLength} (wrong text, or an op was skipped)`,
      );
    }
    if (!this.attached) {
      const p = transformPosition(this.fromValue, op, "before");
      this.fromValue = this.toValue = p;
      return;
    }
    if (touches(op, this.fromValue, this.toValue)) this.changedValue = true;
    const moved = transformAnchor({ anchor: this.fromValue, head: this.toValue }, op);
    if (moved.anchor === moved.head) {
      const text = before();
      const contextFrom = Math.max(0, this.fromValue - CONTEXT_LENGTH);
      this.quoteValue = {
        text: sliceCodePoints(text, this.fromValue, this.toValue),
        before: sliceCodePoints(text, contextFrom, this.fromValue),
        after: sliceCodePoints(text, this.toValue, this.toValue + CONTEXT_LENGTH),
      };
    }
    this.fromValue = moved.anchor;
    this.toValue = moved.head;
  }

  /** Attaches (again) to [min, max) of `range`; `changed` stays as it was. */
  reattach(range: { anchor: number; head: number }, length: number): void {
    const from = Math.min(range.anchor, range.head);
    const to = Math.max(range.anchor, range.head);
    AnchoredRange.check(from, to, length);
    this.fromValue = from;
    this.toValue = to;
    this.quoteValue = null;
  }

  /**
   * For a detached anchor: the occurrence of the quote in `text` whose
   * surroundings best match the remembered context, the nearest to the
   * detached point on a tie (engine: locate_quote). Null if attached or the
   * quote does not occur. A hint for the person, who re-attaches explicitly.
   */
  locateQuote(text: string): { from: number; to: number } | null {
    const q = this.quoteValue;
    if (!q || q.text === "") return null;
    const quoteLength = codePointLength(q.text);
    const before = Array.from(q.before);
    const after = Array.from(q.after);
    let best: { from: number; to: number } | null = null;
    let bestScore = 0;
    let bestDistance = 0;
    let countedUnits = 0;
    let countedPoints = 0;
    for (let i = text.indexOf(q.text); i >= 0; i = text.indexOf(q.text, i + 1)) {
      countedPoints += codePointLength(text.slice(countedUnits, i));
      countedUnits = i;
      const head = Array.from(text.slice(Math.max(0, i - 2 * CONTEXT_LENGTH), i));
      const tail = Array.from(text.slice(i + q.text.length, i + q.text.length + 2 * CONTEXT_LENGTH));
      let score = 0;
      while (score < head.length && score < before.length && head[head.length - 1 - score] === before[before.length - 1 - score]) score++;
      let s2 = 0;
      while (s2 < tail.length && s2 < after.length && tail[s2] === after[s2]) s2++;
      score += s2;
      const distance = Math.abs(countedPoints - this.fromValue);
      if (!best || score > bestScore || (score === bestScore && distance < bestDistance)) {
        best = { from: countedPoints, to: countedPoints + quoteLength };
        bestScore = score;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static check(from: number, to: number, length: number): void {
    if (from === to) throw new RangeError(`an anchored range must not be empty (both ends at ${from})`);
    if (to > length) throw new RangeError(`range [${from}, ${to}) reaches past the document's ${length} code points`);
  }
}
