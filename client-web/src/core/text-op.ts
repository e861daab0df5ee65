// The text operation, as in engine/ and proto/kenes/v1/text.proto.
//
// An op is a list of components applied left to right from position 0:
//   a positive number n   retain the next n code points
//   a string s            insert s (non-empty) at the current position
//   {d: n}                delete the next n code points
// This is also the JSON form of the shared test vectors (tests/vectors/), so a
// vector's op is used as it is read.
//
// Every length and position counts Unicode CODE POINTS, never UTF-16 units:
// "Привет" is 6, "👍" is 1. The editor boundary converts (see utf16.ts).
//
// Normal form (what every function here returns, and what the C++ engine
// returns, so that ops compare equal across languages):
//   - no empty components (retain 0, insert "", delete 0);
//   - adjacent components of the same kind are merged;
//   - at one position an insert comes before a delete;
//   - no trailing retain (code points after the last component are retained
//     implicitly).

export type Retain = number;
export type Insert = string;
export interface Delete {
  readonly d: number;
}
export type Component = Retain | Insert | Delete;
export type TextOp = readonly Component[];

export function isRetain(c: Component): c is Retain {
  return typeof c === "number";
}
export function isInsert(c: Component): c is Insert {
  return typeof c === "string";
}
export function isDelete(c: Component): c is Delete {
  return typeof c === "object";
}

/** Number of code points in s. A lone surrogate counts as one. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * The UTF-16 index reached by advancing `count` code points from UTF-16 index
 * `from` in s, or -1 if s ends first.
 */
export function advanceCodePoints(s: string, from: number, count: number): number {
  let i = from;
  for (let k = 0; k < count; k++) {
    if (i >= s.length) return -1;
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      i += d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    } else {
      i++;
    }
  }
  return i;
}

/** Length (code points) of the component's effect on its side. */
export function componentLength(c: Component): number {
  if (isRetain(c)) return c;
  if (isInsert(c)) return codePointLength(c);
  return c.d;
}

/** Code points an op reads from its input document (retains + deletes). */
export function inputLength(op: TextOp): number {
  let n = 0;
  for (const c of op) if (!isInsert(c)) n += componentLength(c);
  return n;
}

/** Whether the op is in normal form; see the file comment. */
export function isNormalized(op: TextOp): boolean {
  for (let i = 0; i < op.length; i++) {
    const c = op[i]!;
    if (isRetain(c)) {
      if (!Number.isSafeInteger(c) || c <= 0) return false;
    } else if (isInsert(c)) {
      if (c.length === 0) return false;
    } else if (!Number.isSafeInteger(c.d) || c.d <= 0) {
      return false;
    }
    if (i > 0) {
      const p = op[i - 1]!;
      if (typeof p === typeof c) return false;
      if (isDelete(p) && isInsert(c)) return false;
    }
  }
  const last = op[op.length - 1];
  return last === undefined || !isRetain(last);
}

/**
 * Builds an op in normal form from components appended in order. Every
 * algorithm here emits through it, so normal form is established in one place.
 */
export class OpBuilder {
  private readonly out: Component[] = [];

  retain(n: number): this {
    if (n <= 0) return this;
    const last = this.out.length - 1;
    const prev = this.out[last];
    if (prev !== undefined && isRetain(prev)) this.out[last] = prev + n;
    else this.out.push(n);
    return this;
  }

  insert(s: string): this {
    if (s.length === 0) return this;
    const last = this.out.length - 1;
    const prev = this.out[last];
    if (prev !== undefined && isDelete(prev)) {
      // Insert before delete at one position: [.., insert?, delete] + insert
      // becomes [.., insert + s, delete].
      const before = this.out[last - 1];
      if (before !== undefined && isInsert(before)) this.out[last - 1] = before + s;
      else this.out.splice(last, 0, s);
    } else if (prev !== undefined && isInsert(prev)) {
      this.out[last] = prev + s;
    } else {
      this.out.push(s);
    }
    return this;
  }

