// A draft's history in people's terms (issue 20): editing sessions, the
// validation and what changed since, in words — who, when (a date and a time
// range in the page's language, never the browser's), at which meeting —
// rather than version numbers, which stay in a muted detail for the team.
//
// Pure: the language, the names and "now" (whether to say the year) are
// given, so the same function speaks English, Russian and Kazakh in tests.
// Times are shown in the viewer's time zone unless `timeZone` says another.
//
// Dates are written by i18n/dates.ts, as everywhere else on the page (en-GB,
// ru-RU, and Kazakh from its own month names), leaving out this year: a
// history speaks of the recent past. Names are joined by Intl's list format
// in the same locales, except Kazakh: Intl has no Kazakh lists (Chromium's
// nor Node's full ICU, which says "a, b, c"), so the catalog's "and" is used.

import { type Language, translate } from "../i18n";
import { DATE_LOCALES, type DateOptions, formatDate, formatTimeRange } from "../i18n/dates";
import type { EditSession } from "./edit-sessions";

export interface WordsOptions {
  /** Today, ms: a date in this year is said without the year. */
  readonly now: number;
  /** An IANA zone for the tests; the viewer's zone when absent. */
  readonly timeZone?: string;
}

function dateOptions(o: WordsOptions): DateOptions {
  return { now: o.now, timeZone: o.timeZone };
}

/** A session's time, "12 March, 10:02–10:47"; "" when neither end is known (0: an edit this page has no time for). */
function sessionTime(lang: Language, s: EditSession, o: WordsOptions): string {
  const start = s.startMs || s.endMs;
  const end = s.endMs || s.startMs;
  return start ? formatTimeRange(start, end, lang, dateOptions(o)) : "";
}

/** "Aigerim, Boris and Dana", in `lang`. */
export function listNames(lang: Language, names: readonly string[]): string {
  if (lang !== "kk") return new Intl.ListFormat(DATE_LOCALES[lang], { type: "conjunction" }).format(names);
  if (names.length < 2) return names.join("");
  return `${names.slice(0, -1).join(", ")} ${translate(lang, "list.and")} ${names[names.length - 1]}`;
}

/** One session: "Aigerim · Chair, 12 March, 10:02–10:47, at the meeting “Spring workshop”". */
export function sessionWords(lang: Language, s: EditSession, name: (id: string) => string, meetingTitle: (id: string) => string, o: WordsOptions): string {
  const who = listNames(lang, s.authors.map(name));
  const when = sessionTime(lang, s, o) || translate(lang, "history.unknownTime");
  return s.meetingId
    ? translate(lang, "history.sessionWordsAt", { who, when, meeting: meetingTitle(s.meetingId) })
    : translate(lang, "history.sessionWords", { who, when });
}

/** How an indicator came to be validated, as far as this page knows. */
export interface ValidationFacts {
  /** By a poll of the board (else by the chair setting the status). */
  readonly byPoll: boolean;
  /** The closing poll's (or the status change's) record time, ms; 0 when unknown. */
  readonly atMs: number;
  /** The meeting it happened during, "" for none or unknown. */
  readonly meetingTitle: string;
}

/** "Validated on 12 March at the meeting “Spring workshop”, by the board's vote." */
export function validationWords(lang: Language, v: ValidationFacts, o: WordsOptions): string {
  if (!v.atMs) return translate(lang, v.byPoll ? "status.validatedPoll" : "status.validatedChair");
  const date = formatDate(v.atMs, lang, dateOptions(o));
  if (v.meetingTitle) return translate(lang, v.byPoll ? "status.validatedPollOnAt" : "status.validatedChairOnAt", { date, meeting: v.meetingTitle });
  return translate(lang, v.byPoll ? "status.validatedPollOn" : "status.validatedChairOn", { date });
}

/** What changed since the validation: how many editing sessions, by whom, since when. */
export interface ChangeFacts {
  readonly sessions: number;
  readonly authors: readonly string[];
  /** When it was validated, ms; 0 when unknown. */
  readonly sinceMs: number;
}

/** "2 editing sessions by Aigerim · Chair since 12 March." */
export function changedWords(lang: Language, c: ChangeFacts, o: WordsOptions): string {
  const sessions = translate(lang, "history.sessionCount", { n: c.sessions });
  const who = listNames(lang, c.authors);
  if (!c.sinceMs) return translate(lang, "status.changedBy", { sessions, who });
  return translate(lang, "status.changedSince", { sessions, who, date: formatDate(c.sinceMs, lang, dateOptions(o)) });
}
