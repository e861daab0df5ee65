// A draft's history in people's terms (issue 20): editing sessions, the
// validation and what changed since, in words — who, when (a date and a time
// range in the page's language, never the browser's), at which meeting —
// rather than version numbers, which stay in a muted detail for the team.
//
// Pure: the language, the names and "now" (whether to say the year) are
// given, so the same function speaks English, Russian and Kazakh in tests.
// Times are shown in the viewer's time zone unless `timeZone` says another.
//
// Intl speaks the page's language where the browser has its data. Chromium
// ships none for Kazakh dates ("M12 8" for 8 December) nor Kazakh lists, so
// where Intl falls back to its root locale the catalog's month names and
// "and" are used instead, with Intl still doing the time zone's arithmetic.

import { type Language, translate } from "../i18n";
import type { EditSession } from "./edit-sessions";

export interface WordsOptions {
  /** Today, ms: a date in this year is said without the year. */
  readonly now: number;
  /** An IANA zone for the tests; the viewer's zone when absent. */
  readonly timeZone?: string;
  /** Tests: use the catalog's month names and "and" even where Intl has the language. */
  readonly ownWords?: boolean;
}

const intlDates = new Map<string, boolean>();
const intlLists = new Map<string, boolean>();

/** Whether Intl has month names in `lang` (its root locale says "M01"). */
function intlHasDates(lang: Language, o: WordsOptions): boolean {
  if (o.ownWords) return false;
  let known = intlDates.get(lang);
  if (known === undefined) {
    const probe = new Intl.DateTimeFormat(lang, { month: "long", timeZone: "UTC" }).format(Date.UTC(2025, 0, 15));
    known = /\p{L}{3}/u.test(probe);
    intlDates.set(lang, known);
  }
  return known;
}

/** Whether Intl joins lists in `lang` with a word (its root locale only puts commas). */
function intlHasLists(lang: Language, o: WordsOptions): boolean {
  if (o.ownWords) return false;
  let known = intlLists.get(lang);
  if (known === undefined) {
    known = new Intl.ListFormat(lang, { type: "conjunction" }).format(["a", "b"]) !== "a, b";
    intlLists.set(lang, known);
  }
  return known;
}

/** The calendar date and time of `ms` in the zone, as numbers (any locale does the arithmetic). */
function dateParts(ms: number, timeZone: string | undefined): { year: number; month: number; day: number; time: string } {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { year: Number(part("year")), month: Number(part("month")), day: Number(part("day")), time: `${part("hour")}:${part("minute")}` };
}

function withYear(ms: number, o: WordsOptions): boolean {
  return dateParts(ms, o.timeZone).year !== dateParts(o.now, o.timeZone).year;
}

function dayOptions(ms: number, o: WordsOptions): Intl.DateTimeFormatOptions {
  return { day: "numeric", month: "long", ...(withYear(ms, o) ? { year: "numeric" } : {}), timeZone: o.timeZone };
}

/** The date from the catalog's words: "8 желтоқсан", "2024 ж. 8 желтоқсан". */
function ownDay(lang: Language, ms: number, o: WordsOptions): string {
  const p = dateParts(ms, o.timeZone);
  const month = translate(lang, "date.months").split("|")[p.month - 1] ?? String(p.month);
  return translate(lang, withYear(ms, o) ? "date.dayYear" : "date.day", { day: p.day, month, year: p.year });
}

/** "12 March" (or "12 March 2024" in another year), in `lang`. */
export function formatDay(lang: Language, ms: number, o: WordsOptions): string {
  if (!intlHasDates(lang, o)) return ownDay(lang, ms, o);
  return new Intl.DateTimeFormat(lang, dayOptions(ms, o)).format(ms);
}

/** A moment: "12 March, 10:40". */
export function formatMoment(lang: Language, ms: number, o: WordsOptions): string {
  if (!intlHasDates(lang, o)) return translate(lang, "date.moment", { date: ownDay(lang, ms, o), time: dateParts(ms, o.timeZone).time });
  return new Intl.DateTimeFormat(lang, { ...dayOptions(ms, o), hour: "numeric", minute: "2-digit" }).format(ms);
}

/** A span of time: "12 March, 10:02–10:47", or both dates when it crosses midnight; "" when unknown. */
export function formatSpan(lang: Language, startMs: number, endMs: number, o: WordsOptions): string {
  const start = startMs || endMs;
  const end = endMs || startMs;
  if (!start) return "";
  if (!intlHasDates(lang, o)) {
    const [a, b] = [dateParts(start, o.timeZone), dateParts(end, o.timeZone)];
    if (a.time === b.time && a.day === b.day && a.month === b.month && a.year === b.year) return formatMoment(lang, start, o);
    if (a.day === b.day && a.month === b.month && a.year === b.year) return translate(lang, "date.moment", { date: ownDay(lang, start, o), time: `${a.time}–${b.time}` });
    return `${formatMoment(lang, start, o)} – ${formatMoment(lang, end, o)}`;
  }
  const f = new Intl.DateTimeFormat(lang, { ...dayOptions(start, o), hour: "numeric", minute: "2-digit" });
  // Intl says one time once ("10:02") when the two fall in the same minute.
  return end > start ? f.formatRange(start, end) : f.format(start);
}

/** "Aigerim, Boris and Dana", in `lang`. */
export function listNames(lang: Language, names: readonly string[], o: Pick<WordsOptions, "ownWords"> = {}): string {
  if (intlHasLists(lang, { now: 0, ...o })) return new Intl.ListFormat(lang, { type: "conjunction" }).format(names);
  if (names.length < 2) return names.join("");
  return `${names.slice(0, -1).join(", ")} ${translate(lang, "list.and")} ${names[names.length - 1]}`;
}

/** One session: "Aigerim · Chair, 12 March, 10:02–10:47, at the meeting “Spring workshop”". */
export function sessionWords(lang: Language, s: EditSession, name: (id: string) => string, meetingTitle: (id: string) => string, o: WordsOptions): string {
  const who = listNames(lang, s.authors.map(name), o);
  const when = formatSpan(lang, s.startMs, s.endMs, o) || translate(lang, "history.unknownTime");
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
  const date = formatDay(lang, v.atMs, o);
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
  const who = listNames(lang, c.authors, o);
  if (!c.sinceMs) return translate(lang, "status.changedBy", { sessions, who });
  return translate(lang, "status.changedSince", { sessions, who, date: formatDay(lang, c.sinceMs, o) });
}
