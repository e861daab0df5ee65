import { describe, expect, it } from "vitest";
import {
  OpBuilder,
  OpDoesNotFitError,
  apply,
  codePointLength,
  diff,
  inputLength,
  isNormalized,
  normalize,
} from "../../src/core";

describe("codePointLength", () => {
  it("counts an emoji as one and Cyrillic letters as one each", () => {
    expect(codePointLength("👍")).toBe(1);
    expect(codePointLength("Привет")).toBe(6);
    expect(codePointLength("Қазақ")).toBe(5);
    expect(codePointLength("e\u0301")).toBe(2); // e + combining acute: two code points
    expect(codePointLength("🇰🇿")).toBe(2); // a flag is two regional indicators
  });
  it("counts a lone surrogate as one", () => {
    expect(codePointLength("a\ud83d")).toBe(2);
  });
});

describe("normalize", () => {
  it("drops empty components and merges neighbours of one kind", () => {
    expect(normalize([0, "", 2, 3, "a", "b", { d: 0 }, { d: 1 }, { d: 2 }])).toEqual([5, "ab", { d: 3 }]);
  });
  it("puts an insert before a delete at the same position", () => {
    expect(normalize([1, { d: 2 }, "x"])).toEqual([1, "x", { d: 2 }]);
    expect(normalize(["a", { d: 2 }, "b", { d: 1 }])).toEqual(["ab", { d: 3 }]);
  });
  it("drops the trailing retain", () => {
    expect(normalize([3, "x", 4])).toEqual([3, "x"]);
    expect(normalize([7])).toEqual([]);
  });
  it("returns ops that isNormalized accepts", () => {
    expect(isNormalized(normalize([1, { d: 1 }, "x", 0, 2]))).toBe(true);
    expect(isNormalized([1, 2])).toBe(false);
    expect(isNormalized([{ d: 1 }, "x"])).toBe(false);
    expect(isNormalized([3])).toBe(false);
    expect(isNormalized([])).toBe(true);
  });
});

describe("apply", () => {
  it("applies retain, insert and delete counting code points", () => {
    expect(apply("Привет мир", [7, "👍 ", { d: 3 }])).toBe("Привет 👍 ");
    expect(apply("a👍b", [1, { d: 1 }])).toBe("ab");
    expect(apply("", ["Қазақстан"])).toBe("Қазақстан");
  });
  it("retains the rest implicitly", () => {
    expect(apply("hello", ["¡"])).toBe("¡hello");
  });
  it("refuses an op that reads past the end", () => {
    expect(() => apply("ab", [3])).toThrow(OpDoesNotFitError);
    expect(() => apply("👍", [1, { d: 1 }])).toThrow(OpDoesNotFitError);
  });
  it("counts what an op reads", () => {
    expect(inputLength([2, "xyz", { d: 3 }])).toBe(5);
  });
});

describe("OpBuilder", () => {
  it("builds in normal form whatever the order of appends", () => {
    const op = new OpBuilder().retain(1).delete(1).insert("a").delete(1).insert("b").retain(5).done();
    expect(op).toEqual([1, "ab", { d: 2 }]);
  });
});

describe("diff", () => {
  it("replaces the differing middle only", () => {
    expect(diff("Привет мир", "Привет, мир")).toEqual([6, ","]);
    expect(diff("a👍b", "ab")).toEqual([1, { d: 1 }]);
    expect(diff("same", "same")).toEqual([]);
  });
});
