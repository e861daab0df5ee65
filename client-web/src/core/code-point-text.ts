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
    b.text(s, codePointLength(s));
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
        out.text(c, codePointLength(c));
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
        if (keep) out.text(chunk.s.slice(off16, end16), take);
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
      out.text(partial.s.slice(off16), partial.cp - offCp);
      ci++;
    }
    for (; ci < src.length; ci++) out.chunk(src[ci]!);
    return CodePointText.from(out.done(), null);
  }
}

/**
 * Collects output text into chunks of at most MAX_CHUNK units. Small pieces
 * are merged with their neighbours so that editing does not fragment the
 * text into many small chunks. Code point counts are carried along, not
 * recounted, except where a piece is cut.
 */
class ChunkBuilder {
  private readonly chunks: Chunk[] = [];
  private buf = "";
  private bufCp = 0;

  /** Appends s, which has cp code points. */
  text(s: string, cp: number): void {
    if (s.length === 0) return;
    if (this.buf.length === 0) {
      // Continue the previous chunk if it has room, so that typing one
      // character at a time does not leave one chunk per character.
      const last = this.chunks[this.chunks.length - 1];
      if (last && last.s.length + s.length <= MAX_CHUNK) {
        this.chunks.pop();
        this.buf = last.s;
        this.bufCp = last.cp;
      }
    }
    this.append(s, cp);
    if (this.buf.length > 2 * MAX_CHUNK) this.flush(false);
  }

  chunk(c: Chunk): void {
    const n = this.buf.length;
    if (n === 0) {
      // Mend fragments on the way: a small chunk joins its neighbour.
      const last = this.chunks[this.chunks.length - 1];
      if (last && (c.s.length < MAX_CHUNK / 4 || last.s.length < MAX_CHUNK / 4) && last.s.length + c.s.length <= MAX_CHUNK) {
        this.chunks.pop();
        this.buf = last.s;
        this.bufCp = last.cp;
        this.append(c.s, c.cp);
        return;
      }
      this.chunks.push(c);
      return;
    }
    if (n + c.s.length <= MAX_CHUNK) {
      this.append(c.s, c.cp);
      return;
    }
    if (n < MAX_CHUNK / 2) {
      // A small piece next to a full chunk: share the text out between two
      // chunks rather than leave a sliver (typing at chunk boundaries
      // would otherwise cut the text into ever smaller chunks).
      this.append(c.s, c.cp);
      this.cutAt(this.buf.length >> 1);
      this.flush(true);
      return;
    }
    this.flush(true);
    this.chunks.push(c);
  }

  done(): Chunk[] {
    this.flush(true);
    return this.chunks;
  }

  private append(s: string, cp: number): void {
    // Two halves of a pair meeting here are one code point, not two (only
    // lone surrogates, which valid text never has, can meet this way).
    if (isHigh(this.buf.charCodeAt(this.buf.length - 1)) && isLow(s.charCodeAt(0))) cp--;
    this.buf += s;
    this.bufCp += cp;
  }

  /** Emits buf[0, cut) as a chunk (never splitting a pair); keeps the rest. */
  private cutAt(cut: number): void {
    const s = this.buf;
    if (cut > 0 && cut < s.length && isHigh(s.charCodeAt(cut - 1)) && isLow(s.charCodeAt(cut))) cut--;
    const piece = s.slice(0, cut);
    const cp = codePointLength(piece);
    this.chunks.push({ s: piece, cp });
    this.buf = s.slice(cut);
    this.bufCp -= cp;
  }

  /** Moves the buffer into chunks; keeps a short tail buffered unless `all`. */
  private flush(all: boolean): void {
    while (this.buf.length > MAX_CHUNK) {
      // Up to two chunks' worth: halve it, so that no sliver is left over.
      this.cutAt(this.buf.length <= 2 * MAX_CHUNK ? this.buf.length >> 1 : MAX_CHUNK);
      if (!all && this.buf.length <= MAX_CHUNK) return;
    }
    if (all && this.buf.length > 0) {
      this.chunks.push({ s: this.buf, cp: this.bufCp });
      this.buf = "";
      this.bufCp = 0;
    }
  }
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
