// Document history (issue 6), the pure part: the server's DocumentBlame and
// DocumentDiff turned into passages the page can show, and "since my
// previous visit". Lengths on the wire are code points; JavaScript strings
// are UTF-16, so text is cut by code point here, never by index.

/** A passage of text and who wrote it (an accepted suggestion: two people). */
export interface AuthoredPassage {
  readonly text: string;
  readonly authors: readonly string[];
}

export type DiffKind = "equal" | "inserted" | "deleted";

export interface DiffPassage extends AuthoredPassage {
  readonly kind: DiffKind;
}

/** Cuts `text` into consecutive pieces of the given code point lengths; what is left over is dropped. */
export function cutByCodePoints(text: string, lengths: readonly number[]): string[] {
  const out: string[] = [];
  let i = 0;
  for (const n of lengths) {
    const start = i;
    for (let k = 0; k < n && i < text.length; k++) {
      const c = text.charCodeAt(i);
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
    }
    out.push(text.slice(start, i));
  }
  return out;
}

/** Blame runs (code point lengths) over the text, as passages. */
export function blamePassages(
  text: string,
  runs: readonly { readonly length: number | bigint; readonly authors: readonly string[] }[],
): AuthoredPassage[] {
  const pieces = cutByCodePoints(
    text,
    runs.map((r) => Number(r.length)),
  );
  return runs.map((r, i) => ({ text: pieces[i] ?? "", authors: [...r.authors] })).filter((p) => p.text !== "");
}

/** The wire's DiffSegment.Kind (1 equal, 2 inserted, 3 deleted) as a word. */
export function diffKind(kind: number): DiffKind {
  return kind === 2 ? "inserted" : kind === 3 ? "deleted" : "equal";
}

export function diffPassages(
  segments: readonly { readonly kind: number; readonly text: string; readonly authors: readonly string[] }[],
): DiffPassage[] {
  return segments.filter((s) => s.text !== "").map((s) => ({ kind: diffKind(s.kind), text: s.text, authors: [...s.authors] }));
}

/** The two texts a diff joins: equal + deleted is the earlier, equal + inserted the later. */
export function diffSides(passages: readonly DiffPassage[]): { earlier: string; later: string } {
  let earlier = "";
  let later = "";
  for (const p of passages) {
    if (p.kind !== "inserted") earlier += p.text;
    if (p.kind !== "deleted") later += p.text;
  }
  return { earlier, later };
}

/** A legend entry: one set of authors, its share of the text, numbered in order of first appearance. */
export interface LegendEntry {
  readonly key: string;
  readonly authors: readonly string[];
  readonly number: number;
  readonly codePoints: number;
}

/** The key under which a set of authors is shaded and listed. */
export function authorsKey(authors: readonly string[]): string {
  return [...authors].sort().join("\u0000");
}

export function authorLegend(passages: readonly AuthoredPassage[]): LegendEntry[] {
  const byKey = new Map<string, { authors: readonly string[]; number: number; codePoints: number }>();
  for (const p of passages) {
    const key = authorsKey(p.authors);
    let e = byKey.get(key);
    if (!e) {
      e = { authors: p.authors, number: byKey.size + 1, codePoints: 0 };
      byKey.set(key, e);
    }
    e.codePoints += [...p.text].length;
  }
  return [...byKey.entries()].map(([key, e]) => ({ key, ...e }));
}

/** Minimal storage (localStorage, or a Map in tests). */
export interface VisitStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * When this browser last opened the document before now, if ever (ms since
 * the epoch), and records `now` as the latest visit. A visit within
 * `sameVisitMs` of the recorded one counts as the same visit (a reload), so
 * the previous one is kept.
 */
export function previousVisit(store: VisitStore, key: string, now: number, sameVisitMs = 10 * 60 * 1000): number | null {
  const raw = store.getItem(key);
  let last: { previous: number | null; latest: number } | null = null;
  try {
    last = raw ? (JSON.parse(raw) as { previous: number | null; latest: number }) : null;
  } catch {
    last = null;
  }
  if (last && typeof last.latest === "number" && now - last.latest < sameVisitMs) {
    store.setItem(key, JSON.stringify({ previous: last.previous ?? null, latest: now }));
    return last.previous ?? null;
  }
  const previous = last && typeof last.latest === "number" ? last.latest : null;
  store.setItem(key, JSON.stringify({ previous, latest: now }));
  return previous;
}
