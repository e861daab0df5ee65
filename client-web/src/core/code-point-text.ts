// A document's text as a list of chunks, each knowing its length in code
// points, so that applying an op costs O(chunks + edited chunk) instead of
// scanning the whole string from position 0 (which made folding a long log
// quadratic: 100,000 typed characters took 19 s, see the test's comment).
//
// Immutable: apply() returns a new text that shares the unchanged chunks, so
// the DocClient's confirmed and local texts can share them too.

import { type TextOp, OpDoesNotFitError, advanceCodePoints, codePointLength, isInsert, isRetain } from "./text-op";

// A lone surrogate (which no input method produces) counts as one code point,
// as everywhere in the core; two lone halves that an edit brings together in
// different chunks would count as two here. Text from the server is valid
// UTF-8 and never has them.

/** Chunks hold at most this many UTF-16 units (a surrogate pair is never split). */
const MAX_CHUNK = 1024;

interface Chunk {
  readonly s: string;
  /** Code points in s. */
  readonly cp: number;
}

export class CodePointText {
  private cached: string | null;

  private constructor(
    private readonly chunks: readonly Chunk[],
    /** Length in code points. */
    readonly length: number,
    text: string | null,
  ) {
    this.cached = text;
  }

  static readonly empty = new CodePointText([], 0, "");

  static of(s: string): CodePointText {
    const b = new ChunkBuilder();
    b.text(s);
    return CodePointText.from(b.done(), s);
  }

  private static from(chunks: Chunk[], text: string | null): CodePointText {
    let n = 0;
    for (const c of chunks) n += c.cp;
    return new CodePointText(chunks, n, text);
  }

  toString(): string {
    if (this.cached === null) this.cached = this.chunks.map((c) => c.s).join("");
    return this.cached;
  }

  /** The text after op. Throws OpDoesNotFitError if op reads past the end. */
  apply(op: TextOp): CodePointText {
    if (op.length === 0) return this;
    const src = this.chunks;
    const out = new ChunkBuilder();
    let ci = 0; // current source chunk
    let off16 = 0; // UTF-16 offset into it
    let offCp = 0; // code point offset into it
    const misfit = () => new OpDoesNotFitError(`op reads past the end of a ${this.length}-code-point document`);

    for (const c of op) {
      if (isInsert(c)) {
        out.text(c);
        continue;
      }
      const keep = isRetain(c);
      let n = keep ? c : c.d;
      while (n > 0) {
        const chunk = src[ci];
        if (!chunk) throw misfit();
        if (offCp === 0 && n >= chunk.cp) {
          // The whole chunk: reuse or drop it without looking inside.
          if (keep) out.chunk(chunk);
          n -= chunk.cp;
          ci++;
          continue;
        }
        const take = Math.min(n, chunk.cp - offCp);
        const end16 = advanceCodePoints(chunk.s, off16, take);
        if (keep) out.text(chunk.s.slice(off16, end16));
        n -= take;
        offCp += take;
        off16 = end16;
        if (offCp === chunk.cp) {
          ci++;
          off16 = 0;
          offCp = 0;
        }
      }
    }
    // The rest is retained implicitly.
    const partial = src[ci];
    if (partial && offCp > 0) {
      out.text(partial.s.slice(off16));
      ci++;
    }
    for (; ci < src.length; ci++) out.chunk(src[ci]!);
    return CodePointText.from(out.done(), null);
  }
}

/**
 * Collects output text into chunks of at most MAX_CHUNK units. Small pieces
 * are merged with their neighbours so that editing does not fragment the
 * text into many tiny chunks. Each chunk's code point count is computed from
 * its own string, so it always agrees with codePointLength.
 */
class ChunkBuilder {
  private readonly chunks: Chunk[] = [];
  private buf = "";

  text(s: string): void {
    if (s.length === 0) return;
    if (this.buf.length === 0) {
      // Continue the previous chunk if it has room, so that typing one
      // character at a time does not leave one chunk per character.
      const last = this.chunks[this.chunks.length - 1];
      if (last && last.s.length + s.length <= MAX_CHUNK) {
        this.chunks.pop();
        this.buf = last.s;
      }
    }
    this.buf += s;
    if (this.buf.length > 2 * MAX_CHUNK) this.flush(false);
  }

  chunk(c: Chunk): void {
    if (this.buf.length > 0 && this.buf.length + c.s.length <= MAX_CHUNK) {
      this.buf += c.s;
      return;
    }
    this.flush(true);
    this.chunks.push(c);
  }

  done(): Chunk[] {
    this.flush(true);
    return this.chunks;
  }

  /** Moves the buffer into chunks; keeps a short tail buffered unless `all`. */
  private flush(all: boolean): void {
    let s = this.buf;
    while (s.length > MAX_CHUNK || (all && s.length > 0)) {
      let cut = Math.min(MAX_CHUNK, s.length);
      // Never split a surrogate pair.
      const last = s.charCodeAt(cut - 1);
      if (cut < s.length && last >= 0xd800 && last <= 0xdbff) cut--;
      const piece = s.slice(0, cut);
      this.chunks.push({ s: piece, cp: codePointLength(piece) });
      s = s.slice(cut);
      if (!all && s.length <= MAX_CHUNK) break;
    }
    this.buf = s;
  }
}
