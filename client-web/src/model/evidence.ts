// An indicator's evidence (issue 19) in words: a reference as a citation, a
// figure's source, a breakdown typed as lines. DOM-free, so the page and its
// tests share one wording; the report's own wording is replay/report's.
//
// A citation reads "Authors (year). Title. Publisher. Link (accessed date)."
// in the style of the published national reports; the title is a separate
// part so that the page can set it in italics.

import type { Figure, FigureBreakdownRow, Reference } from "../gen/kenes/v1/assessment_pb";
import { type Language, translate } from "../i18n";
import { formatDate } from "../i18n/dates";

/** "A", "A and B", "A, B and C", in the language's "and". */
export function joinAuthors(authors: readonly string[], lang: Language): string {
  const names = authors.map((a) => a.trim()).filter(Boolean);
  if (names.length <= 1) return names[0] ?? "";
  const and = translate(lang, "evidence.and");
  return `${names.slice(0, -1).join(", ")} ${and} ${names[names.length - 1]}`;
}

/** A "YYYY-MM-DD" day in the language's words ("2 November 2026"); the text itself if it is not one. */
export function civilDate(day: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  return formatDate(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])), lang, { timeZone: "UTC" });
}

export interface CitationParts {
  /** "Freedom House (2024). " */
  readonly lead: string;
  /** "Freedom on the Net 2024" */
  readonly title: string;
  /** ". Freedom House." — or "." without a publisher. */
  readonly tail: string;
  /** The link, "" when none. */
  readonly link: string;
  /** " (accessed 2 November 2026)." or "". */
  readonly accessed: string;
}

export function citationParts(r: Reference, lang: Language): CitationParts {
  const publisher = r.publisher.trim();
  return {
    lead: `${joinAuthors(r.authors, lang)} (${r.year}). `,
    title: r.title.trim(),
    tail: publisher ? `. ${publisher}.` : ".",
    link: r.link,
    accessed: r.link && r.accessed ? ` (${translate(lang, "evidence.accessed", { date: civilDate(r.accessed, lang) })})` : "",
  };
}

/** The whole citation as one line of text. */
export function citation(r: Reference, lang: Language): string {
  const p = citationParts(r, lang);
  return `${p.lead}${p.title}${p.tail}${p.link ? ` ${p.link}` : ""}${p.accessed}`;
}

/** "Freedom House (2024)": how a figure names the reference it comes from. */
export function shortCitation(r: Reference, lang: Language): string {
  const first = r.authors.map((a) => a.trim()).find(Boolean) ?? "";
  const more = r.authors.filter((a) => a.trim()).length > 1 ? ` ${translate(lang, "evidence.etAl")}` : "";
  return `${first}${more} (${r.year})`;
}

/** A figure's source in words: its reference's short citation, or the text typed. */
export function figureSource(f: Figure, references: readonly Reference[], lang: Language): string {
  if (!f.sourceReferenceId) return f.sourceText;
  const r = references.find((x) => x.referenceId === f.sourceReferenceId);
  // Only a removal racing an edit leaves a figure naming a reference that is
  // gone (the server refuses removing a cited one); say so rather than guess.
  return r ? shortCitation(r, lang) : translate(lang, "evidence.sourceGone", { id: f.sourceReferenceId });
}

/**
 * A breakdown typed one row per line, "label: value" ("women: 86.1%").
 * The last colon splits, so a label may hold one ("15–24: years: 91%" is
 * label "15–24: years"); blank lines are skipped; a line without a colon or
 * with an empty side is returned in `bad` so the form can name it.
 */
export function parseBreakdown(text: string): { rows: { label: string; value: string }[]; bad: string[] } {
  const rows: { label: string; value: string }[] = [];
  const bad: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.lastIndexOf(":");
    const label = at < 0 ? "" : line.slice(0, at).trim();
    const value = at < 0 ? "" : line.slice(at + 1).trim();
    if (!label || !value) bad.push(line);
    else rows.push({ label, value });
  }
  return { rows, bad };
}

/** The rows as the form shows them again. */
export function breakdownText(rows: readonly FigureBreakdownRow[]): string {
  return rows.map((r) => `${r.label}: ${r.value}`).join("\n");
}

/** Authors typed one per line. */
export function parseAuthors(text: string): string[] {
  return text
    .split("\n")
    .map((a) => a.trim())
    .filter(Boolean);
}
