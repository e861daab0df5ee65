// AnchoredRange (the port of engine/anchored_range.h): hand cases, and a
// seeded random test against a brute-force oracle that tags every character
// with an identity and follows the tags through each op. The anchor must
// cover exactly the surviving anchored characters plus what was inserted
// strictly inside; "changed" must say whether any op deleted one of them or
// inserted strictly inside; a detaching op must leave the exact quote and
// context. A failure names its seed (KENES_SEED=<n> npm test).
import { describe, expect, it } from "vitest";
import { AnchoredRange, CONTEXT_LENGTH, type TextOp, apply, isInsert, isRetain, sliceCodePoints } from "../../src/core";
import { randomText, seeds, withSeed } from "../support/random";
import { docLength, randomOp } from "../support/random-op";

function moved(doc: string, range: [number, number], ...ops: TextOp[]): AnchoredRange {
  const a = new AnchoredRange({ anchor: range[0], head: range[1] }, docLength(doc));
  let text = doc;
  for (const op of ops) {
    const before = text;
    a.update(op, docLength(before), () => before);
    text = apply(before, op);
  }
  return a;
}

describe("AnchoredRange", () => {
  it("text typed at either edge stays outside, inside grows it", () => {
    const a = moved("abc quick fox", [4, 9], [4, "very "], [14, "!"]);
    expect([a.from, a.to, a.changed]).toEqual([9, 14, false]);
    const b = moved("abc quick fox", [4, 9], [6, "ü"]);
    expect([b.from, b.to, b.changed]).toEqual([4, 10, true]);
  });

  it("a partial delete shrinks it and marks it changed", () => {
    const a = moved("Привет мир", [0, 6], [4, { d: 4 }]);
    expect([a.from, a.to, a.attached, a.changed]).toEqual([0, 4, true, true]);
  });

  it("deleting all of it detaches, keeping the quote and context; the point follows", () => {
    const doc = "Қазақстан 👍 baseline text";
    const a = moved(doc, [10, 11], [8, { d: 5 }]);
    expect(a.attached).toBe(false);
    expect(a.quote).toEqual({ text: "👍", before: "Қазақстан ", after: " baseline text" });
    expect([a.from, a.to, a.changed]).toEqual([8, 8, true]);
    // A detached anchor is a point that stays before text inserted at it.
    const before = apply(doc, [8, { d: 5 }]);
    a.update([8, "zz"], docLength(before), () => before);
    expect([a.from, a.to]).toEqual([8, 8]);
    a.update([0, "12"], docLength(before) + 2, () => "");
    expect([a.from, a.to]).toEqual([10, 10]);
  });

  it("replacing the whole range (an accepted suggestion) detaches it after the new text", () => {
    const a = moved("one two three", [4, 7], [4, "2", { d: 3 }]);
    expect([a.attached, a.from, a.to, a.quote?.text]).toEqual([false, 5, 5, "two"]);
  });

  it("context is at most CONTEXT_LENGTH code points each side", () => {
    const left = "л".repeat(40);
    const right = "😀".repeat(40);
    const a = moved(left + "XY" + right, [40, 42], [40, { d: 2 }]);
    expect(a.quote).toEqual({ text: "XY", before: "л".repeat(CONTEXT_LENGTH), after: "😀".repeat(CONTEXT_LENGTH) });
  });

  it("re-attaching keeps changed; locateQuote finds the best match", () => {
    const doc = "the cat sat. the cat ran.";
    const a = moved(doc, [17, 20], [17, { d: 3 }]);
    const now = apply(doc, [17, { d: 3 }]);
    // The other "cat" is the only occurrence left: a hint, even with poorer context.
    expect(a.locateQuote(now)).toEqual({ from: 4, to: 7 });
    const twice = "the cat sat. the cat ran. cat ran";
    expect(a.locateQuote(twice)).toEqual({ from: 17, to: 20 });
    a.reattach({ anchor: 7, head: 4 }, docLength(now));
    expect([a.attached, a.from, a.to, a.changed]).toEqual([true, 4, 7, true]);
  });

  it("refuses an empty range, a range past the end, an op that does not fit", () => {
    expect(() => new AnchoredRange({ anchor: 2, head: 2 }, 5)).toThrow(RangeError);
    expect(() => new AnchoredRange({ anchor: 2, head: 6 }, 5)).toThrow(RangeError);
    const a = new AnchoredRange({ anchor: 1, head: 3 }, 5);
    expect(() => a.update([{ d: 6 }], 5, () => "abcde")).toThrow();
    expect([a.from, a.to, a.changed]).toEqual([1, 3, false]);
  });
});

