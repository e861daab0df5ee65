// Dates and times in the page's language (issue 19): the one place the
// client turns a moment into words. Every view formats through here, never
// with toLocaleString() (the browser's language, not the page's).
//
// English and Russian come from Intl with an explicit locale (en-GB, ru-RU).
// Kazakh does not: Chromium ships without Kazakh date data, so
// Intl.DateTimeFormat("kk-KZ", {month: "long"}) says "M03" there (Node's
// full ICU says "наурыз"). Kazakh is therefore written here from its month
// names, in the order ICU's Kazakh data has it ("2025 ж. 12 наурыз"), so a
// Kazakh page reads the same in every browser. The numbers of every language
// (day, year, hour, minute) come from Intl's numeric parts, which every
// engine has, so a time zone given in the options is honoured in all three.
//
// Each function takes a moment as ms since the Unix epoch (or a Date), the
// language (default: the page's current one) and options; an invalid moment
// gives "" rather than "Invalid Date". Places that speak of a recent past in
// sentences (the history's "Validated on 12 March …", its editing sessions)
// pass `now` to leave out this year, in the same style as everywhere else.
import { type Language, language } from "./index";

export interface DateOptions {
  /** An IANA zone ("Asia/Almaty"); default: the browser's own. */
  readonly timeZone?: string;
  /** The month abbreviated ("12 Mar 2025"), for dense places such as comment heads. */
  readonly short?: boolean;
  /**
   * Today: a moment in the same year (in the zone) is written without the
   * year ("12 March", "12 марта", "12 наурыз"), one in another year with it.
   * Absent: always with the year.
   */
  readonly now?: number | Date;
}

/** The Intl locale of each page language. */
export const DATE_LOCALES: Record<Language, string> = { en: "en-GB", ru: "ru-RU", kk: "kk-KZ" };

/** Kazakh month names, as dates use them ("12 наурыз"), January first. */
export const KAZAKH_MONTHS: readonly string[] = [
  "қаңтар",
  "ақпан",
  "наурыз",
  "сәуір",
  "мамыр",
  "маусым",
  "шілде",
  "тамыз",
  "қыркүйек",
  "қазан",
  "қараша",
  "желтоқсан",
];

/** Their abbreviations, as ICU's Kazakh data writes them. */
export const KAZAKH_MONTHS_SHORT: readonly string[] = ["қаң.", "ақп.", "нау.", "сәу.", "мам.", "мау.", "шіл.", "там.", "қыр.", "қаз.", "қар.", "жел."];

function moment(at: number | Date): Date | null {
  const d = typeof at === "number" ? new Date(at) : at;
  return Number.isFinite(d.getTime()) ? d : null;
}

interface Parts {
  readonly year: string;
  readonly month: number; // 0..11
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
}

/** The numbers of a moment in a zone, from Intl's numeric fields (present in every engine). */
function numericParts(d: Date, timeZone: string | undefined): Parts {
  const f = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const parts = f.formatToParts(d);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return { year: String(Number(get("year"))), month: Number(get("month")) - 1, day: String(Number(get("day"))), hour: get("hour"), minute: get("minute") };
}

function sameDay(a: Parts, b: Parts): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** Whether to write the year of `d`: always, unless `now` is given and in the same year. */
function withYear(d: Date, opts: DateOptions): boolean {
  const now = opts.now === undefined ? null : moment(opts.now);
  return !now || numericParts(d, opts.timeZone).year !== numericParts(now, opts.timeZone).year;
}

/** "12 March 2025", "12 марта 2025 г.", "2025 ж. 12 наурыз"; with `now` in 2025, "12 March", "12 марта", "12 наурыз". */
export function formatDate(at: number | Date, lang: Language = language(), opts: DateOptions = {}): string {
  const d = moment(at);
  if (!d) return "";
  const year = withYear(d, opts);
  if (lang === "kk") {
    const p = numericParts(d, opts.timeZone);
    const month = (opts.short ? KAZAKH_MONTHS_SHORT : KAZAKH_MONTHS)[p.month] ?? "";
    return year ? `${p.year} ж. ${p.day} ${month}` : `${p.day} ${month}`;
  }
  return new Intl.DateTimeFormat(DATE_LOCALES[lang], { timeZone: opts.timeZone, day: "numeric", month: opts.short ? "short" : "long", ...(year ? { year: "numeric" } : {}) }).format(d);
}

/** "09:05" in all three (the 24-hour clock each of them uses). */
export function formatTime(at: number | Date, lang: Language = language(), opts: DateOptions = {}): string {
  const d = moment(at);
  if (!d) return "";
  if (lang === "kk") {
    const p = numericParts(d, opts.timeZone);
    return `${p.hour}:${p.minute}`;
  }
  return new Intl.DateTimeFormat(DATE_LOCALES[lang], { timeZone: opts.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
}

/**
 * "12 March 2025, 09:05", "12 марта 2025 г., 09:05", "2025 ж. 12 наурыз, 09:05"
 * (with `now` in that year: "12 March, 09:05").
 * The date and the time are joined here rather than by Intl, whose
 * connecting word ("at", "в") differs between engines' ICU versions.
 */
export function formatDateTime(at: number | Date, lang: Language = language(), opts: DateOptions = {}): string {
  const d = moment(at);
  if (!d) return "";
  return `${formatDate(d, lang, opts)}, ${formatTime(d, lang, opts)}`;
}

/** The time alone when the moment is on `now`'s day, else the date and the time (short month). */
export function formatNearby(at: number | Date, now: number | Date = Date.now(), lang: Language = language(), opts: DateOptions = {}): string {
  const d = moment(at);
  const n = moment(now);
  if (!d) return "";
  if (n) {
    const a = numericParts(d, opts.timeZone);
    const b = numericParts(n, opts.timeZone);
    if (sameDay(a, b)) return formatTime(d, lang, opts);
  }
  return formatDateTime(d, lang, { ...opts, short: true });
}

/**
 * A span of time, such as an editing session: "12 March 2025, 10:02–10:47"
 * within a day, one moment when both ends fall in the same minute, and
 * "12 March 2025, 23:50 – 13 March 2025, 00:10" across midnight (`now`
 * leaves out this year as in formatDate). Written here, not by Intl's
 * formatRange, so that it reads as the other dates do in all three languages
 * (formatRange has no Kazakh in Chromium, and its dash and spaces differ by
 * language and engine). An invalid end gives the start alone; ends given in
 * reverse order are put in order.
 */
export function formatTimeRange(from: number | Date, to: number | Date, lang: Language = language(), opts: DateOptions = {}): string {
  let a = moment(from);
  let b = moment(to);
  if (!a) return b ? formatDateTime(b, lang, opts) : "";
  if (!b) return formatDateTime(a, lang, opts);
  if (b.getTime() < a.getTime()) [a, b] = [b, a];
  const pa = numericParts(a, opts.timeZone);
  const pb = numericParts(b, opts.timeZone);
  if (!sameDay(pa, pb)) return `${formatDateTime(a, lang, opts)} – ${formatDateTime(b, lang, opts)}`;
  const start = formatTime(a, lang, opts);
  const end = formatTime(b, lang, opts);
  return `${formatDate(a, lang, opts)}, ${start === end ? start : `${start}–${end}`}`;
}

/** For a <time datetime="…"> attribute: the moment in UTC, ISO 8601 ("" if invalid). */
export function isoMoment(at: number | Date): string {
  const d = moment(at);
  return d ? d.toISOString() : "";
}
