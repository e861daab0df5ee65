import { describe, expect, it } from "vitest";
import {
  authorLegend,
  authorsKey,
  blamePassages,
  cutByCodePoints,
  diffPassages,
  diffSides,
  previousVisit,
} from "../../src/model/history";

describe("history: cutting text by code points", () => {
  it("never splits a surrogate pair and counts an emoji as one", () => {
    expect(cutByCodePoints("a😀bжc", [1, 1, 2, 1])).toEqual(["a", "😀", "bж", "c"]);
    expect(cutByCodePoints("😀😀", [1, 5])).toEqual(["😀", "😀"]);
    expect(cutByCodePoints("", [2])).toEqual([""]);
  });
});

describe("history: blame passages and legend", () => {
  it("lays the runs over the text and numbers author sets in order of appearance", () => {
    const passages = blamePassages("Hi 😀 there", [
      { length: 3n, authors: ["b"] },
      { length: 2, authors: ["a", "b"] },
      { length: 5n, authors: ["b"] },
    ]);
    expect(passages.map((p) => p.text)).toEqual(["Hi ", "😀 ", "there"]);
    const legend = authorLegend(passages);
    expect(legend.map((l) => [l.number, l.authors, l.codePoints])).toEqual([
      [1, ["b"], 8],
      [2, ["a", "b"], 2],
    ]);
    expect(authorsKey(["b", "a"])).toBe(authorsKey(["a", "b"]));
  });
});

describe("history: diff passages", () => {
  it("keeps the concatenation laws of the server's segments", () => {
    const passages = diffPassages([
      { kind: 1, text: "The ", authors: ["a"] },
      { kind: 3, text: "old", authors: [] },
      { kind: 2, text: "new", authors: ["b"] },
      { kind: 1, text: " text", authors: ["a"] },
      { kind: 2, text: "", authors: ["b"] },
    ]);
    expect(passages.map((p) => p.kind)).toEqual(["equal", "deleted", "inserted", "equal"]);
    expect(diffSides(passages)).toEqual({ earlier: "The old text", later: "The new text" });
  });
});

describe("history: the previous visit", () => {
  it("remembers the visit before this one, a reload being the same visit", () => {
    const m = new Map<string, string>();
    const store = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    const hour = 3600_000;
    expect(previousVisit(store, "d", 1000)).toBeNull();
    expect(previousVisit(store, "d", 1000 + 60_000)).toBeNull(); // a reload a minute later
    expect(previousVisit(store, "d", 1000 + 2 * hour)).toBe(1000 + 60_000);
    expect(previousVisit(store, "d", 1000 + 2 * hour + 1000)).toBe(1000 + 60_000);
    expect(previousVisit(store, "d", 1000 + 5 * hour)).toBe(1000 + 2 * hour + 1000);
    m.set("d", "not json");
    expect(previousVisit(store, "d", 1)).toBeNull();
  });
});
