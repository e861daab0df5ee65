// Compose and transform, the algebra of the text op. Ported from the C++
// engine's contract (engine/transform.h) and checked against the same
// tests/vectors/ files.
//
// The laws (tests/core/laws.test.ts checks them on seeded random ops):
//   apply(apply(d, a), b)             == apply(d, compose(a, b))
//   apply(apply(d, a), transform(b, a, Right))
//                                     == apply(apply(d, b), transform(a, b, Left))
// Tie-break: when both ops insert at one position, the op transformed with
// side Left keeps its insert first. The server sequences a late op with side
// Right against the ops it sequenced before ("the op the server sequenced
// first stays first"); a client transforms a remote op past its own
// unacknowledged ops with side Left, which is the same decision seen from the
// other end.

import {
  type Component,
  type TextOp,
  OpBuilder,
  OpDoesNotFitError,
  advanceCodePoints,
  codePointLength,
  isDelete,
  isInsert,
  isRetain,
} from "./text-op";

export type Side = "left" | "right";

/** Walks an op, handing out pieces of its components. */
class OpCursor {
  private index = 0;
  // Progress inside the current component: code points for retain/delete,
  // UTF-16 units for insert (to slice it without rescanning).
  private offset = 0;

  constructor(private readonly op: TextOp) {}

  /** The current component (its remainder), or undefined at the end. */
  peek(): Component | undefined {
    const c = this.op[this.index];
    if (c === undefined || this.offset === 0) return c;
    if (isRetain(c)) return c - this.offset;
    if (isInsert(c)) return c.slice(this.offset);
    return { d: c.d - this.offset };
  }

  /**
   * Takes up to n code points of the current component (all of it if it is
   * shorter), or undefined at the end.
   */
  take(n: number): Component | undefined {
    const c = this.op[this.index];
    if (c === undefined) return undefined;
    if (isInsert(c)) {
      const end = advanceCodePoints(c, this.offset, n);
      const piece = c.slice(this.offset, end < 0 ? c.length : end);
      this.offset += piece.length;
      if (this.offset >= c.length) this.next();
      return piece;
    }
    const total = isRetain(c) ? c : c.d;
    const len = Math.min(n, total - this.offset);
    this.offset += len;
    if (this.offset >= total) this.next();
    return isRetain(c) ? len : { d: len };
  }

  private next(): void {
    this.index++;
    this.offset = 0;
  }
}

function pieceLength(c: Component): number {
  if (isRetain(c)) return c;
  if (isInsert(c)) return codePointLength(c);
  return c.d;
}

/**
 * `op` rewritten to apply after `other`, where both were made on the same
 * document. At a tie (both insert at one position) side "left" puts op's
 * insert first. Both ops must be in normal form.
 */
export function transform(op: TextOp, other: TextOp, side: Side): TextOp {
  const out = new OpBuilder();
  const cur = new OpCursor(op);
  for (const o of other) {
    if (isInsert(o)) {
      // other inserts text here; op must step over it, unless op inserts at
      // the same position and wins the tie.
      if (side === "left") {
        const next = cur.peek();
        if (next !== undefined && isInsert(next)) out.push(cur.take(Infinity)!);
      }
      out.retain(codePointLength(o));
      continue;
    }
    // other retains or deletes n code points of the common input; op's
    // components over that range pass through (retain/delete) or vanish
    // (whatever other deleted needs no retain or delete from op any more).
    let n = isRetain(o) ? o : o.d;
    while (n > 0) {
      const next = cur.peek();
      if (next === undefined) {
        // op retains the rest implicitly; nothing more to emit for this range.
        break;
      }
      if (isInsert(next)) {
        out.push(cur.take(Infinity)!);
        continue;
      }
      const piece = cur.take(n)!;
      n -= pieceLength(piece);
      if (isRetain(o)) out.push(piece);
    }
  }
  // What is left of op lies after everything other touched.
  for (let c = cur.take(Infinity); c !== undefined; c = cur.take(Infinity)) out.push(c);
  return out.done();
}

/**
 * One op with the effect of `a` followed by `b` (b applies to a's output).
 * Where b reads past a's explicit components it reads a's implicit trailing
 * retain, so compose never needs the document; whether the result fits is
 * decided when it is applied.
 */
export function compose(a: TextOp, b: TextOp): TextOp {
  const out = new OpBuilder();
  const cur = new OpCursor(a);
  for (const c of b) {
    if (isInsert(c)) {
      out.insert(c);
      continue;
    }
    // b retains or deletes n code points of a's output.
    let n = isRetain(c) ? c : c.d;
    while (n > 0) {
      const next = cur.peek();
      if (next === undefined) {
        // Past a's explicit components: a retains implicitly.
        if (isRetain(c)) out.retain(n);
        else out.delete(n);
        n = 0;
        break;
      }
      if (isDelete(next)) {
        // a's deletes produce no output; they stand as they are.
        out.push(cur.take(Infinity)!);
        continue;
      }
      const piece = cur.take(n)!;
      n -= pieceLength(piece);
      if (isRetain(c)) out.push(piece);
      else if (isRetain(piece)) out.delete(piece);
      // else: b deletes text a inserted; both vanish.
    }
  }
  for (let c = cur.take(Infinity); c !== undefined; c = cur.take(Infinity)) out.push(c);
  return out.done();
}

/**
 * A position (code points) in the document before `op`, mapped to the
 * document after it. An insert exactly at the position moves it only when
 * `assoc` is "after" (the position sticks to the text after it). A position
 * inside deleted text moves to where the deletion happened.
 */
export function transformPosition(pos: number, op: TextOp, assoc: "before" | "after" = "before"): number {
  let remaining = pos; // code points of the old document still to pass
  let out = 0;
  for (const c of op) {
    if (isInsert(c)) {
      // Reached only while the insert is at or before the position.
      if (remaining > 0 || assoc === "after") out += codePointLength(c);
      else return out;
      continue;
    }
    if (remaining === 0) return out;
    const n = isRetain(c) ? c : c.d;
    if (n > remaining) return isRetain(c) ? out + remaining : out;
    if (isRetain(c)) out += n;
    remaining -= n;
  }
  return out + remaining;
}

/** A selection or anchor: anchor is where it started, head where the caret is. */
export interface TextRange {
  readonly anchor: number;
  readonly head: number;
}

/**
 * A comment anchor moved through `op` (engine/transform.h, transform_anchor):
 * the anchored text is [min, max) of the two ends. Text inserted exactly at
 * either edge stays outside; text inserted strictly inside is inside; if the
 * anchored text is deleted the anchor collapses to one point. A collapsed
 * anchor stays before text inserted at it. The result has anchor <= head.
 */
export function transformAnchor(range: TextRange, op: TextOp): TextRange {
  const from = Math.min(range.anchor, range.head);
  const to = Math.max(range.anchor, range.head);
  if (from === to) {
    const p = transformPosition(from, op, "before");
    return { anchor: p, head: p };
  }
  const newFrom = transformPosition(from, op, "after");
  const newTo = transformPosition(to, op, "before");
  // Only when the range was deleted and text inserted where it was can the
  // start pass the end; the anchor then collapses after the new text.
  if (newFrom > newTo) return { anchor: newTo, head: newTo };
  return { anchor: newFrom, head: newTo };
}

/** Checks that op fits a document of `length` code points; throws if not. */
export function checkFits(op: TextOp, length: number): void {
  let n = 0;
  for (const c of op) if (!isInsert(c)) n += isRetain(c) ? c : c.d;
  if (n > length) throw new OpDoesNotFitError(`op reads ${n} code points, document has ${length}`);
}
