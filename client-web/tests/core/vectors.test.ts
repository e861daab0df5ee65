// The shared test vectors (../tests/vectors/*.json and generated/*.json), the
// same files the C++ engine runs: the browser and the server must agree on
// every case, array for array (tests/vectors/README.md is the format).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AnchoredRange,
  type TextOp,
  OpDoesNotFitError,
  codePointLength,
  apply,
  compose,
  invert,
  parseOp,
  transform,
  transformAnchor,
  transformPosition,
} from "../../src/core";

const VECTORS = resolve(__dirname, "../../../tests/vectors");

interface VectorFile {
  kind: string;
  description: string;
  cases: Record<string, unknown>[];
}

function files(): string[] {
  const out: string[] = [];
  for (const dir of [VECTORS, join(VECTORS, "generated")]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith(".json")) out.push(join(dir, f));
  }
  return out;
}

/** An op from a vector, checked like untrusted input (it must be in normal form already). */
function op(v: unknown): TextOp {
  const r = parseOp(v as unknown[]);
  if ("error" in r) throw new Error(`vector op ${JSON.stringify(v)} is ${r.error}`);
  expect(r.op, "vector ops are in normal form").toEqual(v);
  return r.op;
}

function applyOrError(doc: string, o: TextOp): { text: string } | { error: string } {
  try {
    return { text: apply(doc, o) };
  } catch (e) {
    if (e instanceof OpDoesNotFitError) return { error: "does_not_fit" };
    throw e;
  }
}

const runners: Record<string, (c: Record<string, unknown>) => void> = {
  transform(c) {
    const a = op(c.op);
    const b = op(c.other);
    const side = c.side as "left" | "right";
    const got = transform(a, b, side);
    expect(got).toEqual(c.expected);
    if (typeof c.doc === "string") {
      const viaOther = apply(apply(c.doc, b), got);
      if (c.result !== undefined) expect(viaOther).toBe(c.result);
      const flipped = side === "left" ? "right" : "left";
      expect(apply(apply(c.doc, a), transform(b, a, flipped))).toBe(viaOther);
    }
  },
  compose(c) {
    const got = compose(op(c.a), op(c.b));
    expect(got).toEqual(c.expected);
    if (typeof c.doc === "string") {
      const stepwise = apply(apply(c.doc, op(c.a)), op(c.b));
      expect(apply(c.doc, got)).toBe(stepwise);
      if (c.result !== undefined) expect(stepwise).toBe(c.result);
    }
  },
  apply(c) {
    const got = applyOrError(c.doc as string, op(c.op));
    if ("error" in c) expect(got).toEqual({ error: c.error });
    else expect(got).toEqual({ text: c.expected });
  },
  normalize(c) {
    const got = parseOp(c.components as unknown[]);
    if ("error" in c) expect(got).toEqual({ error: c.error });
    else expect(got).toEqual({ op: c.expected });
  },
  invert(c) {
    const o = op(c.op);
    const doc = c.doc as string;
    const got = invert(o, doc);
    expect(got).toEqual(c.expected);
    expect(apply(apply(doc, o), got)).toBe(doc);
  },
  position(c) {
    expect(transformPosition(c.pos as number, op(c.op), c.stickiness as "before" | "after")).toBe(c.expected);
  },
  anchor(c) {
    const [anchor, head] = c.range as [number, number];
    const got = transformAnchor({ anchor, head }, op(c.op));
    expect([got.anchor, got.head]).toEqual(c.expected);
  },
  anchored_range(c) {
    // A thread's anchor through several ops, exactly as the server moves it.
    const [anchor, head] = c.range as [number, number];
    let text = c.doc as string;
    const a = new AnchoredRange({ anchor, head }, codePointLength(text));
    const expected = c.expected as unknown[];
    (c.ops as unknown[]).forEach((raw, i) => {
      const o = op(raw);
      const before = text;
      a.update(o, codePointLength(before), () => before);
      text = apply(before, o);
      expect({ range: [a.from, a.to], attached: a.attached, changed: a.changed, quote: a.quote }, `after op ${i}`).toEqual(expected[i]);
    });
  },
};

const found = files();

describe("shared vectors", () => {
  it("are there to run (../tests/vectors)", () => {
    expect(found.length, `no vector files under ${VECTORS}`).toBeGreaterThan(0);
  });
});

for (const path of found) {
  const file = JSON.parse(readFileSync(path, "utf8")) as VectorFile;
  const name = path.slice(VECTORS.length + 1);
  describe(`vectors ${name}`, () => {
    const run = runners[file.kind];
    it("has a known kind", () => expect(run, `unknown kind ${file.kind}`).toBeDefined());
    if (!run) return;
    file.cases.forEach((c, i) => {
      it(`${i}: ${String(c.name ?? "")}`, () => run(c));
    });
  });
}
