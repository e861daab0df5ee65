// Dates and times in the page's language (issue 19). Node's own default
// locale is English, so a Russian or Kazakh expectation fails if a browser
// default (toLocaleString()) leaked in; the Kazakh ones also fail if the
// module leaned on Intl's Kazakh data, which Chromium does not ship.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setLanguage } from "../../src/i18n";
import { KAZAKH_MONTHS, formatDate, formatDateTime, formatNearby, formatTime, formatTimeRange, isoMoment } from "../../src/i18n/dates";

const UTC = { timeZone: "UTC" } as const;
/** 12 March 2025, 09:05 UTC. */
const MARCH_12 = Date.UTC(2025, 2, 12, 9, 5);

afterEach(() => {
  setLanguage("en");
  vi.restoreAllMocks();
});

describe("dates in the page's language", () => {
  it("write English, Russian and Kazakh dates with their own month names", () => {
    expect(formatDate(MARCH_12, "en", UTC)).toBe("12 March 2025");
    expect(formatDate(MARCH_12, "ru", UTC)).toBe("12 марта 2025 г.");
    expect(formatDate(MARCH_12, "kk", UTC)).toBe("2025 ж. 12 наурыз");
  });

  it("name every month in Kazakh, with no Latin letter and no month number", () => {
    for (let m = 0; m < 12; m++) {
      const at = Date.UTC(2025, m, 15, 12, 0);
      expect(formatDate(at, "kk", UTC)).toBe(`2025 ж. 15 ${KAZAKH_MONTHS[m]}`);
      for (const text of [formatDate(at, "kk", UTC), formatDate(at, "kk", { ...UTC, short: true }), formatDateTime(at, "kk", UTC)]) {
        expect(text).not.toMatch(/[A-Za-z]/);
        expect(text).toMatch(/[а-яәғқңөұүһі]/);
      }
      expect(formatDate(at, "ru", UTC)).not.toMatch(/[A-Za-z]/);
    }
  });

  it("never ask Intl for Kazakh, whose data Chromium lacks", () => {
    const Real = Intl.DateTimeFormat;
    const locales: unknown[] = [];
    vi.spyOn(Intl, "DateTimeFormat").mockImplementation(function (locale?: string | string[], options?: Intl.DateTimeFormatOptions) {
      locales.push(locale);
      return new Real(locale, options);
    } as unknown as typeof Intl.DateTimeFormat);
    formatDateTime(MARCH_12, "kk", UTC);
    formatNearby(MARCH_12, MARCH_12 + 86_400_000, "kk", UTC);
    formatTimeRange(MARCH_12, MARCH_12 + 86_400_000, "kk", { ...UTC, now: MARCH_12 });
    expect(locales.length).toBeGreaterThan(0);
    expect(locales.filter((l) => String(l).toLowerCase().startsWith("kk"))).toEqual([]);
  });

  it("write the time on the 24-hour clock and join it to the date the same way in every engine", () => {
    expect(formatTime(MARCH_12, "en", UTC)).toBe("09:05");
    expect(formatTime(MARCH_12, "ru", UTC)).toBe("09:05");
    expect(formatTime(Date.UTC(2025, 2, 12, 21, 40), "kk", UTC)).toBe("21:40");
    expect(formatDateTime(MARCH_12, "en", UTC)).toBe("12 March 2025, 09:05");
    expect(formatDateTime(MARCH_12, "ru", UTC)).toBe("12 марта 2025 г., 09:05");
    expect(formatDateTime(MARCH_12, "kk", UTC)).toBe("2025 ж. 12 наурыз, 09:05");
    expect(formatDateTime(MARCH_12, "kk", { ...UTC, short: true })).toBe("2025 ж. 12 нау., 09:05");
    expect(formatDateTime(MARCH_12, "ru", { ...UTC, short: true })).toBe("12 мар. 2025 г., 09:05");
  });

  it("honour a time zone in Kazakh as in the others, across midnight", () => {
    // 23:30 UTC on 31 January is 02:30 on 1 February in Moscow (UTC+3).
    const at = Date.UTC(2025, 0, 31, 23, 30);
    expect(formatDateTime(at, "kk", { timeZone: "Europe/Moscow" })).toBe("2025 ж. 1 ақпан, 02:30");
    expect(formatDateTime(at, "ru", { timeZone: "Europe/Moscow" })).toBe("1 февраля 2025 г., 02:30");
    expect(formatDateTime(at, "kk", UTC)).toBe("2025 ж. 31 қаңтар, 23:30");
  });

  it("follow the page's language when none is given", () => {
    setLanguage("ru");
    expect(formatDate(MARCH_12, undefined, UTC)).toBe("12 марта 2025 г.");
    setLanguage("kk");
    expect(formatDate(MARCH_12, undefined, UTC)).toBe("2025 ж. 12 наурыз");
    setLanguage("en");
    expect(formatDate(MARCH_12, undefined, UTC)).toBe("12 March 2025");
  });

  it("say only the time for a moment of the same day, else the date too", () => {
    expect(formatNearby(MARCH_12, MARCH_12 + 3_600_000, "kk", UTC)).toBe("09:05");
    expect(formatNearby(MARCH_12, MARCH_12 + 86_400_000, "kk", UTC)).toBe("2025 ж. 12 нау., 09:05");
    expect(formatNearby(MARCH_12, MARCH_12 + 86_400_000, "ru", UTC)).toBe("12 мар. 2025 г., 09:05");
  });

  it("leave out the year of a moment in `now`'s year, in the zone, and only then", () => {
    const now = { ...UTC, now: Date.UTC(2025, 5, 1) };
    expect(formatDate(MARCH_12, "en", now)).toBe("12 March");
    expect(formatDate(MARCH_12, "ru", now)).toBe("12 марта");
    expect(formatDate(MARCH_12, "kk", now)).toBe("12 наурыз");
    expect(formatDate(MARCH_12, "kk", { ...now, short: true })).toBe("12 нау.");
    expect(formatDateTime(MARCH_12, "en", now)).toBe("12 March, 09:05");
    expect(formatDateTime(MARCH_12, "ru", now)).toBe("12 марта, 09:05");
    const nextYear = { ...UTC, now: Date.UTC(2026, 0, 2) };
    expect(formatDate(MARCH_12, "en", nextYear)).toBe("12 March 2025");
    expect(formatDate(MARCH_12, "ru", nextYear)).toBe("12 марта 2025 г.");
    expect(formatDate(MARCH_12, "kk", nextYear)).toBe("2025 ж. 12 наурыз");
    // 20:00 UTC on 31 December 2025 is 1 January 2026 in Almaty: not `now`'s year there.
    const newYearsEve = Date.UTC(2025, 11, 31, 20, 0);
    expect(formatDate(newYearsEve, "kk", { timeZone: "Asia/Almaty", now: Date.UTC(2025, 5, 1) })).toBe("2026 ж. 1 қаңтар");
    expect(formatDate(newYearsEve, "en", { timeZone: "UTC", now: Date.UTC(2025, 5, 1) })).toBe("31 December");
    expect(formatDate(MARCH_12, "en", { ...UTC, now: Number.NaN })).toBe("12 March 2025");
  });

  it("write a span within a day as one date and two times, across midnight as two moments", () => {
    const now = { ...UTC, now: MARCH_12 };
    const end = MARCH_12 + 42 * 60_000;
    expect(formatTimeRange(MARCH_12, end, "en", now)).toBe("12 March, 09:05–09:47");
    expect(formatTimeRange(MARCH_12, end, "ru", now)).toBe("12 марта, 09:05–09:47");
    expect(formatTimeRange(MARCH_12, end, "kk", now)).toBe("12 наурыз, 09:05–09:47");
    expect(formatTimeRange(MARCH_12, end, "en", UTC)).toBe("12 March 2025, 09:05–09:47");
    expect(formatTimeRange(MARCH_12, MARCH_12 + 30_000, "en", now), "the same minute: one time").toBe("12 March, 09:05");
    expect(formatTimeRange(end, MARCH_12, "en", now), "ends in reverse order").toBe("12 March, 09:05–09:47");
    expect(formatTimeRange(MARCH_12, MARCH_12 + 15 * 3_600_000, "en", now)).toBe("12 March, 09:05 – 13 March, 00:05");
    expect(formatTimeRange(MARCH_12, MARCH_12 + 15 * 3_600_000, "kk", UTC)).toBe("2025 ж. 12 наурыз, 09:05 – 2025 ж. 13 наурыз, 00:05");
    // The same span is one day in UTC but crosses midnight in Almaty (UTC+5).
    const evening = Date.UTC(2025, 2, 12, 18, 30);
    expect(formatTimeRange(evening, evening + 60 * 60_000, "ru", { timeZone: "Asia/Almaty", now: MARCH_12 })).toBe("12 марта, 23:30 – 13 марта, 00:30");
    expect(formatTimeRange(MARCH_12, Number.NaN, "en", now)).toBe("12 March, 09:05");
    expect(formatTimeRange(Number.NaN, Number.NaN, "en", now)).toBe("");
  });

  it("give nothing for a moment that is not one", () => {
    expect(formatDate(Number.NaN, "ru")).toBe("");
    expect(formatDateTime(new Date("nonsense"), "kk")).toBe("");
    expect(isoMoment(Number.NaN)).toBe("");
    expect(isoMoment(MARCH_12)).toBe("2025-03-12T09:05:00.000Z");
  });
});

describe("the client's sources", () => {
  /** Files still formatting dates on their own; each must be moved to dates.ts (and then removed from here). */
  const PENDING: Record<string, string> = {
  };
  const FORBIDDEN = /toLocale(?:Date|Time)?String\(|Intl\.DateTimeFormat|Intl\.RelativeTimeFormat/;
  const SRC = join(__dirname, "../../src");

  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === "gen" ? [] : files(path);
      return path.endsWith(".ts") ? [path] : [];
    });
  }

  it("format dates and times only through i18n/dates.ts", () => {
    const offenders: string[] = [];
    for (const path of files(SRC)) {
      const rel = relative(SRC, path).split("\\").join("/");
      if (rel === "i18n/dates.ts") continue;
      const text = readFileSync(path, "utf8");
      const lines = text.split("\n").filter((l) => FORBIDDEN.test(l));
      if (rel in PENDING) {
        expect(text.includes(PENDING[rel]!), `${rel} no longer formats dates itself: remove it from PENDING`).toBe(true);
        continue;
      }
      offenders.push(...lines.map((l) => `${rel}: ${l.trim()}`));
    }
    expect(offenders).toEqual([]);
  });
});
