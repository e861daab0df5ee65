// An op from one text to another that keeps what did not change, for a
// three-way merge (DocClient.placeByText): the server's changes since the
// text unsent work was made on are recovered as wordDiff(base, server), and
// the work is transformed past that op. diff() in text-op.ts replaces the
// whole differing middle; a change at each end of a draft would then make
// the merge treat everything between as replaced, moving the person's edits
// to its edges. Myers' O(ND) diff over words and runs of spaces finds what
// stayed; each changed stretch is then narrowed to its differing middle.
//
// Past `maxEdits` word insertions and deletions (a text rewritten, not
// edited) it settles for diff(): the merge still keeps every edit, only less
// precisely placed.

import { OpBuilder, type TextOp, codePointLength, diff, inputLength } from "./text-op";

const TOKEN = /\s+|[^\s]+/gu;

export function wordDiff(from: string, to: string, maxEdits = 1000): TextOp {
  const a = from.match(TOKEN) ?? [];
  const b = to.match(TOKEN) ?? [];
  const script = myers(a, b, maxEdits);
  if (!script) return diff(from, to);
  const out = new OpBuilder();
  let i = 0;
  let j = 0;
  let k = 0;
  while (k < script.length) {
    if (script[k] === 0) {
      out.retain(codePointLength(a[i++]!));
      j++;
      k++;
      continue;
    }
    // A changed stretch: the deleted and inserted words up to the next kept one.
    let removed = "";
    let added = "";
    while (k < script.length && script[k] !== 0) {
      if (script[k] === -1) removed += a[i++];
      else added += b[j++];
      k++;
    }
    const middle = diff(removed, added);
    for (const c of middle) {
      if (typeof c === "number") out.retain(c);
      else if (typeof c === "string") out.insert(c);
      else out.delete(c.d);
    }
    // A normal op leaves out its trailing retain: the common end of the stretch.
    out.retain(codePointLength(removed) - inputLength(middle));
  }
  return out.done();
}

/**
 * The edit script from a to b: 0 keep a word of both, -1 delete a word of a,
 * +1 insert a word of b; null if it needs more than `max` insertions and
 * deletions.
 */
function myers(a: readonly string[], b: readonly string[], max: number): (0 | 1 | -1)[] | null {
  const n = a.length;
  const m = b.length;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // v as it was before each step d, over the diagonals step d reads.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], dEnd: number, n: number, m: number): (0 | 1 | -1)[] {
  const script: (0 | 1 | -1)[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const t = trace[d]!;
    // t[i] is v[k] for k = i - d - 1.
    const at = (k: number) => t[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      script.push(0);
      x--;
      y--;
    }
    if (x === prevX) {
      script.push(1);
      y--;
    } else {
      script.push(-1);
      x--;
    }
  }
  while (x > 0 && y > 0) {
    script.push(0);
    x--;
    y--;
  }
  return script.reverse();
}
