import { type TextOp, OpBuilder, codePointLength } from "../../src/core";
import { type Random, randomText } from "./random";

/** A random normalized op that fits a document of `length` code points. */
export function randomOp(r: Random, length: number): TextOp {
  const b = new OpBuilder();
  let left = length;
  const steps = 1 + r.int(4);
  for (let i = 0; i < steps; i++) {
    const k = r.int(3);
    if (k === 0 && left > 0) {
      const n = 1 + r.int(left);
      b.retain(n);
      left -= n;
    } else if (k === 1) {
      b.insert(randomText(r, 4) || "a");
    } else if (left > 0) {
      const n = 1 + r.int(Math.min(left, 5));
      b.delete(n);
      left -= n;
    }
  }
  if (r.chance(0.3) && left > 0) b.retain(left);
  return b.done();
}

export function docLength(s: string): number {
  return codePointLength(s);
}
