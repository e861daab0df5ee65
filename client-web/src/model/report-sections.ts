// The report's own chapters (issue 19): front and back matter written as
// drafts like the indicators — foreword, acknowledgements, executive summary,
// introduction, methodology, limitations, then the contextual and ROAM-X
// chapters (the framework's categories, with their indicators and
// recommendations), then conclusions, annexes, references. Each is the
// document `report/<slug>`; the server's export reads them by these ids and
// prints them in this order, so the slugs must match replay/report/.
import type { ConsultationState } from "./consultation";

/** The sections before the chapters, in the national report's order. */
export const REPORT_FRONT_SLUGS = ["foreword", "acknowledgements", "executive-summary", "introduction", "methodology", "limitations"] as const;
/** The sections after the chapters, in the national report's order. */
export const REPORT_BACK_SLUGS = ["conclusions", "annexes", "references"] as const;
/** Every section, in the report's order (the chapters go between the two lists). */
export const REPORT_SECTION_SLUGS = [...REPORT_FRONT_SLUGS, ...REPORT_BACK_SLUGS] as const;
export type ReportSectionSlug = (typeof REPORT_SECTION_SLUGS)[number];

/** One line of the report's outline: a section draft, or the chapters as a whole. */
export type ReportOutlineEntry = { readonly kind: "section"; readonly slug: ReportSectionSlug } | { readonly kind: "chapters" };

/** The report from first page to last, as the Report page lists it. */
export const REPORT_OUTLINE: readonly ReportOutlineEntry[] = [
  ...REPORT_FRONT_SLUGS.map((slug) => ({ kind: "section" as const, slug })),
  { kind: "chapters" },
  ...REPORT_BACK_SLUGS.map((slug) => ({ kind: "section" as const, slug })),
];

const REPORT_PREFIX = "report/";

export function isReportSectionSlug(slug: string): slug is ReportSectionSlug {
  return (REPORT_SECTION_SLUGS as readonly string[]).includes(slug);
}

/** The document id of one section's draft. */
export function reportSectionDocId(slug: ReportSectionSlug): string {
  return `${REPORT_PREFIX}${slug}`;
}

/** The section a document id names, or null when it is none of them. */
export function reportSlugOf(docId: string): ReportSectionSlug | null {
  if (!docId.startsWith(REPORT_PREFIX)) return null;
  const slug = docId.slice(REPORT_PREFIX.length);
  return isReportSectionSlug(slug) ? slug : null;
}

// A word: letters, combining marks and digits, possibly joined by an
// apostrophe or a hyphen ("don't", "UN-led", "Қазақстан"); a number keeps
// its decimal point ("81.3"). Markdown's own marks (#, *, |, -) are not words.
const WORD = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+|[.,]\p{N}+)*/gu;

/** How many words a text has, in any of the page's scripts. */
export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(WORD)) n++;
  return n;
}

/** What the Report page shows of one section. */
export interface ReportSectionState {
  readonly slug: ReportSectionSlug;
  readonly docId: string;
  /** Whether the draft has any text (known before its text is loaded). */
  readonly drafted: boolean;
  /** Its words, or null while its text is not in the page (joined by state). */
  readonly words: number | null;
  readonly openThreads: number;
  readonly unreadComments: number;
}

export function reportSectionState(st: ConsultationState, slug: ReportSectionSlug): ReportSectionState {
  const docId = reportSectionDocId(slug);
  // hasDoc first: doc() would make an entry for a draft nobody touched.
  const doc = st.hasDoc(docId) ? st.doc(docId) : null;
  const threads = st.discussion.summary(docId);
  return {
    slug,
    docId,
    drafted: (doc?.length ?? 0) > 0,
    words: !doc ? 0 : doc.loaded ? countWords(doc.text) : null,
    openThreads: threads.open,
    unreadComments: threads.unread,
  };
}