  delete(n: number): this {
    if (n <= 0) return this;
    const last = this.out.length - 1;
    const prev = this.out[last];
    if (prev !== undefined && isDelete(prev)) this.out[last] = { d: prev.d + n };
    else this.out.push({ d: n });
    return this;
  }

  push(c: Component): this {
    if (isRetain(c)) return this.retain(c);
    if (isInsert(c)) return this.insert(c);
    return this.delete(c.d);
  }

  /** The op, without its trailing retain. */
  done(): TextOp {
    const last = this.out[this.out.length - 1];
    if (last !== undefined && isRetain(last)) this.out.pop();
    return this.out;
  }
}

/** The op in normal form (same effect on every document it fits). */
export function normalize(op: TextOp): TextOp {
  const b = new OpBuilder();
  for (const c of op) b.push(c);
  return b.done();
}

/** Thrown when an op retains or deletes past the end of the document. */
export class OpDoesNotFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OpDoesNotFitError";
  }
}

/**
 * Applies op to doc. Throws OpDoesNotFitError if the op reads past the end of
 * the document; the rest of the document is retained implicitly.
 */
export function apply(doc: string, op: TextOp): string {
  const parts: string[] = [];
  let i = 0; // UTF-16 index into doc
  for (const c of op) {
    if (isInsert(c)) {
      parts.push(c);
      continue;
    }
    const n = isRetain(c) ? c : c.d;
    const j = advanceCodePoints(doc, i, n);
    if (j < 0) {
      throw new OpDoesNotFitError(
        `op reads ${inputLength(op)} code points, document has ${codePointLength(doc)}`,
      );
    }
    if (isRetain(c)) parts.push(doc.slice(i, j));
    i = j;
  }
  parts.push(doc.slice(i));
  return parts.join("");
}

/** An op that turns `from` into `to` by replacing the differing middle. */
export function diff(from: string, to: string): TextOp {
  const a = Array.from(from);
  const b = Array.from(to);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return new OpBuilder()
    .retain(start)
    .insert(b.slice(start, endB).join(""))
    .delete(endA - start)
    .done();
}

/** Why untrusted components were refused; the engine's error code names. */
export type OpError = "malformed" | "does_not_fit";

/**
 * Checks untrusted components (from JSON, storage, another process) and
 * returns them in normal form. Malformed: anything but a positive integer
 * retain or delete, or a non-empty string insert. Lengths that add up past
 * 2^53 - 1 fit no document.
 */
export function parseOp(components: readonly unknown[]): { op: TextOp } | { error: OpError } {
  const b = new OpBuilder();
  let total = 0;
  for (const c of components) {
    let n: unknown;
    if (typeof c === "string") {
      if (c.length === 0) return { error: "malformed" };
      b.insert(c);
      continue;
    } else if (typeof c === "number") {
      n = c;
    } else if (typeof c === "object" && c !== null && Object.keys(c).length === 1 && "d" in c) {
      n = (c as { d: unknown }).d;
    } else {
      return { error: "malformed" };
    }
    if (typeof n !== "number" || !Number.isInteger(n) || n <= 0) return { error: "malformed" };
    total += n;
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(total)) return { error: "does_not_fit" };
    if (typeof c === "number") b.retain(n);
    else b.delete(n);
  }
  return { op: b.done() };
}

/**
 * The op that undoes `op`, made on apply(doc, op). `doc` is the text op was
 * made on (the deleted text comes from it). Throws OpDoesNotFitError if op
 * does not fit doc.
 */
export function invert(op: TextOp, doc: string): TextOp {
  const b = new OpBuilder();
  let i = 0; // UTF-16 index in doc
  for (const c of op) {
    if (isInsert(c)) {
      b.delete(codePointLength(c));
      continue;
    }
    const n = isRetain(c) ? c : c.d;
    const j = advanceCodePoints(doc, i, n);
    if (j < 0) throw new OpDoesNotFitError(`op reads past the end of a ${codePointLength(doc)}-code-point document`);
    if (isRetain(c)) b.retain(n);
    else b.insert(doc.slice(i, j));
    i = j;
  }
  return b.done();
}
