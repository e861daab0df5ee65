import { describe, expect, it } from "vitest";
import { apply, codePointToUtf16, opToUtf16Changes, utf16ChangesToOp, utf16ToCodePoint } from "../../src/core";
import { randomText, seeds, withSeed } from "../support/random";
import { docLength, randomOp } from "../support/random-op";

function applyUtf16(text: string, changes: { from: number; to: number; insert: string }[]): string {
  let out = "";
  let at = 0;
  for (const c of changes) {
    out += text.slice(at, c.from) + c.insert;
    at = c.to;
  }
  return out + text.slice(at);
}

describe("UTF-16 <-> code point positions", () => {
  const text = "a👍Привет Қазақстан 🇰🇿!";
  it("maps positions after an emoji (two UTF-16 units, one code point)", () => {
    expect(utf16ToCodePoint(text, 3)).toBe(2); // after "a👍"
    expect(codePointToUtf16(text, 2)).toBe(3);
  });
  it("maps Cyrillic and Kazakh letters one to one", () => {
    const i = text.indexOf("Қ");
    expect(utf16ToCodePoint(text, i + 5)).toBe(utf16ToCodePoint(text, i) + 5);
    expect(codePointToUtf16("Қазақ", 3)).toBe(3);
  });
  it("maps a flag as two code points of two units each", () => {
    const i = text.indexOf("🇰🇿");
    expect(utf16ToCodePoint(text, i + 4) - utf16ToCodePoint(text, i)).toBe(2);
  });
  it("round-trips every code point boundary", () => {
    const cps = docLength(text);
    for (let p = 0; p <= cps; p++) expect(utf16ToCodePoint(text, codePointToUtf16(text, p))).toBe(p);
  });
  it("clamps positions past the end", () => {
    expect(codePointToUtf16("👍", 5)).toBe(2);
    expect(utf16ToCodePoint("👍", 9)).toBe(1);
  });
});

describe("editor changes <-> ops", () => {
  it("turns a CodeMirror-style change after an emoji into code point retains", () => {
    const text = "👍 Сәлем";
    const from = text.indexOf("С");
    expect(utf16ChangesToOp(text, [{ from, to: from + 5, insert: "Hello" }])).toEqual([2, "Hello", { d: 5 }]);
  });
  it("turns an op into UTF-16 changes of the document before it", () => {
    const text = "😀😀abc";
    expect(opToUtf16Changes(text, [2, "ә", { d: 1 }])).toEqual([{ from: 4, to: 5, insert: "ә" }]);
    expect(opToUtf16Changes(text, [1, "x", 1, "y"])).toEqual([
      { from: 2, to: 2, insert: "x" },
      { from: 4, to: 4, insert: "y" },
    ]);
  });
  it("round-trips random ops on Unicode text", () => {
    for (const seed of seeds(7000, 300)) {
      withSeed(seed, (r) => {
        const doc = randomText(r, 15);
        const op = randomOp(r, docLength(doc));
        const changes = opToUtf16Changes(doc, op);
        expect(applyUtf16(doc, changes)).toBe(apply(doc, op));
        expect(utf16ChangesToOp(doc, changes)).toEqual(op);
      });
    }
  });
});
