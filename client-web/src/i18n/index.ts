// Translations: English, Russian, Kazakh. t(key, params) in the current
// language; listeners re-render when the language changes.
import { type Entry, type MessageKey, type Messages, en } from "./messages";
import { kk } from "./kk";
import { ru } from "./ru";

export type { MessageKey };
// Dates and times in the page's language (dates.ts imports language() from
// here; both sides only call each other at run time, so the cycle is safe).
export { type DateOptions, formatDate, formatDateTime, formatNearby, formatTime, isoMoment } from "./dates";
export type Language = "en" | "ru" | "kk";

export const LANGUAGES: readonly { readonly code: Language; readonly name: string }[] = [
  { code: "en", name: "English" },
  { code: "ru", name: "Русский" },
  { code: "kk", name: "Қазақша" },
];

export const CATALOGS: Record<Language, Messages> = { en, ru, kk };

let current: Language = "en";
const listeners = new Set<() => void>();

export function language(): Language {
  return current;
}

export function setLanguage(lang: Language): void {
  if (lang === current) return;
  current = lang;
  for (const l of [...listeners]) l();
}

export function onLanguageChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** The best language for a list of preferences such as navigator.languages. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const p of preferred) {
    const base = p.toLowerCase().split("-")[0];
    if (base === "en" || base === "ru" || base === "kk") return base;
  }
  return "en";
}

function fill(s: string, params: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** The message in `lang` (default: the current language). */
export function translate(lang: Language, key: MessageKey, params: Record<string, string | number> = {}): string {
  const entry: Entry = CATALOGS[lang][key] ?? en[key];
  if (typeof entry === "string") return fill(entry, params);
  const n = Number(params.n ?? 0);
  const cat = new Intl.PluralRules(lang).select(n) as keyof typeof entry;
  return fill(entry[cat] ?? entry.other, params);
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return translate(current, key, params);
}