interface Tagged {
  ch: string;
  id: number;
}

/** Applies op to tagged characters; returns the new list and where each insert happened (old positions). */
function applyTagged(doc: Tagged[], op: TextOp, nextId: () => number): { out: Tagged[]; inserts: { at: number; ids: number[] }[]; deleted: Set<number> } {
  const out: Tagged[] = [];
  const inserts: { at: number; ids: number[] }[] = [];
  const deleted = new Set<number>();
  let i = 0;
  for (const c of op) {
    if (isRetain(c)) {
      for (let k = 0; k < c; k++) out.push(doc[i++]!);
    } else if (isInsert(c)) {
      const ids: number[] = [];
      for (const ch of c) {
        const t = { ch, id: nextId() };
        ids.push(t.id);
        out.push(t);
      }
      inserts.push({ at: i, ids });
    } else {
      for (let k = 0; k < c.d; k++) deleted.add(doc[i++]!.id);
    }
  }
  while (i < doc.length) out.push(doc[i++]!);
  return { out, inserts, deleted };
}

describe("AnchoredRange against a brute-force oracle (seeded, Unicode)", () => {
  it("covers exactly its characters through random ops", () => {
    for (const seed of seeds(7001, 400)) {
      withSeed(seed, (r) => {
        let text = randomText(r, 40) + "ab";
        let id = 0;
        let tagged: Tagged[] = Array.from(text, (ch) => ({ ch, id: id++ }));
        const n = tagged.length;
        const from = r.int(n - 1);
        const to = from + 1 + r.int(n - from - 1);
        const a = new AnchoredRange({ anchor: to, head: from }, n);
        let members = new Set(tagged.slice(from, to).map((t) => t.id));
        let changed = false;
        for (let step = 0; step < 12; step++) {
          const before = text;
          const op = randomOp(r, docLength(before));
          const wasAttached = a.attached;
          const oldFrom = a.from;
          const oldTo = a.to;
          const res = applyTagged(tagged, op, () => id++);
          a.update(op, docLength(before), () => before);
          text = apply(before, op);
          tagged = res.out;
          expect(tagged.map((t) => t.ch).join("")).toBe(text);
          if (!wasAttached) {
            expect(a.from).toBe(a.to);
            continue;
          }
          // The oracle: deleted members leave; inserts strictly inside join.
          for (const d of res.deleted) if (members.delete(d)) changed = true;
          for (const ins of res.inserts) {
            if (ins.at > oldFrom && ins.at < oldTo) {
              changed = true;
              for (const x of ins.ids) members.add(x);
            }
          }
          const desc = `step ${step} op=${JSON.stringify(op)} range was [${oldFrom}, ${oldTo}) of ${JSON.stringify(before)}`;
          expect(a.changed, desc).toBe(changed);
          if (members.size === 0) {
            expect(a.attached, desc).toBe(false);
            expect(a.quote, desc).toEqual({
              text: sliceCodePoints(before, oldFrom, oldTo),
              before: sliceCodePoints(before, Math.max(0, oldFrom - CONTEXT_LENGTH), oldFrom),
              after: sliceCodePoints(before, oldTo, oldTo + CONTEXT_LENGTH),
            });
            continue;
          }
          const positions = tagged.flatMap((t, k) => (members.has(t.id) ? [k] : []));
          expect(a.attached, desc).toBe(true);
          expect([a.from, a.to], desc).toEqual([positions[0], positions[positions.length - 1]! + 1]);
          // Contiguous: nothing outside the anchor sits between its characters.
          expect(positions.length, desc).toBe(a.to - a.from);
          members = new Set(positions.map((k) => tagged[k]!.id));
        }
      });
    }
  });
});

describe("AnchoredRange.restore", () => {
  it("is the anchor the server left: attached, it moves on as before", () => {
    const a = AnchoredRange.restore(4, 9, true, null);
    a.update([4, "very "], 13, () => "abc quick fox");
    expect([a.from, a.to, a.attached, a.changed]).toEqual([9, 14, true, true]);
  });

  it("detached, it follows the text as a point and still finds its quote", () => {
    const a = AnchoredRange.restore(3, 3, false, { text: "two", before: "one ", after: " three" });
    a.update(["zero "], 9, () => "one three");
    expect([a.from, a.to, a.attached]).toEqual([8, 8, false]);
    expect(a.locateQuote("zero one two three")).toEqual({ from: 9, to: 12 });
  });
});
