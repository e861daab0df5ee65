import { describe, expect, it } from "vitest";
import { CodePointText, OpDoesNotFitError, apply, codePointLength } from "../../src/core";
import { randomText, seeds, withSeed, type Random } from "../support/random";
import { randomOp } from "../support/random-op";

/** A random op over a long document, with long retains and deletes. */
function longOp(r: Random, length: number) {
  const at = r.int(length + 1);
  const del = r.int(Math.min(length - at, r.chance(0.2) ? 3000 : 20) + 1);
  const ins = r.chance(0.7) ? randomText(r, r.chance(0.1) ? 2500 : 8) : "";
  const op: (number | string | { d: number })[] = [];
  if (at) op.push(at);
  if (ins) op.push(ins);
  if (del) op.push({ d: del });
  return op;
}

describe("CodePointText", () => {
  it("agrees with plain-string apply on short documents", () => {
    for (const seed of seeds(3000, 300)) {
      withSeed(seed, (r) => {
        const doc = randomText(r, 20);
        const op = randomOp(r, codePointLength(doc));
        const t = CodePointText.of(doc).apply(op);
        expect(t.toString()).toBe(apply(doc, op));
        expect(t.length).toBe(codePointLength(t.toString()));
      });
    }
  });

  it("agrees with plain-string apply over many edits of a long document (chunk boundaries, emoji)", () => {
    for (const seed of seeds(4000, 12)) {
      withSeed(seed, (r) => {
        let plain = "";
        for (let i = 0; i < 40; i++) plain += randomText(r, 200);
        let text = CodePointText.of(plain);
        for (let step = 0; step < 150; step++) {
          const op = longOp(r, codePointLength(plain));
          plain = apply(plain, op);
          text = text.apply(op);
          expect(text.length).toBe(codePointLength(plain));
        }
        expect(text.toString()).toBe(plain);
      });
    }
  });

  it("counts two lone surrogate halves that an edit brings together as one code point, like a string", () => {
    const t = CodePointText.of("a\ud83db\udc4dc").apply([2, { d: 1 }]);
    expect(t.toString()).toBe("a👍c");
    expect(t.length).toBe(codePointLength("a👍c"));
  });

  it("refuses an op that reads past the end, like apply", () => {
    const t = CodePointText.of("👍 Қазақ");
    expect(() => t.apply([8])).toThrow(OpDoesNotFitError);
    expect(() => t.apply([3, { d: 6 }])).toThrow(OpDoesNotFitError);
    expect(t.apply([7]).toString()).toBe("👍 Қазақ");
  });

  it("folds a long typing session in linear time", () => {
    // With a plain string, 100,000 single-character ops into one document
    // took 19 s (each op scanned the document from position 0). Here it must
    // take well under a second per 100,000.
    let t = CodePointText.empty;
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) t = t.apply(i === 0 ? ["а"] : [i % 50 === 0 ? Math.floor(i / 2) : i, "а"]);
    const ms = performance.now() - started;
    expect(t.length).toBe(100_000);
    expect(ms).toBeLessThan(5000);
  });
});
