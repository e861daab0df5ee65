import { describe, expect, it } from "vitest";
import { apply, diff, transform, wordDiff } from "../../src/core";
import { Random } from "../support/random";

describe("wordDiff", () => {
  it("turns one text into the other, for random texts (seeded)", () => {
    const seed = Number(process.env.KENES_SEED ?? 16007);
    const r = new Random(seed);
    const words = ["a", "bb", "Қазақ", "👍🏽", " ", "  ", "\n", "ccc", "d."];
    const text = () => Array.from({ length: r.int(41) }, () => r.pick(words)).join("");
    for (let i = 0; i < 500; i++) {
      const from = text();
      const to = r.int(3) === 0 ? text() : from.replace(/bb/g, () => r.pick(words));
      expect(apply(from, wordDiff(from, to)), `seed ${seed}, case ${i}: ${JSON.stringify([from, to])}`).toBe(to);
      expect(apply(from, wordDiff(from, to, 2)), `seed ${seed}, case ${i} (fallback)`).toBe(to);
    }
  });

  it("keeps what stayed between two changes, so a merged edit lands where it was made", () => {
    const base = "One two three four five six.";
    const server = "Zero one two three four five six seven.";
    const mine = [7, " and a half"]; // after "One two"
    const coarse = apply(server, transform(mine, diff(base, server), "right"));
    const fine = apply(server, transform(mine, wordDiff(base, server), "right"));
    expect(fine).toBe("Zero one two and a half three four five six seven.");
    expect(coarse).not.toBe(fine);
  });
});
