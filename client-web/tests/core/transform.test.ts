import { describe, expect, it } from "vitest";
import { apply, compose, transform, transformPosition } from "../../src/core";

describe("transform", () => {
  it("keeps the left op's insert first when both insert at one position", () => {
    const a = [1, "A"];
    const b = [1, "B"];
    expect(transform(a, b, "left")).toEqual([1, "A"]);
    expect(transform(b, a, "right")).toEqual([2, "B"]);
    expect(apply(apply("xy", a), transform(b, a, "right"))).toBe("xABy");
    expect(apply(apply("xy", b), transform(a, b, "left"))).toBe("xABy");
  });
  it("shifts an insert past text inserted before it", () => {
    expect(transform([3, "!"], ["Сәлем "], "right")).toEqual([9, "!"]);
  });
  it("drops a delete of text the other op already deleted", () => {
    expect(transform([1, { d: 2 }], [{ d: 3 }], "left")).toEqual([]);
    expect(transform([{ d: 2 }], [1, { d: 2 }], "left")).toEqual([{ d: 1 }]);
  });
  it("keeps an insert inside a range the other op deleted", () => {
    expect(transform([2, "x"], [1, { d: 3 }], "left")).toEqual([1, "x"]);
  });
  it("counts an emoji as one code point", () => {
    expect(transform([1, "!"], ["👍"], "right")).toEqual([2, "!"]);
  });
});

describe("compose", () => {
  it("has the effect of both ops in order", () => {
    const a = [2, "Қ"];
    const b = [3, "аз", { d: 1 }];
    expect(apply(apply("abcd", a), b)).toBe(apply("abcd", compose(a, b)));
    expect(compose(a, b)).toEqual([2, "Қаз", { d: 1 }]);
  });
  it("cancels an insert that the second op deletes", () => {
    expect(compose(["hello"], [{ d: 5 }])).toEqual([]);
  });
  it("keeps the first op's deletes", () => {
    expect(compose([{ d: 2 }], ["x"])).toEqual(["x", { d: 2 }]);
  });
});

describe("transformPosition", () => {
  it("moves a position past text inserted before it", () => {
    expect(transformPosition(3, ["👍👍"])).toBe(5);
  });
  it("keeps a position before an insert at it unless told to stick after", () => {
    expect(transformPosition(2, [2, "xy"])).toBe(2);
    expect(transformPosition(2, [2, "xy"], "after")).toBe(4);
  });
  it("is not moved by an insert after it", () => {
    expect(transformPosition(2, [5, "x"], "after")).toBe(2);
  });
  it("moves a position inside deleted text to where the deletion happened", () => {
    expect(transformPosition(4, [2, { d: 5 }])).toBe(2);
    expect(transformPosition(9, [2, { d: 5 }])).toBe(4);
  });
});
